import { Stack } from 'aws-cdk-lib';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { WITH_ROLE } from './assume-role-shell';
import { ChangeReviewJob } from './change-review-job';
import { CodeBuildJob, JobSpec } from './codebuild-job';
import { PipelineCommands } from './pipeline-test';
import { IsolatedEnvironment } from '../environment';
import { assumeBootstrapRoles, BootstrapRole } from '../private/bootstrap-roles';
import { stacksOf } from '../private/stage-stacks';
import { ValidationErrors } from '../private/validation-errors';

/** Commands a build runs, under the name its log announces them by (`SmokeTests`, `SeedData`). */
export interface NamedCommands {
  readonly name: string;
  readonly commands: PipelineCommands;
}

/** How a build announces each step in its log: `echo "== SmokeTests of $ENVIRONMENT_NAME =="`. */
export function stepAnnouncement(name: string): string {
  return `echo "== ${name} of $ENVIRONMENT_NAME =="`;
}

/** A build command that announces a step; its first group is the step's name. */
export const STEP_ANNOUNCEMENT = /^echo "== (\S+) of \$ENVIRONMENT_NAME =="$/;

/** How the builds deploy their environment first. */
export interface DeployFirst {
  /** The cloud assembly the stacks are deployed from. */
  readonly assembly: pipelines.FileSet;
  readonly cdkCliVersion: string;
  /** The wave's change review, whose fingerprints each build checks before it deploys. */
  readonly review?: ChangeReviewJob;
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
 * One CodeBuild batch for several environments, side by side: one build per environment, each with
 * its environment's variables, on the repository. Where it deploys, a build first deploys its
 * environment's stacks with the pinned CDK CLI (`cdk deploy` from the cloud assembly, which
 * publishes each stack's assets and deploys each stack once its dependencies are); then it runs
 * the given commands in order (the data seed, each kind of test), while the stacks no test needs
 * (the monitoring stack) deploy in the background. The batch fails when one of its
 * builds fails, once all have run. Its project may assume the CDK bootstrap roles it deploys with
 * and the environments' deployment roles, of these environments only.
 *
 * Written by hand because CDK Pipelines deploys each stack with two CloudFormation actions and
 * gives every test of every environment an action, a project and a role of its own: at sixteen
 * environments of four stacks a wave's stage is 150 actions, past CodePipeline's 50 per stage, and
 * the pipeline's template past CloudFormation's 1 MB. One batch is one action and one project
 * whatever the number of environments; each environment's tests start as soon as it is deployed;
 * and no asset reaches an environment before its gate, because each build publishes its own.
 */
export class EnvironmentBuilds extends CodeBuildJob {
  /** Whether a stack has a container image asset, which the CLI builds with Docker. */
  private readonly images: boolean;

  constructor(id: string, private readonly environments: IsolatedEnvironment[], source: pipelines.FileSet,
    private readonly steps: NamedCommands[], private readonly deploy?: DeployFirst) {
    super(id, source, deploy ? [deploy.assembly, ...deploy.review ? [deploy.review.primaryOutput!] : []] : []);
    this.images = !!deploy && this.stacks().some(stack => stack.node.findAll()
      .some(c => c instanceof ecrAssets.DockerImageAsset || c instanceof ecrAssets.TarballImageAsset));
  }

  protected get description(): string {
    const what = [...this.deploy ? ['Deploy'] : [], ...this.steps.map(s => s.name)].join(', ');
    return `${what} of ${this.environments.map(e => e.environmentName).join(', ')}, one build each`;
  }

  protected spec([assembly, reviewed]: string[]): JobSpec {
    const installs = [...this.deploy ? [`npm install -g aws-cdk@${this.deploy.cdkCliVersion}`] : [],
      ...new Set(this.steps.flatMap(s => s.commands.installCommands ?? []))];
    const cdkDeploy = (stacks: string) => `cdk -a "${assembly}" deploy --method=direct --require-approval never --exclusively --concurrency "$(echo ${stacks} | wc -w)" `
      + `--progress events --no-notices ${stacks}`;
    const deploy = this.deploy ? [
      ...this.deploy.review ? ChangeReviewJob.unchangedSinceReviewCommands(reviewed) : [],
      cdkDeploy('$STACKS'),
    ] : [];
    // The stacks no test needs (the monitoring stack) deploy in the background while the tests run (CodeBuild's documented way:
    // nohup, then wait); the build waits for them, and fails if they fail.
    const beside = this.deploy && this.steps.length > 0 ? {
      start: `[ -z "$STACKS_BESIDE_TESTS" ] || { nohup ${cdkDeploy('$STACKS_BESIDE_TESTS')} > /tmp/beside-tests.log 2>&1 & echo $! > /tmp/beside-tests.pid; }`,
      wait: '[ -z "$STACKS_BESIDE_TESTS" ] || { rc=0; wait "$(cat /tmp/beside-tests.pid)" || rc=$?; echo "== Deploy of $STACKS_BESIDE_TESTS (beside the tests) =="; '
        + 'cat /tmp/beside-tests.log; [ "$rc" -eq 0 ]; }',
    } : undefined;
    return {
      buildSpec: {
        env: { shell: 'bash' },
        batch: {
          'fast-fail': false,
          'build-list': this.environments.map(env => ({
            identifier: env.stageName.replace(/[^A-Za-z0-9]/g, '_'),
            env: { variables: { ...this.variablesOf(env), ...Object.assign({}, ...this.steps.map(s => s.commands.env ?? {})) } },
          })),
        },
        phases: {
          ...installs.length > 0 ? { install: { commands: installs } } : {},
          build: {
            commands: [
              ...deploy,
              ...beside ? [beside.start] : [],
              ...this.steps.flatMap(step => [stepAnnouncement(step.name), ...outputCommands(step.commands), ...step.commands.commands]),
              ...beside ? [beside.wait] : [],
            ],
          },
        },
      },
      buildImage: this.steps.find(s => s.commands.buildImage)?.commands.buildImage,
      privileged: this.images,
      batch: true,
      actionVariables: this.deploy?.review ? ChangeReviewJob.deployVariables : undefined,
    };
  }

  protected permissions(): iam.PolicyStatement[] {
    const environments = new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: this.environments.map(env => env.deploymentRoleArn) });
    if (!this.deploy) return [environments];
    const roles: BootstrapRole[] = ['deploy', 'file-publishing', ...this.images ? ['image-publishing' as const] : [], ...this.deploy.review ? ['lookup' as const] : []];
    return [assumeBootstrapRoles(this.stacks(), roles), environments];
  }

  /**
   * The environment's variables, and where the build deploys, its stacks (by their path in the app,
   * as `cdk list` shows them): those the tests need first, then the others beside the tests.
   */
  private variablesOf(env: IsolatedEnvironment): Record<string, string> {
    if (!this.deploy) return environmentVariables(env);
    const stacks = stacksOf(env);
    const beside = this.besideTests(env, stacks);
    return {
      ...environmentVariables(env),
      STACKS: stacks.filter(s => !beside.includes(s)).map(s => s.node.path).join(' '),
      ...beside.length > 0 ? { STACKS_BESIDE_TESTS: beside.map(s => s.node.path).join(' ') } : {},
      ...this.deploy.review ? { REVIEWED_STACKS: stacks.map(s => ChangeReviewJob.fingerprintEntry(s)).join(' ') } : {},
    };
  }

  private stacks(): Stack[] {
    return this.environments.flatMap(env => stacksOf(env));
  }

  /**
   * The stacks no test needs: the environment's monitoring stack (its dashboard and alarms), where
   * there are tests, no other stack of the environment depends on it and no test reads its outputs.
   */
  private besideTests(env: IsolatedEnvironment, stacks: Stack[]): Stack[] {
    if (this.steps.length === 0) return [];
    const monitoring = Stack.of(env.monitoring);
    const needed = stacks.some(s => s.dependencies.includes(monitoring))
      || this.steps.some(step => Object.values(step.commands.envFromOutputs ?? {}).some(output => Stack.of(output) === monitoring));
    return needed ? [] : [monitoring];
  }
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
