import { Construct, IConstruct } from 'constructs';
import { TierProfile } from '.';
import { singletonIn } from '../private/singleton-in';

const ID = 'cdk-multi-env.EnvironmentProfile';

/**
 * The effective profile of an IsolatedEnvironment, kept in its stage, so that constructs inside
 * the environment (the cost scheduler, monitoring, backups) can read it without importing the
 * environment module.
 */
export class StageProfile extends Construct {
  /** Records the profile of an environment in its stage. */
  public static register(stage: IConstruct, environmentName: string, profile: TierProfile): void {
    singletonIn(stage, ID, (scope, id) => new StageProfile(scope, id, environmentName, profile));
  }

  /** The environment's name and profile, when the stage is an environment's. */
  public static of(stage: IConstruct | undefined): StageProfile | undefined {
    return stage?.node.tryFindChild(ID) as StageProfile | undefined;
  }

  private constructor(scope: Construct, id: string, public readonly environmentName: string, public readonly profile: TierProfile) {
    super(scope, id);
  }
}
