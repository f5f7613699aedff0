import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { CodeBuildJob, describingEnvironments, JobSpec } from './codebuild-job';
import { PipelineCommands } from './pipeline-test';
import { awaitBeside, inSubshell, startBeside } from './side-by-side-shell';
import { IsolatedEnvironment } from '../environment';
import { assumeEnvironmentRoles } from './private/environment-roles';
import { JobScript } from './private/gate-scripts';
import { PlanVariables } from './private/job-plan';
import { servingRolePath } from '../private/pipeline-role-paths';
import { ValidationErrors } from '../private/validation-errors';

/** Commands a build runs, under the name its log announces them by (`SmokeTests`, `SeedData`). */
export interface NamedCommands {
  readonly name: string;
  readonly commands: PipelineCommands;
}

/** What an environment's builds run besides its deploy, each part in its order. */
export interface BuildSteps {
  /** Before the deploy, side by side: the tests before deploy. */
  readonly before: NamedCommands[];
  /** After the deploy, first and alone: the data seed. */
  readonly seed?: NamedCommands;
  /** Then side by side: the tests after deploy. */
  readonly after: NamedCommands[];
}

/** A build's steps in the order they run. */
export function everyStep({ before, seed, after }: BuildSteps): NamedCommands[] {
  return [...before, ...seed ? [seed] : [], ...after];
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

/**
 * The variables every build of an environment gets, so one test script serves every environment
 * (exported from the test job's plan).
 */
export function environmentVariables(env: IsolatedEnvironment): PlanVariables {
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
 * One CodeBuild batch that runs the user's commands for several environments side by side: one
 * build per environment, with its environment's variables, on the repository. It runs each group
 * of `groups` in turn, the steps of a group side by side (the tests before deploy; or the data seed,
 * then the tests after deploy). The batch fails when one of its builds fails, once all have run.
 *
 * Its project may assume the environments' `<app>-<env>-deployment` roles, which read the
 * environment's stacks, alarms and configuration and change nothing, and nothing else: the user's
 * commands, their installs and whatever they download never hold the credentials that deploy, publish
 * assets or delete stacks, and never share a build (its files, its PATH) with a deploy.
 *
 * Written by hand for the same reasons as the deploy builds: CDK Pipelines gives each test of each
 * environment an action, a project and a role of its own, past CodePipeline's 50 actions per stage
 * at sixteen environments.
 */
export class TestBuilds extends CodeBuildJob {
  constructor(id: string, private readonly environments: IsolatedEnvironment[], source: pipelines.FileSet,
    private readonly groups: NamedCommands[][]) {
    super(id, source);
  }

  protected get buildCount(): number {
    return this.environments.length;
  }

  protected get description(): string {
    return describingEnvironments(this.environments, names => `${this.groups.flat().map(s => s.name).join(', ')} of ${names}, one build each`);
  }

  protected spec(): JobSpec {
    const all = this.groups.flat();
    const stepVariables: Record<string, string> = Object.assign({}, ...all.map(s => s.commands.env ?? {}));
    // Each build's environment, read from the job's plan and exported to the steps' commands, their installs included;
    // a variable a step sets itself keeps the step's value, but for ENVIRONMENT_NAME, which names the build's environment.
    const ofEnvironment = (env: IsolatedEnvironment) =>
      Object.fromEntries(Object.entries(environmentVariables(env)).filter(([name]) => !(name in stepVariables)));
    const { batch, readPlan: plan } = this.buildPerEnvironment(this.environments, ofEnvironment);
    // Fails the build where the plan cannot be read.
    const exported = `set -a && ${plan} && set +a`;
    const installs = [...new Set(all.flatMap(s => s.commands.installCommands ?? []))];
    return {
      buildSpec: {
        env: { shell: 'bash', ...Object.keys(stepVariables).length > 0 ? { variables: stepVariables } : {} },
        batch,
        phases: {
          // The steps' own installs, each once.
          install: { commands: [exported, ...installs] },
          build: {
            commands: [
              exported,
              // `with_role`, for the steps that read stack outputs; `await_beside`, for the steps side by side.
              ...all.some(s => Object.keys(s.commands.envFromOutputs ?? {}).length > 0) ? [this.source(JobScript.ASSUME_ROLE)] : [],
              ...this.groups.some(g => g.length > 1) ? [this.source(JobScript.BESIDE)] : [],
              ...this.groups.flatMap(sideBySide),
            ],
          },
        },
      },
      buildImage: all.find(s => s.commands.buildImage)?.commands.buildImage,
      batch: true,
    };
  }

  protected permissions(): iam.PolicyStatement[] {
    return [assumeEnvironmentRoles(this.environments, 'deployment')];
  }

  /** The path the environments' deployment roles trust, which names them. */
  protected rolePath(): string {
    return servingRolePath('tests', this.environments);
  }
}

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
 * commands), by `with_role` (src/pipeline/jobs/assume-role.sh), which the build has read.
 */
function outputCommands(commands: PipelineCommands): string[] {
  const outputs = Object.entries(commands.envFromOutputs ?? {});
  if (outputs.length === 0) return [];
  return outputs.map(([name, output]) => {
    const stack = Stack.of(output);
    const key = stack.resolve(output.logicalId);
    return `${name}="$(with_role "$DEPLOYMENT_ROLE_ARN" aws cloudformation describe-stacks --region ${stack.region} --stack-name ${stack.stackName} `
      + `--query "Stacks[0].Outputs[?OutputKey=='${key}'].OutputValue" --output text)" && [ -n "$${name}" ] `
      + `|| { echo "Stack ${stack.stackName} has no output ${key} (for ${name})"; exit 1; }; export ${name}`;
  });
}
