import * as crypto from 'crypto';
import { Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as cpactions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { awaitCommand, awaitReadyCommand, EXECUTION_VARIABLE, listActionExecutions, READY_PREFIX, SIGNAL_READY } from './awaited-actions';
import { IsolatedEnvironment } from '../environment';
import { FETCH_BUNDLE } from './private/checked-bundle';
import { CompactBuildSpec } from './private/compact-build-spec';
import { GateScript, GateScripts, JobScript } from './private/gate-scripts';
import { JobPlan, PlanVariables } from './private/job-plan';
import { acknowledge } from '../private/acknowledge';
import { firstWithin } from '../private/first-within';

/** What CodeBuild allows in a project's name besides letters, digits, hyphens and underscores: nothing. */
const NOT_IN_PROJECT_NAMES = /[^A-Za-z0-9_-]/g;

/**
 * The start every job project's name of a pipeline shares (`jobProjectName`), which the guardrail
 * names: the pipeline's name with what CodeBuild does not allow replaced, and a hyphen.
 */
export function jobProjectPrefix(pipelineName: string): string {
  return `${pipelineName.replace(NOT_IN_PROJECT_NAMES, '_')}-`;
}

/**
 * The name of a job's CodeBuild project: the pipeline's name, its stage and the job, so that every
 * project of a pipeline's jobs (both lanes: the hotfix lane's name starts with the main
 * pipeline's) shares one prefix the guardrail can name. CodeBuild allows 2 to 150 letters, digits,
 * hyphens and underscores
 * (https://docs.aws.amazon.com/codebuild/latest/APIReference/API_CreateProject.html); a longer
 * name keeps its start and ends with a hash of the whole.
 */
export function jobProjectName(pipelineName: string, stageName: string, jobId: string): string {
  const name = `${jobProjectPrefix(pipelineName)}${`${stageName}-${jobId}`.replace(NOT_IN_PROJECT_NAMES, '_')}`;
  if (name.length <= 150) return name;
  return `${name.slice(0, 141)}-${crypto.createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
}

/** CodeBuild's longest project description (`ProjectDescription`, max 255, in botocore's model of CreateProject). */
export const PROJECT_DESCRIPTION_LIMIT = 255;

/**
 * A project's description about some environments: `describe` given their names, while that fits in
 * CodeBuild's 255 characters; given their number ("16 environments") when it would not, as in a wave
 * across many regions.
 */
export function describingEnvironments(environments: IsolatedEnvironment[], describe: (environments: string) => string): string {
  return firstWithin([describe(environments.map(e => e.environmentName).join(', ')), describe(`${environments.length} environments`)], PROJECT_DESCRIPTION_LIMIT);
}

/**
 * The variable CodeBuild sets, in each build of a batch, to the build's identifier in the batch
 * build spec's build list, in double quotes' syntax. Public CodeBuild batch configurations read it
 * in each build to tell it from the others (aws-amplify/amplify-cli's end-to-end batch,
 * shared-scripts.sh: `_uploadReportsToS3 $CODEBUILD_SOURCE_VERSION $CODEBUILD_BATCH_BUILD_IDENTIFIER`).
 */
const BATCH_BUILD_IDENTIFIER = '$CODEBUILD_BATCH_BUILD_IDENTIFIER';

/**
 * The identifier of an environment's build in a batch, which names its plan file: the
 * environment's name with `_` for `-`. Environment names are lowercase letters, digits and
 * hyphens, starting with a letter, and unique in an app (IsolatedEnvironment's checks), so no two
 * builds of a batch share an identifier.
 */
function buildIdentifierOf(env: IsolatedEnvironment): string {
  return env.environmentName.replace(/-/g, '_');
}

/** What a job's project runs, with the directory of each extra input as the job sees it. */
export interface JobSpec {
  /** The build spec: phases, and for a batch its `batch` section. */
  readonly buildSpec: Record<string, unknown>;
  readonly buildImage?: codebuild.IBuildImage;
  /** Docker in the build (image assets). */
  readonly privileged?: boolean;
  /** One build per entry of the spec's `batch.build-list`, side by side. */
  readonly batch?: boolean;
  /**
   * Variables the action passes to every build, which may name CodePipeline's variables
   * (`#{codepipeline.PipelineExecutionId}`).
   */
  readonly actionVariables?: Record<string, string>;
  /** The namespace of the variables the build exports (its spec's `env.exported-variables`), for later actions to read. */
  readonly variablesNamespace?: string;
}

/**
 * A pipeline step that is one CodeBuild action on a project of its own, created when CDK Pipelines
 * turns the step into an action, in the scope and with the defaults (log group) it gives: through
 * CDK Pipelines' extension point for steps of one's own (`ICodePipelineActionFactory`).
 *
 * Written by hand because CDK Pipelines' `CodeBuildStep` can neither run a batch build (one build
 * per environment of a wave, in one action) nor read an extra input by the name CodePipeline gives
 * it; the jobs that deploy, review and test the environments need both.
 */
export abstract class CodeBuildJob extends pipelines.Step implements pipelines.ICodePipelineActionFactory {
  /** The job's project, once CDK Pipelines has turned the step into an action. */
  protected project?: codebuild.IProject;
  /** The jobs of its stage it starts beside and waits for. */
  private readonly awaited: CodeBuildJob[] = [];
  /** The deploy it starts beside and waits for until its environment is ready for the tests (`startBesideAndAwaitReady`). */
  private readyOf?: CodeBuildJob;
  /** Whether a job waits for its builds' signal that their environment is ready for the tests (`readySignal`). */
  private awaitedForReadiness = false;
  /** Where its builds signal, once its spec is made: the ARN pattern of the roles that may (`readySignal`). */
  private signers?: string;
  /** Where its project goes, while CDK Pipelines turns the step into an action. */
  private scope?: Construct;
  /** What it reads per environment and per stack, once its spec is made (`writePlan`). */
  private plan?: JobPlan;
  /** The gate scripts of its stack, while CDK Pipelines turns the step into an action. */
  private gateScripts?: GateScripts;
  /** The scripts its builds fetch (`gateScript`, `source`). */
  private readonly fetched = new Set<GateScript>();

  /**
   * @param input what the job runs on (the cloud assembly, or the repository)
   * @param extraInputs further inputs, each in the directory `$CODEBUILD_SRC_DIR_<artifact name>`
   */
  constructor(id: string, private readonly input: pipelines.FileSet, private readonly extraInputs: pipelines.FileSet[] = []) {
    super(id);
    [input, ...extraInputs].forEach(fileSet => this.addDependencyFileSet(fileSet));
  }

  /**
   * Makes the job start beside `jobs` (steps of the same stage, with the same dependencies) and wait
   * for them to succeed before its build phase: its build is provisioned and installed meanwhile.
   */
  public startBesideAndAwait(...jobs: CodeBuildJob[]): this {
    if (this.readyOf) throw new Error(`${this.id} waits for ${this.readyOf.id} to be ready for the tests; it cannot also wait for actions to succeed`);
    this.awaited.push(...jobs);
    return this;
  }

  /**
   * Makes the job (one build per environment) start beside `deploy` (a step of the same stage, with
   * the same dependencies and environments, whose builds signal: `readySignal`) and wait, before
   * its build phase, until the deploy build of its own environment has deployed the stacks the tests
   * need, or `deploy` has succeeded: it fails as soon as `deploy` failed.
   */
  public startBesideAndAwaitReady(deploy: CodeBuildJob): this {
    if (this.awaited.length > 0) throw new Error(`${this.id} waits for actions to succeed; it cannot also wait for ${deploy.id} to be ready for the tests`);
    this.readyOf = deploy;
    deploy.awaitedForReadiness = true;
    return this;
  }

  /**
   * The job's builds that wait in their build for another action of its stage
   * (`startBesideAndAwait`, `startBesideAndAwaitReady`): each of its builds where it waits, none
   * otherwise. A waiting build holds its place in CodeBuild's concurrent-build quota while it waits.
   * Known once CDK Pipelines has turned the step into an action.
   */
  public get waitingBuilds(): number {
    return this.awaited.length > 0 || this.readyOf ? this.buildCount : 0;
  }

  /**
   * The CodeBuild quota its builds count against: its project's environment type and compute type
   * (`LINUX_CONTAINER/BUILD_GENERAL1_SMALL`), as the project's template gives them. Known once CDK
   * Pipelines has turned the step into an action.
   */
  public get quota(): string {
    const project = this.project?.node.defaultChild as codebuild.CfnProject | undefined;
    const environment = project?.environment as codebuild.CfnProject.EnvironmentProperty | undefined;
    if (!environment) throw new Error(`${this.id} has no project yet: its quota is known once CDK Pipelines has turned it into an action`);
    return `${environment.type}/${environment.computeType}`;
  }

  public produceAction(stage: codepipeline.IStage, options: pipelines.ProduceActionOptions): pipelines.CodePipelineActionFactoryResult {
    const extra = this.extraInputs.map(fileSet => options.artifacts.toCodePipeline(fileSet));
    this.scope = options.scope;
    // The scripts come from the pipeline's own definition, never from the commit under review.
    this.gateScripts = GateScripts.of(options.scope);
    const artifactBucket = options.pipeline.pipeline.artifactBucket;
    const spec = this.withFetches(this.withReadiness(this.withAwaited(this.spec(extra.map(artifact => `$CODEBUILD_SRC_DIR_${artifact.artifactName}`)),
      stage.stageName, this.pipelineNameOf(options)), artifactBucket.bucketName));
    const logGroup = options.codeBuildDefaults?.logging?.cloudWatch?.logGroup;
    // A role on the app's pipeline path for its purpose, which the environments' roles trust by that path.
    const path = this.rolePath();
    const role = path ? new iam.Role(options.scope, `${this.id}Role`, { assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com'), path }) : undefined;
    const project = this.project = new codebuild.PipelineProject(options.scope, this.id, {
      // Named after the pipeline, the stage and the job: the guardrail names the pipeline's projects by that prefix.
      projectName: jobProjectName(this.pipelineNameOf(options), stage.stageName, this.id),
      role,
      description: this.description,
      buildSpec: new CompactBuildSpec({ version: '0.2', ...spec.buildSpec }),
      environment: { buildImage: spec.buildImage ?? codebuild.LinuxBuildImage.STANDARD_7_0, privileged: spec.privileged },
      encryptionKey: options.pipeline.pipeline.artifactBucket.encryptionKey,
      logging: logGroup ? { cloudWatch: { logGroup } } : undefined,
      // No job writes CodeBuild test reports (no build spec here has a `reports` section): the role
      // gets none of the report-group permissions aws-cdk-lib grants by default.
      grantReportGroupPermissions: false,
    });
    if (role) {
      // A role on a path must be given to CodeBuild by its ARN, not by its name (a Ref): aws-cdk-lib gives
      // `role.roleArn`, an Fn::GetAtt of the role's Arn. aws-cdk-lib's CloudFormation Validate (2.27x)
      // reports E3050 ("Ref to IAM role ... with Path ... use GetAtt <role>.Arn instead") for that GetAtt
      // too, though it is what the rule asks for; cfn-lint's own E3050 checks a Ref only
      // (cfnlint/rules/resources/iam/RefWithPath.py, `check_ref`), and finds nothing here.
      acknowledge(project, 'The service role is given by its ARN (Fn::GetAtt of the role\'s Arn), as a role on a path must be; '
        + 'CloudFormation Validate reports that GetAtt as a Ref', 'CloudFormation-Validate::E3050');
    }
    [
      ...this.permissions(),
      ...this.fetched.size > 0 ? [this.gateScripts!.readStatement(...this.fetchedInOrder())] : [],
      ...this.plan ? [this.plan.readStatement()] : [],
    ].forEach(statement => project.addToRolePolicy(statement));
    if (this.awaited.length > 0 || this.readyOf) project.addToRolePolicy(listActionExecutions(Stack.of(project), this.pipelineNameOf(options)));
    if (this.signers) {
      // The deploy builds' signals, and nothing else of the artifact bucket, which the jobs only read (the project's use of the
      // bucket's key, which encrypts the object, is aws-cdk-lib's, through the project's encryptionKey).
      const signals = artifactBucket.arnForObjects(`${READY_PREFIX}/*`);
      project.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [signals] }));
      // And no one else's: the synth of a later commit may write to the bucket, and its execution runs its
      // first stages while this one deploys (a pipeline's executions overtake one another, in each stage one
      // at a time: https://docs.aws.amazon.com/codepipeline/latest/userguide/concepts-how-it-works.html); a
      // signal it put would start an environment's tests before the stacks they test are deployed. Every job
      // that signals into the bucket adds this statement; aws-cdk-lib writes identical statements once.
      // `aws:PrincipalArn` is the ARN of the role that made the request, its path included
      // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn);
      // CopyObject and the multipart uploads authorize as s3:PutObject
      // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html).
      artifactBucket.addToResourcePolicy(new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [signals],
        conditions: { ArnNotLike: { 'aws:PrincipalArn': this.signers } },
      }));
    }
    if (spec.batch) project.enableBatchBuilds();
    // The role CDK Pipelines' own CodeBuild actions share, so that the jobs add no role of their own.
    const actionRole = options.pipeline.node.tryFindChild('CodeBuildActionRole') as iam.IRole | undefined
      ?? new iam.Role(options.pipeline, 'CodeBuildActionRole', { assumedBy: options.pipeline.pipeline.role });
    stage.addAction(new cpactions.CodeBuildAction({
      actionName: options.actionName,
      runOrder: options.runOrder,
      project,
      input: options.artifacts.toCodePipeline(this.input),
      extraInputs: extra.length > 0 ? extra : undefined,
      outputs: this.primaryOutput ? [options.artifacts.toCodePipeline(this.primaryOutput)] : undefined,
      executeBatchBuild: spec.batch,
      environmentVariables: spec.actionVariables
        ? Object.fromEntries(Object.entries(spec.actionVariables).map(([name, value]) => [name, { value }]))
        : undefined,
      variablesNamespace: spec.variablesNamespace,
      role: actionRole,
    }));
    return { runOrdersConsumed: 1 };
  }

  /**
   * The spec with, where the job waits for others, the wait first in its build phase and the
   * variables it reads (`name`: the pipeline's name, as given at synth).
   */
  private withAwaited(spec: JobSpec, stageName: string, name: string): JobSpec {
    if (this.awaited.length === 0 && !this.readyOf) return spec;
    const buildSpec = spec.buildSpec as { phases: { build: { commands: string[] } } };
    return {
      ...spec,
      buildSpec: {
        ...spec.buildSpec,
        phases: {
          ...buildSpec.phases,
          build: {
            ...buildSpec.phases.build,
            commands: [
              this.source(JobScript.AWAIT_ACTIONS),
              this.readyOf ? awaitReadyCommand(stageName, this.readyOf.id) : awaitCommand(stageName, this.awaited.map(j => j.id)),
              ...buildSpec.phases.build.commands,
            ],
          },
        },
      },
      actionVariables: { ...spec.actionVariables, ...EXECUTION_VARIABLE, PIPELINE_NAME: name },
    };
  }

  /**
   * The spec with, where its builds signal that their environment is ready for the tests or wait
   * for that signal, where the signals go: the pipeline's artifact bucket (`bucket`) and the prefix
   * of the signals in it, in the build spec's variables (an action's variables are limited to 1,000
   * characters, shared by all its variables), and the execution's id.
   */
  private withReadiness(spec: JobSpec, bucket: string): JobSpec {
    if (!this.signers && !this.readyOf) return spec;
    const buildSpec = spec.buildSpec as { env?: { variables?: Record<string, string> } };
    return {
      ...spec,
      buildSpec: { ...spec.buildSpec, env: { ...buildSpec.env, variables: { ...buildSpec.env?.variables, READY_BUCKET: bucket, READY_PREFIX } } },
      actionVariables: { ...spec.actionVariables, ...EXECUTION_VARIABLE },
    };
  }

  /**
   * The spec with, first in its install phase, the commands that fetch and check what its builds
   * read from the pipeline's own assets: its plan and the scripts it uses.
   */
  private withFetches(spec: JobSpec): JobSpec {
    if (!this.plan && this.fetched.size === 0) return spec;
    const fetches = [FETCH_BUNDLE, ...this.plan ? [this.plan.fetchCommand()] : [], ...this.gateScripts!.fetchCommands(...this.fetchedInOrder())];
    const phases = (spec.buildSpec as { phases: Record<string, { commands?: string[] }> }).phases;
    return {
      ...spec,
      buildSpec: {
        ...spec.buildSpec,
        phases: { ...phases, install: { ...phases.install, commands: [...fetches, ...phases.install?.commands ?? []] } },
      },
    };
  }

  /** The scripts its builds fetch, in the order of `GateScript`. */
  private fetchedInOrder(): GateScript[] {
    return Object.values(GateScript).filter(script => this.fetched.has(script));
  }

  private pipelineNameOf(options: pipelines.ProduceActionOptions): string {
    return (options.pipeline.pipeline.node.defaultChild as codepipeline.CfnPipeline).name!;
  }

  /**
   * Writes the job's plan (`JobPlan`: what it reads per environment and per stack, out of its build
   * spec), which its builds fetch first, and returns the command that reads the plan's file `file`
   * into the build's shell. Called once, from `spec`.
   */
  protected writePlan(files: Record<string, PlanVariables>, file: string): string {
    this.plan = new JobPlan(this.scope!, `${this.id}Plan`, files);
    return JobPlan.read(file);
  }

  /**
   * One build per environment, side by side, each named after its environment (`buildIdentifierOf`);
   * a failed build does not stop the others. A build reads what differs for its environment from
   * the job's plan file of its identifier, written here with the environment's name
   * (`ENVIRONMENT_NAME`) and `variablesOf` it, not from variables in the build list: at 96
   * environments those were 21 KB of the tooling template. Returns the build spec's `batch` section
   * and the command that reads a build's own plan file into its shell. Called once, from `spec`.
   */
  protected buildPerEnvironment(environments: IsolatedEnvironment[], variablesOf: (env: IsolatedEnvironment) => PlanVariables):
  { batch: Record<string, unknown>; readPlan: string } {
    const files = environments.map(env => [buildIdentifierOf(env), { ENVIRONMENT_NAME: env.environmentName, ...variablesOf(env) }]);
    return {
      batch: { 'fast-fail': false, 'build-list': environments.map(env => ({ identifier: buildIdentifierOf(env) })) },
      readPlan: this.writePlan(Object.fromEntries(files), BATCH_BUILD_IDENTIFIER),
    };
  }

  /** Has the job's builds fetch a gate script first; the directory it is in, once fetched. */
  protected gateScript(script: GateScript): string {
    this.fetched.add(script);
    return GateScripts.directoryOf(script);
  }

  /**
   * The commands by which each build tells the builds of its environment that start beside its job
   * (`startBesideAndAwaitReady`) that the stacks the tests need are deployed; none where no job
   * waits for that. Called from `spec`.
   *
   * @param signers the ARN pattern (`ArnLike`) of the roles of every job that signals into the
   * pipeline's artifact bucket, its own included: the bucket's policy lets no other principal signal
   */
  protected readySignal(signers: string): string[] {
    if (!this.awaitedForReadiness) return [];
    this.signers = signers;
    return [this.source(JobScript.AWAIT_ACTIONS), SIGNAL_READY];
  }

  /** The command that reads a file of the jobs' bash functions into the build's shell, which its builds fetch first. */
  protected source(file: JobScript): string {
    this.fetched.add(GateScript.JOBS);
    return GateScripts.source(file);
  }

  /**
   * The IAM path of the project's role, where environments' roles must trust it
   * (`pipelineRolePath`); otherwise CodeBuild's default role, on the root path.
   */
  protected rolePath(): string | undefined {
    return undefined;
  }

  /** The builds its action starts: one, or for a batch one per environment (`buildPerEnvironment`). */
  protected get buildCount(): number {
    return 1;
  }

  /** The project's description. */
  protected abstract get description(): string;

  /** What the project runs, given the directory of each extra input. */
  protected abstract spec(extraInputDirectories: string[]): JobSpec;

  /** What the job may do besides reading its inputs and writing its logs: the roles it may assume. */
  protected abstract permissions(): iam.PolicyStatement[];
}
