import { Annotations, AspectPriority, Aspects, CfnResource, DefaultStackSynthesizer, Duration, Fn, IAspect, Lazy, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct, IConstruct } from 'constructs';
import { noteBuildConcurrency } from './build-concurrency';
import { checkPinnedVersion, DEFAULT_CDK_CLI_VERSION } from './cli-versions';
import { jobProjectPrefix } from './codebuild-job';
import { DeliveryAlarmOptions } from './delivery-alarms';
import { DeliveryEvents } from './delivery-events';
import { DeliveryMetrics, validateDeliveryAlarms } from './delivery-metrics';
import { DEPLOY_JOB } from './environment-builds';
import { EnvironmentPlan, gateJobOf, hasGateBeforeDeploy, LaneInputs, stepsForWave, validatePlan } from './environment-steps';
import { FeatureEnvironmentOptions, FeatureLane } from './feature-lane';
import { checkBootstrapCleanup, longestRunOf } from './longest-run';
import { orphanModeOf } from './orphan-cleanup';
import { PipelineDetections } from './pipeline-detections';
import { PipelineGuardrail, principalArnsOf } from './pipeline-guardrail';
import { PipelineNotifications } from './pipeline-notifications';
import { PipelineSource } from './pipeline-source';
import { PipelineCommands, PipelineTest } from './pipeline-test';
import { AppBuild, appBuildOf } from './private/app-build';
import { BranchPattern } from './private/branch-pattern';
import { AcknowledgePipelineFindings } from './private/pipeline-acknowledgements';
import { SlackChannelOptions } from './slack-channel';
import { IsolatedEnvironment } from '../environment';
import { checkWave } from './wave-checks';
import { acknowledge, ignoreLintRules, inCompliancePacks, ROLE_DEPENDENCY_REASON } from '../private/acknowledge';
import { completeArtifactBucket } from './private/artifact-buckets';
import { bootstrapRolesOfEveryAccount } from './private/bootstrap-roles';
import { assumeEnvironmentRoles } from './private/environment-roles';
import { CODEBUILD_PRICES, CODEPIPELINE_PRICES } from './private/list-prices';
import { checkPipelineLimits, checkTemplateLimits, MEASURE_PAST_LIMITS, TEMPLATE_BODY_LIMIT } from './private/pipeline-limits';
import { ChecksBeforeSynthesis } from '../private/checks-before-synthesis';
import { definedOnly } from '../private/defined-only';
import { cloudWatchLogsUseOfKey } from '../private/key-policies';
import { LANE_METADATA, LaneMetadata } from '../private/lane-metadata';
import { ENVIRONMENT_TOKEN_LENGTH, environmentToken, MAX_ROLE_PATH, maxEnvironmentsPerWave, pipelineRolePath, servingRolePath } from '../private/pipeline-role-paths';
import { INLINE_POLICY_REASON } from '../private/reasons';
import { stacksOf } from '../private/stage-stacks';
import { ValidationErrors, validationError } from '../private/validation-errors';
import { ApprovalGate, DeploymentMode, DeploymentWindow, TestKind } from '../tiers';

/** Properties of a `MultiEnvPipeline`. */
export interface MultiEnvPipelineProps {
  /** Where the code comes from. */
  readonly source: PipelineSource;

  /**
   * The commands that install the app's dependencies, in the synth job's install phase, before
   * the unit tests and the synth (and before the UNIT test's own `installCommands`).
   *
   * @default ['npm ci']
   */
  readonly installCommands?: string[];

  /**
   * The commands that build the app and synthesize it into `synthOutputDirectory`. Unit tests
   * (the UNIT test in `tests`) run before them, in the same job, after `installCommands`. After
   * them, the job fails on any finding of the app's validation plugins in any stage (the
   * assembly's `validation-report.json`), which the CDK CLI does not report for stacks in stages.
   *
   * @default ['npx cdk synth']
   */
  readonly synthCommands?: string[];

  /**
   * Where `synthCommands` write the cloud assembly.
   *
   * @default 'cdk.out'
   */
  readonly synthOutputDirectory?: string;

  /**
   * The commands of each kind of test. Each environment runs the kinds its tier lists, before or
   * after its deploy; a kind an environment runs must be given here or in its options.
   *
   * @default - no tests: only environments whose tiers run none can be added
   */
  readonly tests?: PipelineTest[];

  /**
   * The commands that re-seed the controlled data set of environments whose tier asks for it
   * (Demo), after each deploy.
   *
   * @default - none: such environments cannot be added
   */
  readonly dataSeed?: PipelineCommands;

  /**
   * Branches whose pushes start the hotfix lane, as CodePipeline push-filter globs. None may
   * match the source's branch.
   *
   * @default ['hotfix/*']
   */
  readonly hotfixBranches?: string[];

  /**
   * The topic told when a run fails, an approval waits, and production has been deployed.
   *
   * @default - a topic is created
   */
  readonly notificationTopic?: sns.ITopic;

  /**
   * A Slack channel that receives the notifications through AWS Chatbot.
   *
   * @default - no Slack channel
   */
  readonly slack?: SlackChannelOptions;

  /**
   * The name of the main pipeline; the hotfix lane's is this name with `-hotfix`.
   *
   * @default - the Tooling stack's name and this construct's id: `Tooling-Delivery`
   */
  readonly pipelineName?: string;

  /**
   * The exact version of the AWS CDK CLI that the pipeline's jobs install: the self-update, the
   * deploys and change reviews of the environments, and the feature lane's builds. Pinned, so that what deploys the pipeline and the feature environments
   * changes only when you change it; move it when you move the `aws-cdk` dev dependency of the app.
   *
   * @default '2.1148.1', the version this release of cdk-multi-env is tested with
   */
  readonly cdkCliVersion?: string;

  /**
   * Alarms on production's delivery metrics (the change failure rate, the lead time), to the
   * notification topic. The metrics and their dashboard are there either way.
   *
   * @default - no alarm
   */
  readonly deliveryAlarms?: DeliveryAlarmOptions;
}

/** How one environment is placed in the pipeline; everything not given comes from its tier. */
export interface AddEnvironmentOptions {
  /**
   * The gate before the environment is deployed.
   *
   * @default - the tier's `approvalBeforeDeploy`
   */
  readonly approvalBeforeDeploy?: ApprovalGate;
  /**
   * The gate after the environment is deployed and tested, before the change moves on.
   *
   * @default - the tier's `approvalAfterDeploy`
   */
  readonly approvalAfterDeploy?: ApprovalGate;
  /**
   * The kinds of test that run before the deploy.
   *
   * @default - the tier's `testsBeforeDeploy`
   */
  readonly testsBeforeDeploy?: TestKind[];
  /**
   * The kinds of test that run after the deploy.
   *
   * @default - the tier's `testsAfterDeploy`
   */
  readonly testsAfterDeploy?: TestKind[];

  /**
   * Test commands for this environment alone, replacing those of the same kind in the pipeline's
   * `tests` (for example a smoke test that reads this environment's stack outputs).
   *
   * @default - the pipeline's `tests`
   */
  readonly tests?: PipelineTest[];

  /**
   * The only principals that may approve this environment's gates: each gets
   * `codepipeline:PutApprovalResult` on exactly those approval actions. Required where the tier
   * restricts approvers (Prod, Hotfix). Make sure nobody else in the tooling account holds that
   * permission more broadly.
   *
   * @default - anyone with `codepipeline:PutApprovalResult` on the pipeline, where the tier allows it
   */
  readonly approvers?: iam.IGrantable[];

  /**
   * How long alarms are watched after a deploy; zero for none.
   *
   * @default - the tier's `bakeTime`
   */
  readonly bakeTime?: Duration;

  /**
   * When the pipeline may deploy the environment: outside the window a change waits before the
   * deploy (its approval does not), and goes on when the window opens. For example
   * `DeploymentWindow.weekdays(9, 16, 'Europe/Berlin')`.
   *
   * @default - the tier's `deploymentWindow` (none for the built-in tiers)
   */
  readonly deploymentWindow?: DeploymentWindow;

  /**
   * The CloudWatch alarms, in the environment's account and region, watched during the bake
   * period: if one goes into ALARM, the stage is rolled back.
   *
   * @default - none; required when the bake time is not zero
   */
  readonly bakeAlarmNames?: string[];

  /**
   * Whether the environment's deploy builds delete the stacks it deployed earlier that the app no
   * longer has (found by their `Environment` and `cdk-multi-env:app` stack tags; never one with
   * termination protection). With false they are only reported, in every build's log.
   *
   * @default - true: where the tier's data is throwaway (Dev, QA, Demo) after the deploy; where an
   * approval comes before the deploy (Staging, Prod) after that approval, which lists them; where
   * no approval does (Hotfix) they are only reported
   */
  readonly deleteOrphanedStacks?: boolean;
}

/** How a wave of environments is placed in the pipeline; everything not given comes from their tier. */
export interface AddWaveOptions extends AddEnvironmentOptions {
  /**
   * Environments of the wave deployed first, together, before the others: their deploy, tests and
   * bake period (with its rollback) come before the rest of the wave is deployed, together. The
   * wave's approval comes before the pilot, its sign-off after the rest.
   *
   * @default - none: every environment of the wave is deployed at once
   */
  readonly pilot?: IsolatedEnvironment[];
}

/** Environments placed together, by `addWave` or (one environment) `addEnvironment`. */
interface PlacedWave {
  /** The wave's name; undefined for an environment placed alone. */
  readonly name?: string;
  readonly lane: 'main' | 'hotfix';
  /** The groups deployed one after another: the pilot (if any), then the rest. */
  readonly groups: EnvironmentPlan[][];
  /** The name of each group's pipeline stage: its environment's stage name, where it has one environment. */
  readonly stageNames: string[];
  /** The name of the stage of the wave's gate, where it is a stage of its own (the wave has a deployment window). */
  readonly gateStageName?: string;
}

/** A pipeline stage of a wave in one lane: a group's deploy, or the wave's gate alone. */
interface PlacedStage {
  readonly plans: EnvironmentPlan[];
  readonly stageName: string;
  readonly deploys: boolean;
  /** The deployment window the stage's deploys wait for (none in the hotfix lane). */
  readonly window?: DeploymentWindow;
  /** Its steps, which CDK Pipelines turns into its actions. */
  readonly steps: pipelines.Step[];
}

/**
 * One pipeline, in the tooling account, that promotes every change through the environments in
 * tier order, running the tests and waiting at the gates each tier asks for; plus a hotfix lane
 * from hotfix branches to production, and notifications. Built on CDK Pipelines (`CodePipeline`,
 * pipeline type V2).
 *
 * @example
 * import * as cdk from 'aws-cdk-lib';
 * import * as iam from 'aws-cdk-lib/aws-iam';
 * import { EnvironmentTier, IsolatedEnvironment, MultiEnvPipeline, PipelineSource, TestKind } from 'cdk-multi-env';
 *
 * declare const app: cdk.App;
 * declare const dev: IsolatedEnvironment;
 * declare const prod: IsolatedEnvironment;
 * declare const releaseManagers: iam.IRole;
 *
 * const tooling = new cdk.Stack(app, 'Tooling', { env: { account: '999999999999', region: 'eu-west-1' } });
 * const pipeline = new MultiEnvPipeline(tooling, 'Delivery', {
 *   source: PipelineSource.connection('acme/shop', {
 *     connectionArn: 'arn:aws:codeconnections:eu-west-1:999999999999:connection/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d',
 *   }),
 *   tests: [
 *     { kind: TestKind.UNIT, commands: ['npm test'] },
 *     { kind: TestKind.SMOKE, commands: ['./scripts/smoke.sh'] },
 *   ],
 * });
 * pipeline.addEnvironment(dev);
 * pipeline.addEnvironment(prod, { approvers: [releaseManagers], bakeAlarmNames: ['shop-prod-health'] });
 */
export class MultiEnvPipeline extends Construct {
  /**
   * The CDK Pipelines pipeline that promotes the main branch. The environments are added to it by
   * `buildPipelines()` (or when the app is synthesized), so waves you add to it yourself come
   * before them. To change the CodePipeline pipeline it builds, call `buildPipelines()` first.
   */
  public readonly pipeline: pipelines.CodePipeline;
  /** The topic the pipeline notifies. */
  public readonly notificationTopic: sns.ITopic;
  /**
   * A permissions boundary for the people and tools of the tooling account: attach it to their
   * roles (`iam.PermissionsBoundary.of(role).apply(pipeline.guardrail)`) and, under it, only the
   * named approvers approve the gates that name approvers, and only the pipelines start, retry or
   * change their builds and change the pipelines. It takes nothing else away. Complete once the
   * pipelines are built (`buildPipelines()`, or when the app is synthesized).
   */
  public readonly guardrail: iam.IManagedPolicy;

  private readonly props: MultiEnvPipelineProps;
  private readonly cdkCliVersion: string;
  /** How every lane builds the app. */
  private readonly appBuild: AppBuild;
  private readonly hotfixPatterns: BranchPattern[];
  private readonly testsByKind: Map<TestKind, PipelineTest>;
  private readonly notifications: PipelineNotifications;
  private readonly guardrailPolicy: PipelineGuardrail;
  private readonly detections: PipelineDetections;
  private hotfix?: pipelines.CodePipeline;
  /** Whether the pipelines are built, by `buildPipelines()` or when the app is synthesized. */
  private built = false;
  private featureLane?: FeatureLane;
  private buildLogs?: logs.ILogGroup;
  private readonly waves: PlacedWave[] = [];
  /** What each lane's jobs run on. */
  private readonly laneInputs = new Map<pipelines.CodePipeline, LaneInputs>();
  /** Each lane's CodePipeline pipeline and its name, known at synth. */
  private readonly definitions = new Map<pipelines.CodePipeline, { definition: codepipeline.Pipeline; name: string }>();

  constructor(scope: Construct, id: string, props: MultiEnvPipelineProps) {
    super(scope, id);
    this.props = props;
    this.cdkCliVersion = props.cdkCliVersion ?? DEFAULT_CDK_CLI_VERSION;
    this.appBuild = appBuildOf(props);
    const errors = new ValidationErrors(`MultiEnvPipeline '${id}'`, this);
    this.testsByKind = testsByKind(props.tests ?? [], 'tests', errors);
    this.hotfixPatterns = (props.hotfixBranches ?? ['hotfix/*']).map(p => new BranchPattern(p));
    if (this.hotfixPatterns.length === 0) {
      errors.add('hotfixBranches', 'is empty; give at least one pattern, for example hotfix/*');
    }
    for (const pattern of this.hotfixPatterns.filter(p => p.matches(props.source.branch))) {
      errors.add('hotfixBranches', `has '${pattern.pattern}', which matches the source branch '${props.source.branch}'; a push to it would start both lanes`);
    }
    checkPinnedVersion(errors, 'cdkCliVersion', this.cdkCliVersion, DEFAULT_CDK_CLI_VERSION);
    validateDeliveryAlarms(props.deliveryAlarms, errors);
    const unit = this.testsByKind.get(TestKind.UNIT);
    if (unit?.envFromOutputs && Object.keys(unit.envFromOutputs).length > 0) {
      errors.add('tests', 'has a UNIT test with envFromOutputs; unit tests run in the synth step, before any environment exists');
    }
    errors.throwIfAny();

    this.pipeline = this.newPipeline('main');
    this.notifications = new PipelineNotifications(this, 'Notifications', { topic: props.notificationTopic, slack: props.slack });
    this.notificationTopic = this.notifications.topic;
    this.guardrailPolicy = new PipelineGuardrail(this, 'Guardrail', this.mainPipelineName());
    this.guardrail = this.guardrailPolicy.policy;
    this.detections = new PipelineDetections(this, 'Detections', this.notificationTopic);

    // CDK Pipelines turns its steps into actions when the app is synthesized; the gates it has no
    // API for (approver permissions, bake alarms, retries, the hotfix trigger) are added then.
    Aspects.of(this).add(new BuildWhenSynthesized(() => this.buildPipelines()));
    // Before the environments write their cloud assemblies, so that a failing check leaves none behind.
    ChecksBeforeSynthesis.of(this).add(() => this.checkLanes());
    ChecksBeforeSynthesis.of(this).add(() => {
      const main = this.waves.filter(w => w.lane === 'main');
      checkBootstrapCleanup(this.waves.flatMap(w => w.groups.flat()), longestRunOf(main.map(w => w.groups)), this.node.id);
    });
    // Once every aspect has run and before any template of the app is written (aws-cdk-lib validates
    // the tree between the two): the tooling stack's template size and IAM policy sizes.
    this.node.addValidation({ validate: () => this.checkTemplate() });
    // After CDK Pipelines has built its roles and projects: the findings it causes, each with its reason.
    Aspects.of(this).add(new AcknowledgePipelineFindings(), { priority: AspectPriority.READONLY });
    acknowledge(this, INLINE_POLICY_REASON, ...inCompliancePacks('IAMNoInlinePolicy'));
  }

  /**
   * Refuses a tooling stack whose template CloudFormation, or one of whose roles' or managed
   * policies IAM, would refuse (`checkTemplateLimits`), on the template as the stack renders it:
   * `Stack._toCloudFormation()`, protected, the method aws-cdk-lib's own synthesis calls next. Whether
   * the stack indents its template is aws-cdk-lib's private `_suppressTemplateIndentation`; where it
   * cannot be read, the template is measured indented, the larger.
   */
  private checkTemplate(): string[] {
    if (this.node.tryGetContext(MEASURE_PAST_LIMITS) === true) return [];
    const stack = Stack.of(this) as unknown as RenderedStack;
    const errors = new ValidationErrors(`MultiEnvPipeline '${this.node.id}'`, this);
    const rendered = { template: stack._toCloudFormation(), indented: stack._suppressTemplateIndentation !== true };
    const { written: indented, plain } = checkTemplateLimits(Stack.of(this).node.path, rendered, errors);
    errors.throwIfAny();
    if (rendered.indented && indented > TEMPLATE_BODY_LIMIT / 2) {
      const share = (n: number) => `${Math.round(100 * n / TEMPLATE_BODY_LIMIT)}%`;
      Annotations.of(Stack.of(this)).addWarningV2('cdk-multi-env:indentedTemplate', 'The template of the pipeline\'s stack is '
        + `${indented.toLocaleString('en-US')} characters, indented: ${share(indented)} of CloudFormation's ${TEMPLATE_BODY_LIMIT.toLocaleString('en-US')}. `
        + `Without indentation it would be ${plain.toLocaleString('en-US')} (${share(plain)}): set suppressTemplateIndentation: true in the stack's props`);
    }
    return [];
  }

  /**
   * The CDK Pipelines pipeline of the hotfix lane. Like `pipeline`, call `buildPipelines()` before
   * changing the CodePipeline pipeline it builds.
   *
   * @default - none, until an environment of a HOTFIX_LANE tier is added
   */
  public get hotfixPipeline(): pipelines.CodePipeline | undefined {
    return this.hotfix;
  }

  /**
   * The feature lane.
   *
   * @default - none, until `addFeatureEnvironments` is called
   */
  public get features(): FeatureLane | undefined {
    return this.featureLane;
  }

  /**
   * Places an environment in the pipeline, after those already added, with the gates and tests
   * its tier asks for (the options override them). An environment of a HOTFIX_LANE tier goes into
   * the hotfix lane, which deploys it from hotfix branches and then, once its approval is given,
   * goes on to every production environment of the pipeline, through their gates. Nothing of the
   * hotfix lane reaches a production account before that approval, production's assets included.
   *
   * The pipeline reads the environment's stacks when the app is synthesized: stacks added to the
   * environment afterwards are deployed too.
   *
   * @throws if the order breaks promotion (an environment after production that is not a
   * follower of production, Dev after another environment, the same environment twice), if
   * production would be reached without an approval (a hotfix environment with no approval
   * included), or if a test, approver or alarm the environment needs is missing.
   */
  public addEnvironment(environment: IsolatedEnvironment, options: AddEnvironmentOptions = {}): void {
    const errors = new ValidationErrors(`MultiEnvPipeline '${this.node.id}': addEnvironment '${environment.environmentName}'`, this);
    this.place(undefined, [environment], options, [], errors);
  }

  /**
   * Places environments of one tier (in different regions or accounts) in the pipeline as one
   * step, after those already added: they are deployed side by side and tested side by side,
   * behind one approval and one sign-off for the whole wave. With `options.pilot`, the pilot
   * environments are deployed (tested, and baked, with their rollback) first, then the rest
   * together. The options apply to every environment of the wave: alarm names are looked up in
   * each environment's account and region.
   *
   * A wave of a HOTFIX_LANE tier goes into the hotfix lane, which then goes on to every production
   * wave, through its gates.
   *
   * @param name the wave's name in the pipeline: the name of its pipeline stage (with `-Pilot` for
   * the pilot's), where the group has more than one environment
   * @throws for an empty wave, a wave mixing tiers, two environments of the wave in one account and
   * region, a pilot that is not part of the wave, and for everything `addEnvironment` rejects
   */
  public addWave(name: string, environments: IsolatedEnvironment[], options: AddWaveOptions = {}): void {
    const errors = new ValidationErrors(`MultiEnvPipeline '${this.node.id}': addWave '${name}'`, this);
    checkWave(name, environments, options.pilot, errors);
    if (this.waves.some(w => w.name === name)) errors.add('name', `'${name}' is already the name of a wave of this pipeline; give each wave a name of its own`);
    errors.throwIfAny();
    this.place(name, environments, options, options.pilot ?? [], errors);
  }

  /**
   * Builds the pipelines now, with every environment and wave added so far: CDK Pipelines turns
   * their steps into actions, and the library adds what CDK Pipelines has no API for (approver
   * permissions, bake alarms, retries, the hotfix trigger). Afterwards each lane's CodePipeline
   * pipeline (`pipeline.pipeline`, `hotfixPipeline.pipeline`) can be changed, which is CDK
   * Pipelines' escape hatch: a stage added after the library's, a property overridden.
   *
   * Call it once every environment and wave is added: none can be added after. Without a call,
   * the app's synthesis builds the pipelines; a second call does nothing. Do not call
   * `pipeline.buildPipeline()` yourself: it builds the pipeline without the environments.
   *
   * @example
   * import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
   * import { MultiEnvPipeline } from 'cdk-multi-env';
   *
   * declare const pipeline: MultiEnvPipeline;
   *
   * pipeline.buildPipelines();
   * const definition = pipeline.pipeline.pipeline; // the codepipeline.Pipeline
   * (definition.node.defaultChild as codepipeline.CfnPipeline).addPropertyOverride('ExecutionMode', 'QUEUED');
   */
  public buildPipelines(): void {
    if (this.built) return;
    this.checkLanes();
    this.built = true;
    this.build();
  }

  /** Validates a wave (or one environment) and records it; the pipeline is built from the records when the app is synthesized. */
  private place(name: string | undefined, environments: IsolatedEnvironment[], options: AddEnvironmentOptions,
    pilot: IsolatedEnvironment[], errors: ValidationErrors): void {
    if (this.built) {
      errors.add('pipelines', 'are already built (buildPipelines()); add every environment and wave before building them');
      errors.throwIfAny();
    }
    const first = environments[0];
    const plans = environments.map(environment => this.planFor(environment, options, errors));
    const lane = first.profile.deployment === DeploymentMode.HOTFIX_LANE ? 'hotfix' : 'main';
    this.checkOrder(name, environments, lane, errors);
    const who = name === undefined
      ? `environment '${first.environmentName}' (tier ${first.tier.name})`
      : `wave '${name}' (tier ${first.tier.name})`;
    validatePlan(plans[0], who, first.profile.restrictedApprovers, errors);
    if (environments.length > 1) {
      for (const test of new Set(plans[0].tests.values())) {
        if (Object.keys(test.envFromOutputs ?? {}).length > 0) {
          errors.add('tests', `has the ${test.kind} test with envFromOutputs, which names outputs of one environment's stacks, but ${who} has ${environments.length} environments; `
            + 'read each environment\'s outputs in the test from ENVIRONMENT_NAME and TARGET_REGION, or add the environments one by one');
        }
      }
    }
    if (lane === 'hotfix' && plans[0].approvalBeforeDeploy === ApprovalGate.NONE && plans[0].approvalAfterDeploy === ApprovalGate.NONE) {
      errors.add('approvalAfterDeploy', `is NONE, and so is approvalBeforeDeploy, for hotfix ${who}; `
        + 'the hotfix lane runs the code of any branch pushed to it and goes on to production after this environment, so it needs an approval first: '
        + 'set approvalAfterDeploy to MANUAL_APPROVAL (with approvers)');
    }
    errors.throwIfAny();

    const groups = pilot.length > 0 ? [plans.filter(p => pilot.includes(p.environment)), plans.filter(p => !pilot.includes(p.environment))] : [plans];
    const stageNames = groups.map((group, index) => group.length === 1 ? group[0].environment.stageName
      : index === 0 && groups.length > 1 ? `${name}-Pilot` : name!);
    // With a deployment window, the gate is a stage of its own before the first deploy: the window holds back the deploys, not the approval.
    const gateStageName = plans[0].deploymentWindow && hasGateBeforeDeploy(plans[0]) ? `${name ?? first.stageName}-Approval` : undefined;
    const taken = (n: string) => this.waves.some(w => w.stageNames.includes(n) || w.gateStageName === n);
    for (const stageName of [...stageNames, ...gateStageName ? [gateStageName] : []].filter(taken)) {
      errors.add(name === undefined ? 'environment' : 'name', `would make a pipeline stage named '${stageName}', the name of a stage already in the pipeline; `
        + (name === undefined ? 'give the environment another id' : 'give the wave another name'));
    }
    errors.throwIfAny();
    this.waves.push({ name, lane, groups, stageNames, gateStageName });
    if (lane === 'hotfix') this.hotfix ??= this.newPipeline('hotfix');
  }

  /**
   * Gives every feature branch an environment of its own: each push to a branch matching
   * `options.branches` deploys a copy of `environment` (the Dev environment) named after the
   * branch, in the cheapest shape of its tier, into its account, and runs the unit and smoke tests
   * on it. The copy is torn down when the branch's pull request is closed, or after
   * `options.timeToLive` without a push. The main pipeline and the hotfix lane are untouched.
   *
   * @throws if the branches match the main branch or hotfix branches, if the environment does not
   * deploy on every commit, or if the limits are not positive.
   */
  public addFeatureEnvironments(environment: IsolatedEnvironment, options: FeatureEnvironmentOptions = {}): FeatureLane {
    if (this.featureLane) {
      throw validationError(`MultiEnvPipeline '${this.node.id}': addFeatureEnvironments was already called; a pipeline has one feature lane`, this);
    }
    this.featureLane = FeatureLane._create(this, 'FeatureLane', {
      options,
      environment,
      source: this.props.source,
      tests: this.props.tests ?? [],
      build: this.appBuild,
      cdkCliVersion: this.cdkCliVersion,
      hotfixBranches: this.hotfixPatterns.map(p => p.pattern),
      buildLogGroup: this.buildLogs!,
    });
    return this.featureLane;
  }

  private planFor(environment: IsolatedEnvironment, options: AddEnvironmentOptions, errors: ValidationErrors): EnvironmentPlan {
    const profile = environment.profile;
    const merged = {
      approvalBeforeDeploy: profile.approvalBeforeDeploy,
      approvalAfterDeploy: profile.approvalAfterDeploy,
      testsBeforeDeploy: profile.testsBeforeDeploy,
      testsAfterDeploy: profile.testsAfterDeploy,
      bakeTime: profile.bakeTime,
      deploymentWindow: profile.deploymentWindow,
      ...definedOnly({
        approvalBeforeDeploy: options.approvalBeforeDeploy,
        approvalAfterDeploy: options.approvalAfterDeploy,
        testsBeforeDeploy: options.testsBeforeDeploy,
        testsAfterDeploy: options.testsAfterDeploy,
        bakeTime: options.bakeTime,
        deploymentWindow: options.deploymentWindow,
      }),
    };
    const tests = new Map(this.testsByKind);
    const own = testsByKind(options.tests ?? [], 'tests', errors);
    for (const [kind, test] of own) tests.set(kind, test);
    return {
      environment,
      ...merged,
      bakeAlarmNames: options.bakeAlarmNames ?? [],
      approvers: options.approvers ?? [],
      tests,
      dataSeed: this.props.dataSeed,
      unitTestPerEnvironment: own.has(TestKind.UNIT),
      orphanMode: orphanModeOf(environment, merged.approvalBeforeDeploy, options.deleteOrphanedStacks ?? true),
    };
  }

  /** Promotion order: Dev first, then the tiers in between, production, and the followers of production. */
  private checkOrder(waveName: string | undefined, environments: IsolatedEnvironment[], lane: 'main' | 'hotfix', errors: ValidationErrors): void {
    const placed = this.waves.flatMap(w => w.groups.flat()).map(p => p.environment);
    const tooling = Stack.of(this).account;
    for (const environment of environments) {
      if (placed.includes(environment)) {
        errors.add('environment', `'${environment.environmentName}' is already in the pipeline; add each environment once`);
      }
      if (!Token.isUnresolved(tooling) && !Token.isUnresolved(environment.toolingAccount) && tooling !== environment.toolingAccount) {
        errors.add('environment', `'${environment.environmentName}' trusts tooling account ${environment.toolingAccount}, but this pipeline runs in ${tooling}; give the environment this pipeline's account as toolingAccount`);
      }
    }
    if (lane === 'hotfix') return;
    const environment = environments[0];
    const main = this.waves.filter(w => w.lane === 'main').flatMap(w => w.groups.flat()).map(p => p.environment);
    const mode = environment.profile.deployment;
    const production = main.filter(e => e.profile.production);
    // One environment: "environment 'qa' (tier qa) comes ..."; a wave: "environments of wave 'QA' (tier qa) come ...".
    const one = waveName === undefined;
    const field = one ? 'environment' : 'environments';
    const who = `${one ? `'${environment.environmentName}'` : `of wave '${waveName}'`} (tier ${environment.tier.name})`;
    const [s, it] = one ? ['s', 'it'] : ['', 'them'];
    if (mode === DeploymentMode.EVERY_COMMIT) {
      const later = main.find(e => e.profile.deployment !== DeploymentMode.EVERY_COMMIT);
      if (later) errors.add(field, `${who} deploy${s} on every commit, so ${one ? 'it comes' : 'they come'} first; add ${it} before '${later.environmentName}'`);
    } else if (mode === DeploymentMode.AFTER_PRODUCTION) {
      if (production.length === 0) {
        errors.add(field, `${who} follow${s} production, but no production environment is in the pipeline yet; add the production environment first`);
      }
    } else {
      const follower = main.find(e => e.profile.deployment === DeploymentMode.AFTER_PRODUCTION);
      if (follower) {
        errors.add(field, `${who} come${s} after '${follower.environmentName}', which follows production; add ${it} before '${follower.environmentName}'`);
      } else if (!environment.profile.production && production.length > 0) {
        errors.add(field, `${who} ${one ? 'is not a production tier' : 'are not of a production tier'} but would come after production environment '${production[0].environmentName}'; `
          + `add ${it} before, or use a tier that deploys AFTER_PRODUCTION (like DEMO)`);
      }
    }
  }

  /**
   * A lane's pipeline. The main pipeline builds the protected main branch and updates itself (and
   * the hotfix lane, which lives in the same stack) before anything is deployed. The hotfix lane
   * runs the code of unprotected branches, so it never updates any pipeline: its definition comes
   * from main only. Each lane has artifact storage (a bucket and a key) of its own.
   */
  private newPipeline(lane: 'main' | 'hotfix'): pipelines.CodePipeline {
    const main = lane === 'main';
    const source = this.props.source._forBranch(main ? this.props.source.branch : this.hotfixPatterns[0].literalPrefix, main);
    const unit = this.testsByKind.get(TestKind.UNIT);
    const mainName = this.mainPipelineName();
    const name = main ? mainName : `${mainName}-hotfix`;
    const codePipeline = new codepipeline.Pipeline(this, main ? 'PipelineDefinition' : 'HotfixPipelineDefinition', {
      pipelineName: name,
      // On the app's pipeline path: its bake periods read the production alarms through the
      // environments' deployment roles, which trust the app's pipeline roles by their path.
      role: new iam.Role(this, main ? 'PipelineRole' : 'HotfixPipelineRole', {
        assumedBy: new iam.ServicePrincipal('codepipeline.amazonaws.com'),
        path: Lazy.string({ produce: () => (this.waves.length > 0 ? pipelineRolePath(this.waves[0].groups[0][0].environment.appName, 'pipeline') : '/') }),
      }),
      pipelineType: codepipeline.PipelineType.V2,
      crossAccountKeys: true,
      enableKeyRotation: true,
      // A changed main pipeline starts again from the commit that changed it; the hotfix lane runs
      // only for a pushed hotfix branch (its source's branch is a pattern, not a branch to restart on).
      restartExecutionOnUpdate: main,
    });
    const metadata: LaneMetadata = {
      lane,
      branches: main ? [this.props.source.branch] : this.hotfixPatterns.map(p => p.pattern),
      protected: main,
    };
    (codePipeline.node.defaultChild as CfnResource).addMetadata(LANE_METADATA, metadata);
    ignoreLintRules(codePipeline.node.defaultChild as CfnResource, ROLE_DEPENDENCY_REASON, 'W3005');
    this.buildLogs ??= this.newBuildLogs(codePipeline.artifactBucket.encryptionKey);
    const pipeline = new pipelines.CodePipeline(this, main ? 'Pipeline' : 'HotfixPipeline', {
      codePipeline,
      // Every CodeBuild project of the lane logs to the pipeline's log group.
      codeBuildDefaults: { logging: { cloudWatch: { logGroup: this.buildLogs } } },
      synth: new pipelines.CodeBuildStep('Synth', {
        input: source,
        // Dependencies first: the unit tests need them as much as the synth does.
        installCommands: [...this.appBuild.installCommands, ...(unit?.installCommands ?? [])],
        commands: [...(unit?.commands ?? []), ...this.appBuild.synthCommands],
        env: unit?.env,
        buildEnvironment: unit?.buildImage ? { buildImage: unit.buildImage } : undefined,
        primaryOutputDirectory: this.appBuild.outputDirectory,
      }),
      selfMutation: main,
      cliVersion: this.cdkCliVersion,
    });
    this.laneInputs.set(pipeline, { assembly: pipeline.synth.primaryOutput!, source: source.primaryOutput!, cdkCliVersion: this.cdkCliVersion });
    this.definitions.set(pipeline, { definition: codePipeline, name });
    return pipeline;
  }

  /**
   * The main pipeline's name when none is given (the hotfix lane's adds `-hotfix`): known at synth,
   * because each lane's change review names the other lane's pipeline, which a name CloudFormation
   * generates would turn into a dependency cycle between the two pipelines.
   */
  private mainPipelineName(): string {
    return this.props.pipelineName ?? this.defaultPipelineName();
  }

  private defaultPipelineName(): string {
    const stackName = Stack.of(this).stackName;
    return Token.isUnresolved(stackName) ? Names.uniqueResourceName(this, { maxLength: 90, separator: '-' }) : `${stackName}-${this.node.id}`.slice(0, 90);
  }

  /**
   * The log group of every build of the pipeline's lanes, encrypted with the artifacts' key and
   * kept for a year, like the artifact buckets' access logs.
   */
  private newBuildLogs(key: kms.IKey | undefined): logs.ILogGroup {
    if (key instanceof kms.Key) key.addToResourcePolicy(cloudWatchLogsUseOfKey(Stack.of(this)));
    return new logs.LogGroup(this, 'BuildLogs', {
      encryptionKey: key,
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * What can be checked only once every environment is added, before the pipelines are built: a
   * hotfix lane has production environments to reach, and, until the library builds them, no lane
   * was built by CDK Pipelines' own `buildPipeline()`, without its environments.
   */
  private checkLanes(): void {
    const errors = new ValidationErrors(`MultiEnvPipeline '${this.node.id}'`, this);
    for (const [lane, property] of [[this.pipeline, 'pipeline'], [this.hotfix, 'hotfixPipeline']] as const) {
      if (!this.built && lane && builtByCdkPipelines(this.definitions.get(lane)!.definition)) {
        errors.add(property, 'was built before the environments were placed in it (its buildPipeline() was called); call buildPipelines() of the MultiEnvPipeline instead, which places them first');
      }
    }
    // The builds that review, deploy and test environments name them by token in their roles' path,
    // which IAM limits; a wave's review serves all of its environments ('review' and 'deploy' are as long).
    for (const wave of this.waves) {
      const plans = wave.groups.flat();
      const path = servingRolePath('review', plans.map(plan => plan.environment));
      if (path.length > MAX_ROLE_PATH) {
        errors.add('environments', `of wave ${wave.name ?? wave.stageNames[0]} (${plans.length}) are named, by a token of ${ENVIRONMENT_TOKEN_LENGTH} characters each, `
          + `in the IAM path of the roles of the builds that review, deploy and test them, which makes a path of ${path.length} characters; IAM allows ${MAX_ROLE_PATH}. `
          + `Spread them over more waves (at most ${maxEnvironmentsPerWave(plans[0].environment.appName)} to a wave), or split the app into several apps with a pipeline each`);
      }
    }
    // A token stands for one environment in the trust of every other: two environments with the same one would trust each other's builds.
    const byToken = new Map<string, string>();
    for (const name of new Set(this.waves.flatMap(w => w.groups.flat().map(plan => plan.environment.environmentName)))) {
      const token = environmentToken(name);
      const other = byToken.get(token);
      if (other !== undefined) {
        errors.add('environments', `'${other}' and '${name}' have the same token (${token}, the first ${ENVIRONMENT_TOKEN_LENGTH} hexadecimal digits of the name's SHA-256), `
          + 'which stands for an environment in the IAM path the environments\' roles trust; rename one of them');
      }
      byToken.set(token, name);
    }
    const hotfix = this.waves.find(w => w.lane === 'hotfix');
    if (hotfix && !this.waves.some(w => w.lane === 'main' && w.groups[0][0].environment.profile.production)) {
      errors.add('hotfix environment', `'${hotfix.groups[0][0].environment.environmentName}' has no production environment to reach; add the production environment to the pipeline (addEnvironment or addWave)`);
    }
    errors.throwIfAny();
  }

  /** Turns the waves into CDK Pipelines waves and their steps into actions, then adds what CDK Pipelines has no API for. */
  private build(): void {
    const mainWaves = this.waves.filter(w => w.lane === 'main');
    const hotfixWaves = this.waves.filter(w => w.lane === 'hotfix');
    const productionWaves = mainWaves.filter(w => w.groups[0][0].environment.profile.production);

    if (this.hotfix) {
      // Each lane's production reviews check that they undo none of the other lane's production deploys.
      const productionDeployStages = productionWaves.flatMap(w => w.stageNames);
      for (const [lane, label, other] of [[this.pipeline, 'hotfix lane', this.hotfix], [this.hotfix, 'main pipeline', this.pipeline]] as const) {
        const { definition, name } = this.definitions.get(other)!;
        const otherLane = { label, pipeline: definition, pipelineName: name, productionStages: productionDeployStages };
        this.laneInputs.set(lane, { ...this.laneInputs.get(lane)!, otherLane });
      }
    }
    const mainStages = this.addWavesTo(this.pipeline, mainWaves);
    const lanes: [pipelines.CodePipeline, PlacedStage[]][] = [[this.pipeline, mainStages]];
    if (this.hotfix) {
      // The hotfix environments, then every production wave, behind the hotfix environments' approval
      // (production's assets too: each group's deploy job publishes its own).
      lanes.push([this.hotfix, this.addWavesTo(this.hotfix, [...hotfixWaves, ...productionWaves])]);
    }
    for (const [lane, stages] of lanes) {
      lane.buildPipeline();
      for (const stage of stages) this.addStageConditions(lane.pipeline, stage);
    }
    // CodeBuild's concurrent-build quotas are the account's, which synthesis cannot read: say what the builds that wait need of them.
    noteBuildConcurrency(this.pipeline.pipeline, lanes.map(([, stages]) => stages.map(stage => stage.steps)));
    // The artifact buckets CodePipeline created: each lane's own, and the replication bucket of each
    // cross-region support stack (CodePipeline shares one per region between the lanes; only the
    // pipelines themselves, never a job, read and write it).
    const replicationBuckets = lanes.flatMap(([lane]) => Object.values(lane.pipeline.crossRegionSupport).map(s => s.replicationBucket));
    const buckets = [...lanes.map(([lane]) => lane.pipeline.artifactBucket), ...replicationBuckets];
    for (const bucket of new Set(buckets)) completeArtifactBucket(bucket);
    if (this.hotfix) {
      const sourceAction = this.hotfix.pipeline.stages[0].actions[0];
      this.hotfix.pipeline.addTrigger({
        providerType: codepipeline.ProviderType.CODE_STAR_SOURCE_CONNECTION,
        gitConfiguration: { sourceAction, pushFilter: [{ branchesIncludes: this.hotfixPatterns.map(p => p.pattern) }] },
      });
    }
    const productionStages = mainStages.filter(s => s.plans[0].environment.profile.production)
      .map(s => s.stageName);
    this.notifications.watch(lanes.map(([lane]) => lane.pipeline), productionStages);
    // Every role that clones through the connection, for this app's repository only.
    this.props.source._denyOtherRepositories(this);
    // Under the guardrail, no one but the pipelines starts or changes their builds, or changes them: the jobs'
    // projects by their names' prefix, CDK Pipelines' own (synth, self-update) and the feature lane's by their ARNs.
    const prefix = jobProjectPrefix(this.mainPipelineName());
    const projects = this.node.findAll().filter((c): c is codebuild.Project => c instanceof codebuild.Project);
    const named = (p: codebuild.Project) => ((p.node.defaultChild as codebuild.CfnProject).name ?? '').startsWith(prefix);
    const others = projects.filter(p => !named(p));
    const codePipelines = this.node.findAll().filter((c): c is codepipeline.Pipeline => c instanceof codepipeline.Pipeline);
    this.guardrailPolicy.protect(
      [Stack.of(this).formatArn({ service: 'codebuild', resource: 'project', resourceName: `${prefix}*` }), ...others.map(p => p.projectArn)],
      codePipelines.map(p => p.pipelineArn),
    );
    // The record of the lanes' runs and builds (not the feature lanes': they deliver to no tier).
    // CDK Pipelines makes the self-update's project in the lane's scope, its stages' (the synth, the jobs) in its pipeline's.
    const laneProjects = lanes.flatMap(([lane]) => [...lane.node.findAll(), ...lane.pipeline.node.findAll()])
      .filter((c): c is codebuild.Project => c instanceof codebuild.Project);
    const appName = this.waves[0].groups[0][0].environment.appName;
    const record = new DeliveryEvents(this, 'DeliveryEvents', {
      pipelines: lanes.map(([lane]) => lane.pipeline),
      projectPrefix: prefix,
      otherProjects: laneProjects.filter(p => !named(p)).map(p => p.projectName),
      encryptionKey: this.pipeline.pipeline.artifactBucket.encryptionKey,
    });
    // What the record measures: each lane's stages by the tier they deploy.
    const tierOf = (stage: PlacedStage) => stage.plans[0].environment.tier;
    const production = lanes.flatMap(([, stages]) => stages).find(stage => tierOf(stage).profile.production);
    const metrics = new DeliveryMetrics(this, 'DeliveryMetrics', {
      record: record.logGroup,
      pipelines: {
        pipelines: Object.fromEntries(lanes.map(([lane, stages]) => [this.definitions.get(lane)!.name, {
          lane: lane === this.pipeline ? 'main' as const : 'hotfix' as const,
          stageTiers: Object.fromEntries(stages.filter(stage => stage.deploys).map(stage => [stage.stageName, tierOf(stage).name])),
        }])),
        // An app without a production tier has no change failure rate or time to restore: no tier has this name.
        productionTier: production ? tierOf(production).name : '',
        deployActions: [DEPLOY_JOB],
      },
      namespace: `cdk-multi-env/${appName}`,
      dashboardName: `${appName}-delivery`,
      pricePerBuildMinute: CODEBUILD_PRICES.perBuildMinute,
      pricePerActionMinute: CODEPIPELINE_PRICES.perActionMinute,
      encryptionKey: this.pipeline.pipeline.artifactBucket.encryptionKey,
    });
    if (this.props.deliveryAlarms) {
      if (!production) {
        throw validationError(`MultiEnvPipeline '${this.node.id}': deliveryAlarms is set, but no production environment is in the pipeline, and the alarms watch `
          + 'production\'s delivery metrics; add the production environment, or leave deliveryAlarms out', this);
      }
      metrics.addAlarms(this.props.deliveryAlarms, this.notificationTopic);
    }
    const environmentStacks = this.waves.flatMap(w => w.groups.flat()).flatMap(plan => stacksOf(plan.environment));
    this.guardrailPolicy.denyBootstrapRoles(bootstrapRolesOfEveryAccount(environmentStacks));
    this.detectOutsideCalls(prefix, others.map(p => p.projectName), codePipelines.map(p => p.pipelineName));
    // What CodeBuild and CodePipeline would refuse when the tooling stack deploys, refused here. The
    // bench measures past the limits (as past CloudFormation's resources, with aws-cdk-lib's
    // @aws-cdk/core:stackResourceLimit at 0): it sets MEASURE_PAST_LIMITS.
    const limits = new ValidationErrors(`MultiEnvPipeline '${this.node.id}'`, this);
    checkPipelineLimits(this, limits);
    if (this.node.tryGetContext(MEASURE_PAST_LIMITS) !== true) limits.throwIfAny();
  }

  /**
   * The detections beside the guardrail: the roles that start the pipelines' builds (CodePipeline's
   * action roles, CodeBuild's batch roles) join the pipeline roles on the app's pipeline path,
   * which the rules name; a change is the self-update's when it is CloudFormation's, with the CDK
   * bootstrap's execution role of the tooling stack.
   */
  private detectOutsideCalls(projectPrefix: string, otherProjects: string[], pipelineNames: string[]): void {
    const appName = this.waves[0].groups[0][0].environment.appName;
    const path = pipelineRolePath(appName, 'pipeline');
    // aws-cdk-lib's ids: CDK Pipelines' shared action role, CodePipeline's role per action, CodeBuild's batch role.
    const starters = this.node.findAll().filter((c): c is iam.Role => c instanceof iam.Role
      && ['CodeBuildActionRole', 'CodePipelineActionRole', 'BatchServiceRole'].includes(c.node.id));
    for (const role of starters) (role.node.defaultChild as iam.CfnRole).path = path;
    const stack = Stack.of(this);
    this.detections.buildsStartedElsewhere(projectPrefix, otherProjects,
      stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: path.slice(1) }));
    const synthesizer = stack.synthesizer;
    if (synthesizer instanceof DefaultStackSynthesizer) {
      // Its ARN as the synthesizer gives it, with `${AWS::Partition}` (and the account and region, if the stack has none) to substitute.
      this.detections.definitionsChangedElsewhere(pipelineNames, projectPrefix, otherProjects, Fn.sub(synthesizer.cloudFormationExecutionRoleArn));
    } else {
      Annotations.of(this).addWarningV2('cdk-multi-env:noSelfUpdateRole', 'The tooling stack\'s synthesizer is not a DefaultStackSynthesizer, so the '
        + 'self-update\'s role is unknown: nothing tells when a pipeline or a build project is changed');
    }
  }

  /**
   * Adds waves to a lane, in order: one CDK Pipelines wave per group, so one pipeline stage per
   * group (named after its environment's stage, when it has one environment), made of the group's
   * steps only: the environments are deployed by the group's deploy job, not by CDK Pipelines'
   * stage deploys. In the main pipeline, a wave's change review runs beside the deploy of the wave
   * before, where that wave has an approval before its deploy (after it): the approver finds the
   * review ready, and no one waits for it (each deploy checks that its stacks are still as
   * reviewed, however long ago that was).
   */
  private addWavesTo(lane: pipelines.CodePipeline, waves: PlacedWave[]): PlacedStage[] {
    // The hotfix lane is for emergencies: its deploys do not wait for a deployment window (its restricted approval is the control).
    const main = lane === this.pipeline;
    const inputs = this.laneInputs.get(lane)!;
    const reviews = waves.map((wave, i) => {
      const name = wave.name ?? wave.stageNames[0];
      const plans = wave.groups.flat();
      // Early in the main pipeline only: the hotfix lane runs the code of any branch pushed to it,
      // so its jobs reach production (even to read) only after the lane's approval. For a
      // production wave, only after the wave before's approval: no job reads production for a
      // change nobody has approved yet.
      const early = main && i > 0 && (!plans[0].environment.profile.production || hasGateBeforeDeploy(waves[i - 1].groups[0][0]));
      const ids = early ? { review: `Review-${name}`, listing: `ListOrphans-${name}` } : { review: 'ChangeReview', listing: 'ListOrphans' };
      return { job: gateJobOf(ids, name, plans, inputs), early };
    });
    return waves.flatMap((wave, i) => stepsForWave(wave.groups, inputs, main && wave.gateStageName !== undefined,
      { own: reviews[i].job, ownInStageBefore: reviews[i].early, next: reviews[i + 1]?.early ? reviews[i + 1].job : undefined })
      .map(({ group, gateOnly, steps }) => {
        const stageName = gateOnly ? wave.gateStageName! : wave.stageNames[group];
        lane.addWave(stageName, { pre: steps });
        return { plans: wave.groups[group], stageName, deploys: !gateOnly, window: main ? wave.groups[group][0].deploymentWindow : undefined, steps };
      }));
  }

  /**
   * Approver permissions of a wave's stage; where it deploys, its deployment window, bake period and automatic retries.
   */
  private addStageConditions(pipeline: codepipeline.Pipeline, placed: PlacedStage): void {
    const { plans, stageName, deploys, window } = placed;
    const plan = plans[0];
    const index = pipeline.stages.findIndex(s => s.stageName === stageName);
    const approvals = pipeline.stages[index].actions
      .filter(a => a.actionProperties.category === codepipeline.ActionCategory.APPROVAL)
      .map(a => `${stageName}/${a.actionProperties.actionName}`);
    for (const approval of approvals) {
      if (plan.approvers.length > 0) {
        const approvers = principalArnsOf(plan.approvers);
        this.guardrailPolicy.restrictApproval(`${pipeline.pipelineArn}/${approval}`, approvers);
        this.detections.approvalOutsideApprovers(`${pipeline.node.id}-${approval.replace('/', '-')}`, pipeline.pipelineName, approval, approvers);
      }
      for (const grantee of plan.approvers) {
        iam.Grant.addToPrincipal({
          grantee,
          actions: ['codepipeline:PutApprovalResult'],
          resourceArns: [`${pipeline.pipelineArn}/${approval}`],
        });
        // An approver role imported by name (`Role.fromRoleName`) gets a policy of its own, created and deleted with the
        // pipeline: 'Policy', or 'Policy<unique id>' under @aws-cdk/aws-iam:importedRoleStackSafeDefaultPolicyName.
        const principal = grantee.grantPrincipal;
        const imported = Construct.isConstruct(principal) ? principal.node.children.find(c => c instanceof iam.Policy) : undefined;
        if (imported) {
          acknowledge(imported, 'The approvers\' role is managed outside this app, so the permission to approve this pipeline\'s gates is attached to it '
            + 'as a policy created and deleted with the pipeline; it names the approval actions only', ...inCompliancePacks('IAMNoInlinePolicy'));
        }
      }
    }
    if (!deploys) return;
    const cfn = pipeline.node.defaultChild as codepipeline.CfnPipeline;
    if (window) {
      // Outside the window, CodePipeline holds the change at the stage's entry until the window opens.
      cfn.addPropertyOverride(`Stages.${index}.BeforeEntry`, {
        Conditions: [{
          Result: 'FAIL',
          Rules: [{
            Name: 'DeploymentWindow',
            RuleTypeId: { Category: 'Rule', Owner: 'AWS', Provider: 'DeploymentWindow', Version: '1' },
            Configuration: { Cron: window.expression, TimeZone: window.timeZone },
          }],
        }],
      });
    }
    if (plan.bakeTime.toSeconds() > 0) {
      // Every alarm of every environment of the group, each read in its environment's account and region.
      const watched = plans.flatMap(p => plan.bakeAlarmNames.map(alarmName => ({ alarmName, env: p.environment })));
      pipeline.role.addToPrincipalPolicy(assumeEnvironmentRoles(plans.map(p => p.environment), 'deployment'));
      cfn.addPropertyOverride(`Stages.${index}.OnSuccess`, {
        Conditions: [{
          Result: 'ROLLBACK',
          Rules: watched.map(({ alarmName, env }, i) => ({
            Name: `Bake${i + 1}`,
            RuleTypeId: { Category: 'Rule', Owner: 'AWS', Provider: 'CloudWatchAlarm', Version: '1' },
            Configuration: { AlarmName: alarmName, AlarmStates: 'ALARM', WaitTime: String(plan.bakeTime.toMinutes()) },
            Region: env.region,
            RoleArn: env.deploymentRoleArn,
          })),
        }],
      });
    }
    if (plan.environment.profile.deployment === DeploymentMode.EVERY_COMMIT) {
      // A failed deploy of an environment that changes on every commit is retried once by
      // CodePipeline, failed actions only, before anyone is notified.
      cfn.addPropertyOverride(`Stages.${index}.OnFailure`, { Result: 'RETRY', RetryConfiguration: { RetryMode: 'FAILED_ACTIONS' } });
    }
  }
}

/** The tests of a list by kind; a kind given twice is an error. */
function testsByKind(tests: PipelineTest[], field: string, errors: ValidationErrors): Map<TestKind, PipelineTest> {
  const byKind = new Map<TestKind, PipelineTest>();
  for (const test of tests) {
    if (byKind.has(test.kind)) errors.add(field, `has two tests of kind ${test.kind}; give one test per kind, with all its commands`);
    if (test.commands.length === 0) errors.add(field, `has a ${test.kind} test with no commands`);
    byKind.set(test.kind, test);
  }
  return byKind;
}

/**
 * Whether CDK Pipelines has built a lane: building adds the stages to the CodePipeline pipeline the
 * library gave it (its definition), which has none before. Not by reading the lane's `pipeline`,
 * which throws until then: aws-cdk-lib writes every error it constructs, caught or not, into the
 * CLI's error file (`CDK_ERROR_FILE`), so that probe left an error behind every successful synth.
 */
function builtByCdkPipelines(definition: codepipeline.Pipeline): boolean {
  return definition.stageCount > 0;
}

/** Runs a callback once, when the construct tree is synthesized and every step has been added. */
class BuildWhenSynthesized implements IAspect {
  private done = false;
  constructor(private readonly build: () => void) {}
  public visit(_node: IConstruct): void {
    if (this.done) return;
    this.done = true;
    this.build();
  }
}

/** What of a stack `checkTemplate` reads: its protected rendering, and aws-cdk-lib's private flag for indentation. */
interface RenderedStack {
  readonly _suppressTemplateIndentation?: unknown;
  _toCloudFormation(): unknown;
}
