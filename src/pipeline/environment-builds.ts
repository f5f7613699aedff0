import { Stack } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { WITH_ROLE } from './assume-role-shell';
import { ChangeReviewJob } from './change-review-job';
import { CodeBuildJob, JobSpec } from './codebuild-job';
import { assumeCleanupRoles, cleanupCommands, cleanupVariables, OrphanListingJob } from './orphan-cleanup';
import { OrphanMode } from './orphan-mode';
import { PipelineCommands } from './pipeline-test';
import { AWAIT_BESIDE, awaitBeside, inSubshell, startBeside } from './side-by-side-shell';
import { IsolatedEnvironment } from '../environment';
import { assumeBootstrapRoles, BootstrapRole } from './private/bootstrap-roles';
import { GateScript, GateScripts } from './private/gate-scripts';
import { stacksOf } from '../private/stage-stacks';
import { ValidationErrors } from '../private/validation-errors';

/** Commands a build runs, under the name its log announces them by (`SmokeTests`, `SeedData`). */
export interface NamedCommands {
  readonly name: string;
  readonly commands: PipelineCommands;
}

/**
 * How a build announces in its log each step it runs, one after another: `echo "== SeedData of
 * $ENVIRONMENT_NAME =="`; for steps side by side, `echo "== LoadTests, SecurityTests of
 * $ENVIRONMENT_NAME, side by side =="`.
 */
export function stepAnnouncement(names: string[]): string {
  return `echo "== ${names.join(', ')} of $ENVIRONMENT_NAME${names.length > 1 ? ', side by side' : ''} =="`;
}

/** A build command that announces a step, or steps side by side; its first group names them (`LoadTests, SecurityTests`). */
export const STEP_ANNOUNCEMENT = /^echo "== (\S+(?:, \S+)*) of \$ENVIRONMENT_NAME(?:, side by side)? =="$/;

/** What a deploy build runs besides the deploy, each part in its order. */
export interface BuildSteps {
  /** Before the deploy, side by side: the tests before deploy. */
  readonly before: NamedCommands[];
  /** After the deploy, first and alone: the data seed. */
  readonly seed?: NamedCommands;
  /** Then side by side: the tests after deploy. */
  readonly after: NamedCommands[];
}

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
 * The variables every build of an environment gets, so one test script serves every environment.
 */
export function environmentVariables(env: IsolatedEnvironment): Record<string, string> {
  return {
    ENVIRONMENT_NAME: env.environmentName,
    TIER: env.tier.name,
    TARGET_ACCOUNT: env.account!,
    TARGET_REGION: env.region!,
    DEPLOYMENT_ROLE_ARN: env.deploymentRoleArn,
  };
}

/**
 * Checks that commands can share one build: one build image (or none) and no variable given two
 * values. `who` names the environment or wave.
 */
export function checkOneBuild(field: string, steps: NamedCommands[], who: string, errors: ValidationErrors): void {
  const images = [...new Set(steps.flatMap(s => s.commands.buildImage ? [s.commands.buildImage.imageId] : []))];
  if (images.length > 1) {
    errors.add(field, `ask for build images ${images.join(' and ')} for ${steps.map(s => s.name).join(', ')} of ${who}, which run in one build per environment; give them the same buildImage, or none`);
  }
  const values = new Map<string, string>();
  for (const [name, value] of steps.flatMap(s => Object.entries(s.commands.env ?? {}))) {
    if (values.has(name) && values.get(name) !== value) {
      errors.add(field, `set variable ${name} to both '${values.get(name)}' and '${value}' for ${steps.map(s => s.name).join(', ')} of ${who}, which run in one build per environment; give each variable one value`);
    }
    values.set(name, value);
  }
}

/**
 * One CodeBuild batch that deploys several environments side by side: one build per environment,
 * each with its environment's variables, on the repository. A build runs its environment's tests
 * before deploy (side by side, while the CDK CLI installs), then deploys its stacks with the
 * pinned CLI (`cdk deploy` from the cloud assembly, which publishes each stack's assets and
 * deploys each stack once its dependencies are), then seeds its data, then runs its tests after
 * deploy side by side, while the stacks no test needs (the monitoring stack) deploy beside them.
 * The batch fails when one of its builds fails, once all have run. Its project may assume the CDK
 * bootstrap roles it deploys with and the environments' deployment roles, of these environments only.
 *
 * Written by hand because CDK Pipelines deploys each stack with two CloudFormation actions and
 * gives every test of every environment an action, a project and a role of its own: at sixteen
 * environments of four stacks a wave's stage is 150 actions, past CodePipeline's 50 per stage, and
 * the pipeline's template past CloudFormation's 1 MB. One batch is one action and one project
 * whatever the number of environments; the tests before deploy run right before it (after the
 * wave's approval, however long that waited), each environment's tests after deploy start as soon
 * as it is deployed; and no asset reaches an environment before its gate, because each build
 * publishes its own.
 */
export class EnvironmentBuilds extends CodeBuildJob {
  /** Whether a stack has a container image asset, which the CLI builds with Docker. */
  private readonly images: boolean;
  /** The pipeline's own orphan script, once the job is in its stack. */
  private gateScripts?: GateScripts;

  constructor(id: string, private readonly environments: IsolatedEnvironment[], source: pipelines.FileSet,
    private readonly steps: BuildSteps, private readonly deploy: DeployInputs) {
    // The review's output, or the orphan listing's: what the approval saw.
    const approved = (deploy.review ?? deploy.orphanListing)?.primaryOutput;
    super(id, source, [deploy.assembly, ...approved ? [approved] : []]);
    this.images = this.stacks().some(stack => stack.node.findAll()
      .some(c => c instanceof ecrAssets.DockerImageAsset || c instanceof ecrAssets.TarballImageAsset));
  }

  protected get description(): string {
    const { before, seed, after } = this.steps;
    const what = [...before.map(s => s.name), 'Deploy', ...seed ? [seed.name] : [], ...after.map(s => s.name)].join(', ');
    return `${what} of ${this.environments.map(e => e.environmentName).join(', ')}, one build each`;
  }

  public produceAction(stage: codepipeline.IStage, options: pipelines.ProduceActionOptions): pipelines.CodePipelineActionFactoryResult {
    this.gateScripts = GateScripts.of(options.scope);
    return super.produceAction(stage, options);
  }

  protected spec([assembly, reviewedOrListed]: string[]): JobSpec {
    const { before, seed, after } = this.steps;
    const all = everyStep(this.steps);
    const cdkDeploy = (stacks: string) => `cdk -a "${assembly}" deploy --method=direct --require-approval never --exclusively --concurrency "$(echo ${stacks} | wc -w)" `
      + `--progress events --no-notices ${stacks}`;
    return {
      buildSpec: {
        env: { shell: 'bash' },
        batch: {
          'fast-fail': false,
          'build-list': this.environments.map(env => ({
            identifier: env.stageName.replace(/[^A-Za-z0-9]/g, '_'),
            env: { variables: { ...this.variablesOf(env), ...Object.assign({}, ...all.map(s => s.commands.env ?? {})) } },
          })),
        },
        phases: {
          install: {
            commands: [
              // The CLI installs beside the tests' own installs and the tests before deploy.
              startBeside(CLI_INSTALL, [`npm install -g aws-cdk@${this.deploy.cdkCliVersion}`]),
              ...new Set(all.flatMap(s => s.commands.installCommands ?? [])),
            ],
          },
          build: {
            commands: [
              AWAIT_BESIDE,
              ...sideBySide(before),
              awaitBeside([[CLI_INSTALL, `Install of the CDK CLI ${this.deploy.cdkCliVersion}`]]),
              ...this.deploy.review ? ChangeReviewJob.checkBeforeDeployCommands(reviewedOrListed, assembly) : [],
              cdkDeploy('$STACKS'),
              // The stacks no test needs (the monitoring stack) deploy beside the data seed and the tests.
              `[ -z "$STACKS_BESIDE_TESTS" ] || { ${startBeside(BESIDE_TESTS, [cdkDeploy('$STACKS_BESIDE_TESTS')])}; }`,
              ...sideBySide(seed ? [seed] : []),
              ...sideBySide(after),
              `[ -z "$STACKS_BESIDE_TESTS" ] || { ${awaitBeside([[BESIDE_TESTS, 'Deploy of $STACKS_BESIDE_TESTS (beside the tests)']])}; }`,
              // Last, once the app's stacks are deployed and tested: the stacks the app no longer has.
              ...cleanupCommands(this.gateScripts!, reviewedOrListed),
            ],
          },
        },
      },
      buildImage: all.find(s => s.commands.buildImage)?.commands.buildImage,
      privileged: this.images,
      batch: true,
      actionVariables: this.deploy.review?.deployVariables,
    };
  }

  protected permissions(): iam.PolicyStatement[] {
    const roles: BootstrapRole[] = ['deploy', 'file-publishing', ...this.images ? ['image-publishing' as const] : [], ...this.deploy.review ? ['lookup' as const] : []];
    return [
      assumeBootstrapRoles(this.stacks(), roles),
      new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: this.environments.map(env => env.deploymentRoleArn) }),
      assumeCleanupRoles(this.environments),
      this.gateScripts!.readStatement(GateScript.ORPHAN),
    ];
  }

  /**
   * The environment's variables and its stacks (by their path in the app, as `cdk list` shows
   * them): those the tests need first, then the others beside the tests.
   */
  private variablesOf(env: IsolatedEnvironment): Record<string, string> {
    const stacks = stacksOf(env);
    const beside = this.besideTests(env, stacks);
    return {
      ...environmentVariables(env),
      ...cleanupVariables(env, this.deploy.orphanMode),
      STACKS: stacks.filter(s => !beside.includes(s)).map(s => s.node.path).join(' '),
      ...beside.length > 0 ? { STACKS_BESIDE_TESTS: beside.map(s => s.node.path).join(' ') } : {},
      ...this.deploy.review ? { REVIEWED_STACKS: stacks.map(s => ChangeReviewJob.fingerprintEntry(s)).join(' ') } : {},
    };
  }

  private stacks(): Stack[] {
    return this.environments.flatMap(env => stacksOf(env));
  }

  /**
   * The stacks no test needs: the environment's monitoring stack (its dashboard and alarms) and the
   * account's baseline stack where the environment holds it (the trail, Config, GuardDuty: slow to
   * deploy, and nothing a test reads), where something runs after the deploy, no other stack of the
   * environment depends on them and no test reads their outputs.
   */
  private besideTests(env: IsolatedEnvironment, stacks: Stack[]): Stack[] {
    if (!this.steps.seed && this.steps.after.length === 0) return [];
    const candidates = [Stack.of(env.monitoring), ...(env.complianceBaseline ? [Stack.of(env.complianceBaseline)] : [])];
    const readsOutputsOf = (stack: Stack) => everyStep(this.steps)
      .some(step => Object.values(step.commands.envFromOutputs ?? {}).some(output => Stack.of(output) === stack));
    return candidates.filter(candidate => !stacks.some(s => s.dependencies.includes(candidate)) && !readsOutputsOf(candidate));
  }
}

/** A build's steps in the order they run. */
export function everyStep({ before, seed, after }: BuildSteps): NamedCommands[] {
  return [...before, ...seed ? [seed] : [], ...after];
}

/** The tasks a build runs beside others: the CDK CLI's install, the deploy of the stacks no test needs. */
const CLI_INSTALL = 'cdk-cli-install';
const BESIDE_TESTS = 'beside-tests';

/** A step's commands: first the stack outputs it reads, then its own. */
function commandsOf(step: NamedCommands): string[] {
  return [...outputCommands(step.commands), ...step.commands.commands];
}

/**
 * Commands that run steps side by side (one alone, in a subshell of its own), announced together,
 * and wait for them all: the build fails if one of them fails, once every one has run and its
 * output is printed.
 */
function sideBySide(steps: NamedCommands[]): string[] {
  if (steps.length === 0) return [];
  const announced = stepAnnouncement(steps.map(s => s.name));
  if (steps.length === 1) return [announced, inSubshell(commandsOf(steps[0]))];
  return [
    announced,
    ...steps.map(s => startBeside(s.name, commandsOf(s))),
    awaitBeside(steps.map(s => [s.name, `${s.name} of $ENVIRONMENT_NAME`])),
  ];
}

/**
 * The stack outputs named in `envFromOutputs`, read with the environment's deployment role into
 * their variables (only an environment placed alone has them: a wave's environments share their
 * commands).
 */
function outputCommands(commands: PipelineCommands): string[] {
  const outputs = Object.entries(commands.envFromOutputs ?? {});
  if (outputs.length === 0) return [];
  return [WITH_ROLE, ...outputs.map(([name, output]) => {
    const stack = Stack.of(output);
    const key = stack.resolve(output.logicalId);
    return `${name}="$(with_role "$DEPLOYMENT_ROLE_ARN" aws cloudformation describe-stacks --region ${stack.region} --stack-name ${stack.stackName} `
      + `--query "Stacks[0].Outputs[?OutputKey=='${key}'].OutputValue" --output text)" && [ -n "$${name}" ] `
      + `|| { echo "Stack ${stack.stackName} has no output ${key} (for ${name})"; exit 1; }; export ${name}`;
  })];
}
