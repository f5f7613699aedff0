import { Aws, Stack } from 'aws-cdk-lib';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { ChangeReviewJob } from './change-review-job';
import { CodeBuildJob, describingEnvironments, JobSpec } from './codebuild-job';
import { cleanupVariables, OrphanListingJob } from './orphan-cleanup';
import { OrphanMode } from './orphan-mode';
import { BuildSteps, everyStep } from './test-builds';
import { IsolatedEnvironment } from '../environment';
import { assumeBootstrapRoles, BootstrapRole } from './private/bootstrap-roles';
import { assumeEnvironmentRoles, EnvironmentRole } from './private/environment-roles';
import { GateScript, JobScript } from './private/gate-scripts';
import { PlanVariables } from './private/job-plan';
import { pipelineRolesPattern, servingRolePath } from '../private/pipeline-role-paths';
import { stacksOf } from '../private/stage-stacks';

/** The id of the deploy job of an environment's stage (its CodePipeline action's name). */
export const DEPLOY_JOB = 'Deploy';

/** What the builds deploy with. */
export interface DeployInputs {
  /** The cloud assembly the stacks are deployed from. */
  readonly assembly: pipelines.FileSet;
  readonly cdkCliVersion: string;
  /** The wave's change review, whose record each build checks before it deploys. */
  readonly review?: ChangeReviewJob;
  /** What the builds do with the stacks their environments deployed earlier that the app no longer has. */
  readonly orphanMode: OrphanMode;
  /** Where no change review lists the orphaned stacks for the approval, the job that does. */
  readonly orphanListing?: OrphanListingJob;
}

/**
 * One CodeBuild batch that deploys several environments side by side: one build per environment,
 * each with its environment's variables, on the cloud assembly. A build installs the pinned CDK
 * CLI, checks (where a change review came before) that what it deploys is what was reviewed,
 * deploys its stacks (`cdk deploy` from the cloud assembly, which publishes each stack's assets and
 * deploys each stack once its dependencies are) and, in the last of an environment's deploys,
 * deletes the stacks the app no longer has. It runs the library's commands only: the user's tests,
 * their installs and the data seed run in builds of their own (`TestBuilds`), which hold no
 * credential that deploys. The batch fails when one of its builds fails, once all have run. Its
 * project may assume the CDK bootstrap roles it deploys with and the environments' stack clean-up
 * roles, of these environments only.
 *
 * Where tests come after the deploy, a build deploys the stacks the tests need first, then signals
 * (`readySignal`) that the environment's tests may start (their build was started beside it and has
 * waited, provisioned and installed), and deploys the stacks no test needs (the monitoring stack, the
 * account baseline) while they run: one build per environment, rather than a second batch that
 * would be provisioned and billed while it waited for the first.
 *
 * Written by hand because CDK Pipelines deploys each stack with two CloudFormation actions and
 * gives every test of every environment an action, a project and a role of its own: at sixteen
 * environments of four stacks a wave's stage is 150 actions, past CodePipeline's 50 per stage, and
 * the pipeline's template past CloudFormation's 1 MB. One batch is one action and one project
 * whatever the number of environments; and no asset reaches an environment before its gate,
 * because each build publishes its own.
 */
export class EnvironmentBuilds extends CodeBuildJob {
  /** Whether a stack has a container image asset, which the CLI builds with Docker. */
  private readonly images: boolean;
  /**
   * Whether it deploys in CloudFormation's express mode, as the tier asks (`TierProfile.expressDeployments`;
   * the environments of a batch are of one tier). `--rollback` keeps CloudFormation's rollback of a
   * failed deploy, which the CLI switches off with `--express` unless asked (`cdk deploy --help`:
   * "Defaults to 'true' for non-express mode deployments, defaults to 'false' for express mode
   * deployments ... do **not** disable this flag for deployments with resource replacements"); a
   * pipeline's next run must start from a stack that is not left half-deployed.
   */
  private readonly express: boolean;
  /** Each environment's stacks no test needs, which deploy while its tests run (`besideTests`). */
  private readonly beside: Map<IsolatedEnvironment, Stack[]>;

  /**
   * @param steps what the environments' test builds run, which decides the stacks deployed while they run
   */
  constructor(id: string, private readonly environments: IsolatedEnvironment[], steps: BuildSteps,
    private readonly deploy: DeployInputs) {
    // The review's output, or the orphan listing's: what the approval saw.
    const approved = (deploy.review ?? deploy.orphanListing)?.primaryOutput;
    super(id, deploy.assembly, approved ? [approved] : []);
    this.images = this.stacks().some(stack => stack.node.findAll()
      .some(c => c instanceof ecrAssets.DockerImageAsset || c instanceof ecrAssets.TarballImageAsset));
    this.express = environments.every(env => env.profile.expressDeployments === true);
    this.beside = new Map(environments.map(env => [env, besideTests(env, steps)]));
  }

  protected get buildCount(): number {
    return this.environments.length;
  }

  protected get description(): string {
    return describingEnvironments(this.environments, names => `Deploys ${names}, one build each`);
  }

  protected spec([reviewedOrListed]: string[]): JobSpec {
    // The cloud assembly is the job's primary input.
    const assembly = '$CODEBUILD_SRC_DIR';
    const { batch, readPlan: plan } = this.buildPerEnvironment(this.environments, env => this.planVariablesOf(env));
    // Each build searches for the stacks its environment no longer has, with the orphan script, and deletes them.
    this.gateScript(GateScript.ORPHAN);
    const orphans = this.source(JobScript.ORPHANS);
    // `cdk deploy` of the stacks a variable of the plan names, each once the stacks it depends on are, the others side by side.
    const deploy = (stacks: string) => `[ -z "$${stacks}" ] || cdk -a "${assembly}" deploy --method=direct${this.express ? ' --express --rollback' : ''} `
      + `--require-approval never --exclusively --concurrency "$(echo $${stacks} | wc -w)" --progress events --no-notices $${stacks}`;
    const rest = [...this.beside.values()].some(stacks => stacks.length > 0);
    return {
      buildSpec: {
        env: { shell: 'bash' },
        batch,
        phases: {
          install: {
            commands: [`npm install -g aws-cdk@${this.deploy.cdkCliVersion}`],
          },
          build: {
            commands: [
              plan,
              ...this.deploy.review ? [this.source(JobScript.CHANGE_REVIEW), `check_reviewed "${reviewedOrListed}" "${assembly}"`] : [],
              deploy('STACKS'),
              // The tests start; the stacks no test needs, and the search for the stacks the app no longer has, while they run.
              ...this.readySignal(pipelineRolesPattern(Aws.ACCOUNT_ID, this.environments[0].appName, 'deploy')),
              ...rest ? [deploy('REST_STACKS')] : [],
              orphans, `search_orphans${reviewedOrListed ? ` "${reviewedOrListed}/orphans-$ENVIRONMENT_NAME.txt"` : ''}`,
              // Once the app's stacks are deployed: the deletion of the stacks it no longer has.
              'delete_orphans',
            ],
          },
        },
      },
      privileged: this.images,
      batch: true,
      actionVariables: this.deploy.review?.deployVariables,
    };
  }

  protected permissions(): iam.PolicyStatement[] {
    const roles: BootstrapRole[] = ['deploy', 'file-publishing', ...this.images ? ['image-publishing' as const] : []];
    // The check that the stacks are still as reviewed reads their templates with the review roles;
    // a build deletes its environment's orphaned stacks with its clean-up role.
    const environmentRoles: EnvironmentRole[] = [...this.deploy.review ? ['review' as const] : [], 'stack-cleanup'];
    return [
      assumeBootstrapRoles(this.stacks(), roles),
      assumeEnvironmentRoles(this.environments, ...environmentRoles),
    ];
  }

  /** The path the environments' stack clean-up roles trust, which names them. */
  protected rolePath(): string {
    return servingRolePath('deploy', this.environments);
  }

  /**
   * What a build reads from the job's plan for its environment: the stacks it deploys (by their
   * path in the app, as `cdk list` shows them): first those the tests need (`STACKS`), then where
   * tests run after the deploy, those no test needs (`REST_STACKS`); with the review's fingerprint
   * entries of all of them, and what its stack clean-up needs. Each build's own variable is the
   * environment's name.
   */
  private planVariablesOf(env: IsolatedEnvironment): PlanVariables {
    const beside = this.beside.get(env)!;
    const stacks = stacksOf(env);
    const paths = (of: Stack[]) => of.map(s => s.node.path).join(' ');
    return {
      ...cleanupVariables(env, this.deploy.orphanMode),
      STACKS: paths(stacks.filter(s => !beside.includes(s))),
      ...beside.length > 0 ? { REST_STACKS: paths(beside) } : {},
      ...this.deploy.review ? { REVIEWED_STACKS: stacks.map(s => ChangeReviewJob.fingerprintEntry(s)) } : {},
    };
  }

  private stacks(): Stack[] {
    return this.environments.flatMap(env => stacksOf(env));
  }
}

/**
 * The stacks of an environment no test needs, deployed while the tests run: its monitoring stack (its
 * dashboard and alarms) and the account's baseline stack where the environment holds it (the
 * trail, Config, GuardDuty: slow to deploy, and nothing a test reads), where something runs after
 * the deploy, no other stack of the environment depends on them, no test reads their outputs, and
 * deploying them first would make the deploy's longest chain of dependent stacks longer (the CDK CLI
 * deploys the stacks that do not depend on each other side by side, so a stack that lengthens no
 * chain costs the tests nothing).
 */
function besideTests(env: IsolatedEnvironment, steps: BuildSteps): Stack[] {
  if (!steps.seed && steps.after.length === 0) return [];
  const stacks = stacksOf(env);
  const candidates = [Stack.of(env.monitoring), ...(env.complianceBaseline ? [Stack.of(env.complianceBaseline)] : [])];
  const readsOutputsOf = (stack: Stack) => everyStep(steps)
    .some(step => Object.values(step.commands.envFromOutputs ?? {}).some(output => Stack.of(output) === stack));
  const movable = candidates.filter(candidate => !stacks.some(s => s.dependencies.includes(candidate)) && !readsOutputsOf(candidate));
  // How many stacks of the environment deploy one after another up to and including a stack.
  const depth = (stack: Stack): number => 1 + Math.max(0, ...stack.dependencies.filter(d => stacks.includes(d)).map(depth));
  const longestFirst = Math.max(0, ...stacks.filter(s => !movable.includes(s)).map(depth));
  return movable.filter(candidate => depth(candidate) > longestFirst);
}
