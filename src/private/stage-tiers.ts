import { IConstruct } from 'constructs';
import { TierProfile } from '../tiers';

/**
 * The effective profile of each IsolatedEnvironment, by its stage, so that constructs inside an
 * environment (the cost scheduler) can read its tier without importing the environment module.
 */
const profiles = new WeakMap<IConstruct, { environmentName: string; profile: TierProfile }>();

export function registerStageProfile(stage: IConstruct, environmentName: string, profile: TierProfile): void {
  profiles.set(stage, { environmentName, profile });
}

export function profileOfStage(stage: IConstruct | undefined): { environmentName: string; profile: TierProfile } | undefined {
  return stage ? profiles.get(stage) : undefined;
}
