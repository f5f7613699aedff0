import { Token } from 'aws-cdk-lib';
import { IsolatedEnvironment } from '../environment';
import { ValidationErrors } from '../private/validation-errors';

/** CodePipeline's stage names: 1 to 100 of these characters. */
const STAGE_NAME = /^[A-Za-z0-9.@_-]{1,100}$/;

/**
 * What makes a set of environments a wave, before anything about their gates: a name CodePipeline
 * accepts, at least one environment, one tier, each environment once and in an account and region
 * of its own, and a pilot that is part of the wave and leaves some of it for afterwards.
 */
export function checkWave(name: string, environments: IsolatedEnvironment[], pilot: IsolatedEnvironment[] | undefined,
  errors: ValidationErrors): void {
  if (!STAGE_NAME.test(`${name}-Approval`)) {
    errors.add('name', `'${name}' is not a pipeline stage name; use 1 to 91 letters, digits and . @ - _`);
  }
  if (environments.length === 0) {
    errors.add('environments', 'is empty; give the environments of the wave, at least one');
    return;
  }
  const seen = new Set<IsolatedEnvironment>();
  for (const env of environments) {
    if (seen.has(env)) errors.add('environments', `has '${env.environmentName}' twice; give each environment once`);
    seen.add(env);
  }
  const tiers = [...new Set(environments.map(e => e.tier.name))];
  if (tiers.length > 1) {
    errors.add('environments', `mixes tiers (${environments.map(e => `'${e.environmentName}' is ${e.tier.name}`).join(', ')}); `
      + 'a wave promotes environments of one tier: put each tier in a wave of its own');
  }
  const byPlace = new Map<string, IsolatedEnvironment>();
  for (const env of seen) {
    if (Token.isUnresolved(env.account) || Token.isUnresolved(env.region)) continue;
    const place = `${env.account}/${env.region}`;
    const other = byPlace.get(place);
    if (other) {
      errors.add('environments', `has '${other.environmentName}' and '${env.environmentName}' both in account ${env.account}, region ${env.region}; `
        + 'the environments of a wave are deployed side by side, so each needs an account or region of its own');
    }
    byPlace.set(place, env);
  }
  if (pilot === undefined) return;
  if (pilot.length === 0) {
    errors.add('pilot', 'is empty; name the environments to deploy first, or leave pilot out');
  }
  for (const env of pilot.filter(e => !seen.has(e))) {
    errors.add('pilot', `has '${env.environmentName}', which is not one of the wave's environments; a pilot is deployed first among them: add it to environments too`);
  }
  if (pilot.length > 0 && [...seen].every(e => pilot.includes(e))) {
    errors.add('pilot', 'has every environment of the wave, so nothing would follow the pilot; leave at least one environment out of it, or leave pilot out');
  }
}
