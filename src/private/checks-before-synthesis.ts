import { Construct, IConstruct } from 'constructs';
import { singletonIn } from './singleton-in';

const ID = 'cdk-multi-env.ChecksBeforeSynthesis';

/**
 * The checks that need the whole app (every environment a pipeline was given, whatever the order
 * they were added in), run once, before the first environment of the app writes its cloud
 * assembly (`IsolatedEnvironment.synth`).
 *
 * aws-cdk-lib synthesizes the stages of an app (our environments) before it validates the app's
 * own constructs (`node.addValidation`) or runs its aspects: a check made there would fail with
 * the stage assemblies already written to the output directory. A check made here fails with
 * nothing written. One per app, kept in the construct tree (no state outside the app).
 */
export class ChecksBeforeSynthesis extends Construct {
  /** The app's checks. */
  public static of(scope: IConstruct): ChecksBeforeSynthesis {
    return singletonIn(scope.node.root, ID, (root, id) => new ChecksBeforeSynthesis(root, id));
  }

  private readonly checks: (() => void)[] = [];
  private done = false;

  /** Adds a check; it throws to stop the synthesis. */
  public add(check: () => void): void {
    this.checks.push(check);
  }

  /** Runs every check, the first time only. */
  public runOnce(): void {
    if (this.done) return;
    this.done = true;
    for (const check of this.checks) check();
  }
}
