import { CfnResource, Duration, Token } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { IsolatedEnvironment } from '../environment';
import { ignoreLintRules, ROLE_DEPENDENCY_REASON } from '../private/acknowledge';
import { DeploymentMode, TestKind } from '../tiers';
import { completeArtifactBucket } from './private/artifact-buckets';
import { bootstrapRoleArn } from './private/bootstrap-roles';
import { BranchPattern } from './private/branch-pattern';
import { FeatureLaneWiring } from './private/feature-lane-wiring';
import { FEATURE_CONTEXT, MAX_COPIED_NAME } from '../private/feature-context';
import { LANE_METADATA, LaneMetadata } from '../private/lane-metadata';
import { ValidationErrors } from '../private/validation-errors';
import { CompactBuildSpec } from './private/compact-build-spec';
import { FIXED_DEFAULTS } from '../tiers/fixed-defaults';

/** How feature branches get environments of their own. */
export interface FeatureEnvironmentOptions {
  /**
   * Branches that get a feature environment, as CodePipeline push-filter globs. None may match the
   * main branch or a hotfix branch.
   *
   * @default ['feature/*']
   */
  readonly branches?: string[];

  /**
   * The most feature environments that may exist at once; a push of one more branch fails, naming
   * the environments in use. Each has its own VPC: keep the VPC quota of the account they deploy
   * into (5 per region by default) in mind.
   *
   * @default 5
   */
  readonly maxEnvironments?: number;

  /**
   * How long a feature environment lives without a push before it is torn down, in whole hours.
   * Every push starts it anew.
   *
   * @default Duration.days(7)
   */
  readonly timeToLive?: Duration;

  /**
   * The account the feature environments deploy into: a sandbox account of their own, bootstrapped
   * in the copied environment's region to trust the tooling account (`cdk bootstrap --trust`), as
   * the environments' accounts are. A feature branch's build deploys with that account's CDK
   * bootstrap deploy role, which administers the account: in an account of its own, a branch can
   * reach nothing but other branches' copies.
   *
   * @default - the copied environment's account (Dev's): a feature branch then administers it,
   *   Dev's stacks, its compliance baseline and its CDK bootstrap stack included, and SafetyChecks
   *   warns of it (`feature-lane-account`)
   */
  readonly featureAccount?: string;
}

/** What starts a pipeline of the lane. */
interface LaneTrigger {
  readonly pushFilter?: codepipeline.GitPushFilter[];
  readonly pullRequestFilter?: codepipeline.GitPullRequestFilter[];
}

/**
 * Feature environments: every push to a feature branch deploys a copy of the Dev environment
 * named after the branch into `featureAccount` (a sandbox account of their own; by default, the Dev
 * account), in the cheapest shape of the tier (no NAT gateway,
 * smallest sizes, the off-hours schedule), and runs the Dev tier's unit and smoke tests on it.
 * A pull request that is closed (merged or not) tears its branch's copy down, and so does the
 * copy itself after `timeToLive` without a push (a branch deleted without a pull request).
 * The main pipeline is untouched: the lane is two pipelines of its own.
 *
 * The lane's builds write the branch into the app's context (`cdk.context.json`) before the synth
 * commands run, and the environment builds itself as the copy; nothing in the app changes. They
 * deploy with the CDK bootstrap roles of that account (with the qualifier the app's stacks use),
 * which must trust the tooling account, as for CDK Pipelines.
 *
 * Written by hand: neither CDK Pipelines nor any cdklabs construct has per-branch environments.
 */
export class FeatureLane extends Construct {
  /**
   * A feature lane wired to its pipeline: `MultiEnvPipeline.addFeatureEnvironments` makes it, with
   * the pipeline's source, tests, build commands, CLI version and log group.
   *
   * @internal
   */
  public static _create(pipeline: Construct, id: string, wiring: FeatureLaneWiring): FeatureLane {
    return new FeatureLane(pipeline, id, wiring);
  }

  /** The pipeline that deploys and tests a feature branch's environment on every push. */
  public readonly deployPipeline: codepipeline.Pipeline;
  /** The pipeline that tears a feature branch's environment down when its pull request is closed. */
  public readonly teardownPipeline: codepipeline.Pipeline;
  /** The environment each feature branch gets a copy of. */
  public readonly environment: IsolatedEnvironment;
  /** The branch patterns that get feature environments. */
  public readonly branches: string[];
  /** The most feature environments at once. */
  public readonly maxEnvironments: number;
  /** How long a feature environment lives without a push. */
  public readonly timeToLive: Duration;
  /** The account the feature environments deploy into: `featureAccount`, or the copied environment's. */
  public readonly account: string;

  private readonly props: FeatureLaneWiring;
  private readonly patterns: BranchPattern[];

  private constructor(scope: Construct, id: string, props: FeatureLaneWiring) {
    super(scope, id);
    this.props = props;
    const options = props.options;
    this.environment = props.environment;
    this.branches = options.branches ?? [...FIXED_DEFAULTS.featureLane.branches];
    this.maxEnvironments = options.maxEnvironments ?? FIXED_DEFAULTS.featureLane.maxEnvironments;
    this.timeToLive = options.timeToLive ?? Duration.days(FIXED_DEFAULTS.featureLane.timeToLiveDays);
    this.account = options.featureAccount ?? this.environment.foundation.account;
    this.patterns = this.branches.map(b => new BranchPattern(b));
    this.validate(id);

    this.deployPipeline = this.lanePipeline('Deploy', this.deployCommands(), {
      pushFilter: [{ branchesIncludes: this.branches }],
    });
    // The lane's artifact storage (a bucket and a key) is its own, shared by its two pipelines only:
    // its builds run feature branches' code and never reach the main pipeline's artifacts.
    completeArtifactBucket(this.deployPipeline.artifactBucket);
    this.teardownPipeline = this.lanePipeline('Teardown', this.teardownCommands(), {
      pullRequestFilter: [{ branchesIncludes: [props.source.branch], events: [codepipeline.GitPullRequestEvent.CLOSED] }],
    }, this.deployPipeline.artifactBucket);
  }

  private validate(id: string): void {
    const { environment, source } = this.props;
    const errors = new ValidationErrors(`FeatureLane '${id}'`, this);
    if (this.branches.length === 0) errors.add('branches', 'is empty; give at least one pattern, for example feature/*');
    for (const pattern of this.patterns) {
      if (pattern.matches(source.branch)) {
        errors.add('branches', `has '${pattern.pattern}', which matches the main branch '${source.branch}'; feature branches must be other branches`);
      }
      for (const other of this.props.hotfixBranches.map(b => new BranchPattern(b))) {
        if (pattern.overlaps(other)) {
          errors.add('branches', `has '${pattern.pattern}', which matches branches of the hotfix lane ('${other.pattern}'); a push would start both lanes`);
        }
      }
    }
    const featureAccount = this.props.options.featureAccount;
    if (featureAccount !== undefined && (Token.isUnresolved(featureAccount) || !/^\d{12}$/.test(featureAccount))) {
      errors.add('featureAccount', `is '${featureAccount}'; expected an AWS account id of 12 digits, written out (the lane's builds write it into the app's context)`);
    } else if (featureAccount !== undefined && featureAccount === environment.toolingAccount) {
      errors.add('featureAccount', `is ${featureAccount}, the tooling account; feature branches must deploy into an account of their own, never where the pipelines run`);
    }
    if (!Number.isInteger(this.maxEnvironments) || this.maxEnvironments < 1) {
      errors.add('maxEnvironments', `is ${this.maxEnvironments}; expected a whole number, 1 or more`);
    }
    const minutes = this.timeToLive.toMinutes({ integral: false });
    if (minutes < 60 || minutes % 60 !== 0) {
      errors.add('timeToLive', `is ${this.timeToLive.toHumanString()}; expected whole hours, at least 1 hour`);
    }
    if (environment.profile.deployment !== DeploymentMode.EVERY_COMMIT) {
      errors.add('environment', `'${environment.environmentName}' (tier ${environment.tier.name}) does not deploy on every commit; feature environments are copies of the one that does (Dev)`);
    }
    if (environment.node.scope !== environment.node.root) {
      errors.add('environment', `'${environment.environmentName}' is at ${environment.node.path}; a copied environment must be created at the top level of the app`);
    }
    if (environment.featureBranch === undefined && environment.environmentName.length > MAX_COPIED_NAME) {
      errors.add('environment', `'${environment.environmentName}' has a name of ${environment.environmentName.length} characters; a copied environment's name may have at most ${MAX_COPIED_NAME}, to leave room for the branch`);
    }
    for (const kind of environment.profile.testsAfterDeploy) {
      if (!this.props.tests.some(t => t.kind === kind)) {
        errors.add('tests', `has no ${kind} test, which environment '${environment.environmentName}' runs after each deploy`);
      }
    }
    errors.throwIfAny();
  }

  /** Where the synth commands write the cloud assembly. */
  private get assemblyDirectory(): string {
    return this.props.build.outputDirectory;
  }

  /**
   * A pipeline of the lane: the source, then one build running the given commands. Its artifacts
   * go to `artifactBucket`, or to a bucket and key of its own.
   */
  private lanePipeline(id: string, commands: string[], trigger: LaneTrigger, artifactBucket?: s3.IBucket): codepipeline.Pipeline {
    const output = new codepipeline.Artifact(`${id}Source`);
    const sourceAction = this.props.source._sourceAction(this.patterns[0].literalPrefix, output, `${id}Source`);
    const unit = this.props.tests.find(t => t.kind === TestKind.UNIT);
    const project = new codebuild.PipelineProject(this, `${id}Project`, {
      description: `${id === 'Deploy' ? 'Deploys and tests' : 'Tears down'} the feature environment of a branch (copy of ${this.props.environment.environmentName})`,
      environment: { buildImage: unit?.buildImage ?? codebuild.LinuxBuildImage.STANDARD_7_0 },
      logging: { cloudWatch: { logGroup: this.props.buildLogGroup } },
      // Its build spec has no `reports` section: no report-group permissions.
      grantReportGroupPermissions: false,
      buildSpec: new CompactBuildSpec({
        version: '0.2',
        env: { shell: 'bash' },
        phases: {
          // Only the pinned CLI before the branch is checked: the app's own install commands (npm ci
          // runs its lifecycle scripts) are branch code, and run only for a feature branch.
          install: { commands: [`npm install -g aws-cdk@${this.props.cdkCliVersion}`] },
          // One script, so that a build for a branch that is not a feature branch can stop early.
          build: { commands: [['set -euo pipefail', ...commands].join('\n')] },
        },
      }),
    });
    this.allowBootstrapRoles(project);
    const pipeline = new codepipeline.Pipeline(this, `${id}Pipeline`, {
      pipelineType: codepipeline.PipelineType.V2,
      // Pushes to different branches must not supersede each other: every run goes through.
      executionMode: codepipeline.ExecutionMode.PARALLEL,
      ...(artifactBucket ? { artifactBucket } : { crossAccountKeys: true, enableKeyRotation: true }),
      stages: [
        { stageName: 'Source', actions: [sourceAction] },
        {
          stageName: id,
          actions: [new actions.CodeBuildAction({
            actionName: id,
            project,
            input: output,
            environmentVariables: { BRANCH: { value: sourceAction.variables.branchName } },
          })],
        },
      ],
      triggers: [{ providerType: codepipeline.ProviderType.CODE_STAR_SOURCE_CONNECTION, gitConfiguration: { sourceAction, ...trigger } }],
    });
    const metadata: LaneMetadata = { lane: 'feature', branches: this.branches, protected: false };
    (pipeline.node.defaultChild as CfnResource).addMetadata(LANE_METADATA, metadata);
    ignoreLintRules(pipeline.node.defaultChild as CfnResource, ROLE_DEPENDENCY_REASON, 'W3005');
    return pipeline;
  }

  /** The builds deploy with the CDK bootstrap roles of the lane's account, as `cdk deploy` does. */
  private allowBootstrapRoles(project: codebuild.PipelineProject): void {
    project.addToRolePolicy(new iam.PolicyStatement({
      actions: ['sts:AssumeRole'],
      resources: (['deploy', 'file-publishing', 'image-publishing', 'lookup'] as const).map(role => bootstrapRoleArn(this.props.environment.foundation, role, this.account)),
    }));
  }

  /**
   * Stops a build that is not for a feature branch before any of the branch's code runs (the
   * teardown pipeline starts for every pull request closed into main, whatever its branch), then
   * installs the app's dependencies and points the app at the branch's copy.
   */
  private prepareCommands(): string[] {
    const regexes = this.patterns.map(p => p.regexSource).join('|');
    const context = JSON.stringify({
      [FEATURE_CONTEXT.copyOf]: this.props.environment.node.id,
      [FEATURE_CONTEXT.timeToLiveHours]: this.timeToLive.toHours(),
      ...(this.props.options.featureAccount ? { [FEATURE_CONTEXT.account]: this.props.options.featureAccount } : {}),
    });
    const id = this.props.environment.node.id;
    const name = this.props.environment.environmentName;
    return [
      `if [[ ! "$BRANCH" =~ ${regexes} ]]; then echo "$BRANCH is not a feature branch (${this.branches.join(', ')}): nothing to do"; exit 0; fi`,
      ...this.props.build.installCommands,
      ...(this.props.tests.find(t => t.kind === TestKind.UNIT)?.installCommands ?? []),
      'node -e \'const fs = require("fs"); const file = "cdk.context.json"; const context = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {}; '
        + `Object.assign(context, ${context}, { "${FEATURE_CONTEXT.branch}": process.env.BRANCH }); fs.writeFileSync(file, JSON.stringify(context, null, 1))'`,
      ...(this.props.tests.find(t => t.kind === TestKind.UNIT)?.commands ?? []),
      ...this.props.build.synthCommands,
      // The copy's stage is `<id>-<branch suffix>`: the one stage of the assembly so named.
      `STAGE=$(cd ${this.assemblyDirectory} && ls -d assembly-${id}-* | sed 's/^assembly-//')`,
      `[ "$(echo "$STAGE" | wc -l)" -eq 1 ] && [ -n "$STAGE" ] || { echo "expected one feature copy of ${id} in ${this.assemblyDirectory}, found: $STAGE"; exit 1; }`,
      `export FEATURE_ENVIRONMENT="${name}-\${STAGE#${id}-}"`,
    ];
  }

  private deployCommands(): string[] {
    const { environment } = this.props;
    const lookupRole = bootstrapRoleArn(environment.foundation, 'lookup', this.account);
    const afterDeploy = environment.profile.testsAfterDeploy
      .flatMap(kind => this.props.tests.find(t => t.kind === kind)?.commands ?? []);
    return [
      ...this.prepareCommands(),
      // At most maxEnvironments at once: count the other copies' foundation stacks in the account.
      `CREDS=($(aws sts assume-role --role-arn ${lookupRole} --role-session-name feature-lane --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text))`,
      `IN_USE=$(AWS_ACCESS_KEY_ID=\${CREDS[0]} AWS_SECRET_ACCESS_KEY=\${CREDS[1]} AWS_SESSION_TOKEN=\${CREDS[2]} aws cloudformation list-stacks --region ${environment.region} `
        + '--stack-status-filter CREATE_IN_PROGRESS CREATE_COMPLETE ROLLBACK_COMPLETE UPDATE_IN_PROGRESS UPDATE_COMPLETE UPDATE_ROLLBACK_COMPLETE DELETE_FAILED '
        + `--query "StackSummaries[?starts_with(StackName, '${environment.node.id}-') && ends_with(StackName, '-Foundation')].StackName" --output text `
        + `| tr '\\t' '\\n' | grep -v -x -e "$STAGE-Foundation" -e "${environment.node.id}-Foundation" | sed 's/-Foundation$//' || true)`,
      `if [ "$(echo "$IN_USE" | grep -c .)" -ge ${this.maxEnvironments} ]; then echo "All ${this.maxEnvironments} feature environments are in use: $(echo $IN_USE). `
        + 'Merge or close the pull request of one of them (or wait for its time to live) and push again."; exit 1; fi',
      // In express mode where the tier deploys so (TierProfile.expressDeployments), rollback kept as the pipeline's deploys keep it.
      `cdk deploy --app ${this.assemblyDirectory}${environment.profile.expressDeployments ? ' --express --rollback' : ''} --require-approval never "$STAGE/*"`,
      ...afterDeploy,
    ];
  }

  private teardownCommands(): string[] {
    return [...this.prepareCommands(), `cdk destroy --app ${this.assemblyDirectory} --force "$STAGE/*"`];
  }
}
