import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { CLI_DEFAULT_CONTEXT } from '../../bench/cli-context';
import { scaledEnvironments } from '../../bench/scaled-environments';
import { FEATURE_FLAGS } from '../../examples/feature-flags';
import { APP_NAME, ReferenceEnvironment, buildReferenceApp } from '../../examples/reference-app';

/**
 * 200 environments: the bench's 96 (six tiers in 16 regions, each tier a wave) and 104 more Dev
 * environments (one per team, each in an account of its own) in the Dev tier's wave, which then
 * holds 120. Past what one wave can hold: the IAM path of the roles of the wave's builds names each
 * of its environments by a token of 8 characters, and IAM allows 512 characters (at most 53
 * environments to a wave for an app named `shop`). Synthesis refuses it before writing anything,
 * naming the limit, the wave, the size and what to do.
 */
function twoHundredEnvironments(): ReferenceEnvironment[] {
  const base = scaledEnvironments(16);
  const dev = base.filter(e => e.tier.name === 'dev');
  const teams = Array.from({ length: 104 }, (_, i): ReferenceEnvironment => {
    const e = dev[i % dev.length];
    return {
      ...e,
      id: `${e.id}-team${i}`,
      environmentName: `${e.environmentName ?? e.tier.name}-team${i}`,
      account: `${e.account[0]}${String(500 + i).padStart(11, '0')}`,
      cidr: `172.${16 + Math.floor(i / 16)}.${(i % 16) * 16}.0/20`,
    };
  });
  // In promotion order: every Dev environment first.
  return [...dev, ...teams, ...base.filter(e => e.tier.name !== 'dev')];
}

test('a pipeline of 200 environments whose Dev wave holds 120 is refused at synth, naming the limit, the wave, its size and what to do; no template is written', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'refused-200-'));
  try {
    const environments = twoHundredEnvironments();
    expect(environments).toHaveLength(200);
    const app = new cdk.App({ outdir, context: { ...FEATURE_FLAGS, ...CLI_DEFAULT_CONTEXT } });
    buildReferenceApp(app, environments);
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = String((e as Error).message);
    }
    // /cdk-multi-env/<app>/review/, then + and a token of 8 characters for each environment, a + and a /.
    const length = `/cdk-multi-env/${APP_NAME}/review/`.length + 120 * 9 + 2;
    expect(message).toBe('[Tooling/Delivery] MultiEnvPipeline \'Delivery\': environments of wave Dev-wave (120) are named, by a token of 8 characters each, '
      + `in the IAM path of the roles of the builds that review, deploy and test them, which makes a path of ${length} characters; IAM allows 512. `
      + 'Spread them over more waves (at most 53 to a wave), or split the app into several apps with a pipeline each');
    expect(fs.readdirSync(outdir, { recursive: true }).map(String).filter(f => f.endsWith('.template.json'))).toEqual([]);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}, 180_000);
