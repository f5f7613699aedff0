import * as crypto from 'crypto';
import * as cdk from 'aws-cdk-lib';
import { CloudFormationStackArtifact, EnvironmentPlaceholders } from 'aws-cdk-lib/cx-api';
import { RegionInfo } from 'aws-cdk-lib/region-info';

/**
 * What AWS answers and sends, for the tests of the scripts and rules that read it: one builder per
 * kind of response or event, each shaped as the AWS page it cites documents it, with the fields that
 * page shows. Every value that names something (a stack, an ARN, a logical or physical id, a tag, a
 * property) comes from a synthesized app: its cloud assembly's manifest and templates. Only what AWS
 * makes up itself (ids it generates, times) is made here, the same for the same input.
 */

/** A UUID made from `seed`: an id AWS generates (a stack's, a detection's, a pipeline execution's, an event's), the same for the same seed. */
export function uuidOf(seed: string): string {
  const hex = crypto.createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The part of a name CloudFormation generates (a nested stack's, a physical id's), from `seed`. */
function generatedSuffix(seed: string, length: number): string {
  return crypto.createHash('sha256').update(seed).digest('hex').slice(0, length).toUpperCase();
}

/** The time every sample is stamped with: the same in each run. */
const TIME = '2026-12-01T10:15:00Z';

/** The artifact a stack synthesized to in its app's cloud assembly (synthesizing the app if it was not yet). */
export function artifactOf(stack: cdk.Stack): CloudFormationStackArtifact {
  const assembly = cdk.Stage.of(stack)!.synth();
  return assembly.getStackArtifact(stack.artifactId);
}

/** The stacks a stage (an environment) deploys, as its app's synthesized cloud assembly holds them. */
export function artifactsOf(stage: cdk.Stage): CloudFormationStackArtifact[] {
  return cdk.Stage.of(stage)!.synth().getNestedAssembly(stage.artifactId).stacks;
}

/**
 * A string of a manifest or a build spec (an ARN) with the pseudo parameters it holds
 * (`${AWS::Partition}`, `${AWS::AccountId}`, `${AWS::Region}`) as they are where it deploys.
 */
export function deployedIn(where: { account: string; region: string }, text: string): string {
  return EnvironmentPlaceholders.replace(text, { accountId: where.account, region: where.region, partition: RegionInfo.get(where.region).partition ?? 'aws' });
}

/**
 * A stack's id as CloudFormation gives it (DescribeStacks' StackId:
 * `arn:aws:cloudformation:<region>:<account>:stack/<name>/<UUID>`), for the stack's name in its
 * manifest's account and region.
 */
export function stackIdOf(stack: { stackName: string; environment: { account: string; region: string } }): string {
  const { account, region } = stack.environment;
  const partition = RegionInfo.get(region).partition ?? 'aws';
  return `arn:${partition}:cloudformation:${region}:${account}:stack/${stack.stackName}/${uuidOf(`${account}/${region}/${stack.stackName}`)}`;
}

/**
 * One stack of a DescribeStacks response, as `aws cloudformation describe-stacks --output json`
 * prints it: the `Stack` type of https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Stack.html,
 * its fields as the CLI's example shows them (https://docs.aws.amazon.com/cli/latest/reference/cloudformation/describe-stacks.html).
 */
export interface DescribedStackSample {
  readonly StackId: string;
  readonly StackName: string;
  readonly Description?: string;
  readonly CreationTime: string;
  readonly LastUpdatedTime?: string;
  readonly RollbackConfiguration: Record<string, unknown>;
  readonly StackStatus: string;
  readonly DisableRollback: boolean;
  readonly NotificationARNs: string[];
  readonly RoleARN?: string;
  readonly Tags: { Key: string; Value: string }[];
  readonly EnableTerminationProtection: boolean;
  readonly ParentId?: string;
  readonly RootId?: string;
  readonly DriftInformation: { StackDriftStatus: string };
}

/**
 * What DescribeStacks (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html)
 * answers for stacks the CDK CLI deployed from a cloud assembly, each as last updated: its name,
 * account and region, tags (the CLI hands CloudFormation the manifest's), termination protection,
 * notification ARNs and execution role from the manifest, its description from its template; each
 * stack its template nests follows it, as CloudFormation creates it (named `<parent>-<logical
 * id>-<generated>`, its parent and root set, the parent's tags and termination protection its own; see the
 * AWS::CloudFormation::Stack return values, https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-stack.html).
 * Outputs and parameters are left out: their values are the deployed resources'.
 */
export function describeStacks(stacks: CloudFormationStackArtifact[]): { Stacks: DescribedStackSample[] } {
  return {
    Stacks: stacks.flatMap(stack => {
      const described: DescribedStackSample = {
        StackId: stackIdOf(stack),
        StackName: stack.stackName,
        ...(stack.template.Description ? { Description: stack.template.Description } : {}),
        CreationTime: '2026-10-02T09:14:27.512000+00:00',
        LastUpdatedTime: '2026-11-27T16:40:03.881000+00:00',
        RollbackConfiguration: {},
        StackStatus: 'UPDATE_COMPLETE',
        DisableRollback: false,
        NotificationARNs: stack.notificationArns ?? [],
        ...(stack.cloudFormationExecutionRoleArn ? { RoleARN: deployedIn(stack.environment, stack.cloudFormationExecutionRoleArn) } : {}),
        Tags: Object.entries(stack.tags).map(([Key, Value]) => ({ Key, Value })),
        EnableTerminationProtection: stack.terminationProtection ?? false,
        DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
      };
      const nested = Object.entries<any>(stack.template.Resources ?? {}).filter(([, r]) => r.Type === 'AWS::CloudFormation::Stack')
        .map(([logicalId]): DescribedStackSample => {
          const { Description: _parents, ...parent } = described;
          const stackName = `${stack.stackName}-${logicalId}-${generatedSuffix(`${described.StackId}/${logicalId}`, 12)}`;
          const StackId = stackIdOf({ stackName, environment: stack.environment });
          return { ...parent, StackId, StackName: stackName, ParentId: described.StackId, RootId: described.StackId };
        });
      return [described, ...nested];
    }),
  };
}

/**
 * What GetTemplate (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_GetTemplate.html)
 * answers for a stack deployed from `template`, as the AWS CLI prints it: the CLI parses a JSON
 * `TemplateBody` into an object.
 */
export function getTemplate(template: object): { TemplateBody: object; StagesAvailable: string[] } {
  return { TemplateBody: template, StagesAvailable: ['Original', 'Processed'] };
}

/**
 * One resource of a synthesized stack as drift detection finds it after a change by hand: a
 * StackResourceDrift (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackResourceDrift.html),
 * its logical id, type and expected properties the stack's template's, its actual properties those
 * with `changes` (top-level property → its value now) applied, and a PropertyDifference
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_PropertyDifference.html) per
 * difference: ADD and REMOVE for an item of a list, NOT_EQUAL for any other value.
 */
export function stackResourceDrift(stack: CloudFormationStackArtifact, logicalId: string, changes: Record<string, unknown>) {
  const resource = stack.template.Resources?.[logicalId];
  if (!resource) throw new Error(`${stack.stackName} has no resource ${logicalId}`);
  const expected = resource.Properties ?? {};
  const actual: Record<string, unknown> = { ...expected, ...changes };
  const text = (value: unknown) => (value === undefined ? 'null' : JSON.stringify(value));
  const PropertyDifferences = Object.keys(changes).flatMap(property => {
    const [before, after] = [expected[property], actual[property]];
    if (Array.isArray(after) && (before === undefined || Array.isArray(before))) {
      const items = (before ?? []) as unknown[];
      return Array.from({ length: Math.max(items.length, after.length) }, (_, i) => [i, items[i], after[i]] as const)
        .filter(([, was, now]) => JSON.stringify(was) !== JSON.stringify(now))
        .map(([i, was, now]) => ({
          PropertyPath: `/${property}/${i}`,
          ExpectedValue: text(was),
          ActualValue: text(now),
          DifferenceType: was === undefined ? 'ADD' : now === undefined ? 'REMOVE' : 'NOT_EQUAL',
        }));
    }
    return [{ PropertyPath: `/${property}`, ExpectedValue: text(before), ActualValue: text(after), DifferenceType: after === undefined ? 'REMOVE' : 'NOT_EQUAL' }];
  });
  return {
    StackId: stackIdOf(stack),
    LogicalResourceId: logicalId,
    PhysicalResourceId: physicalIdOf(stack, logicalId, resource.Type),
    ResourceType: resource.Type,
    ExpectedProperties: JSON.stringify(expected),
    ActualProperties: JSON.stringify(actual),
    PropertyDifferences,
    StackResourceDriftStatus: 'MODIFIED',
    Timestamp: TIME,
  };
}

/** The id AWS gives a resource of a stack: an EC2 id for a security group (`sg-` and 17 hex digits), else the name CloudFormation generates. */
function physicalIdOf(stack: CloudFormationStackArtifact, logicalId: string, type: string): string {
  const seed = `${stackIdOf(stack)}/${logicalId}`;
  return type === 'AWS::EC2::SecurityGroup' ? `sg-${generatedSuffix(seed, 17).toLowerCase()}` : `${stack.stackName}-${logicalId}-${generatedSuffix(seed, 12)}`;
}

/** What DescribeStackResourceDrifts (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackResourceDrifts.html) answers. */
export function describeStackResourceDrifts(drifts: ReturnType<typeof stackResourceDrift>[]) {
  return { StackResourceDrifts: drifts };
}

/** What DetectStackDrift (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DetectStackDrift.html) answers for a stack. */
export function detectStackDrift(stack: CloudFormationStackArtifact): { StackDriftDetectionId: string } {
  return { StackDriftDetectionId: uuidOf(`drift detection of ${stackIdOf(stack)}`) };
}

/**
 * What DescribeStackDriftDetectionStatus (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackDriftDetectionStatus.html)
 * answers once the detection of a stack is complete, having found `drifts`.
 */
export function driftDetectionStatus(stack: CloudFormationStackArtifact, drifts: ReturnType<typeof stackResourceDrift>[]) {
  return {
    StackId: stackIdOf(stack),
    StackDriftDetectionId: detectStackDrift(stack).StackDriftDetectionId,
    StackDriftStatus: drifts.length > 0 ? 'DRIFTED' : 'IN_SYNC',
    DetectionStatus: 'DETECTION_COMPLETE',
    DriftedStackResourceCount: drifts.length,
    Timestamp: TIME,
  };
}

/** One run of a pipeline, as its history records it. */
export interface PipelineRun {
  readonly executionId: string;
  /** The commit its source action took. */
  readonly commit: string;
  /** How it ended: Succeeded, Failed, Stopped. */
  readonly status: 'Succeeded' | 'Failed' | 'Stopped';
  /** The last action it ran (a stage's name and the action's): it failed there, or was stopped there. Default: the pipeline's last. */
  readonly until?: { stage: string; action: string };
}

/** A pipeline's actions in the order its stages and their run orders run them. */
function actionsOf(pipeline: any): { stage: string; action: any }[] {
  return pipeline.Properties.Stages.flatMap((s: any) => [...s.Actions].sort((a: any, b: any) => (a.RunOrder ?? 1) - (b.RunOrder ?? 1))
    .map((action: any) => ({ stage: s.Name, action })));
}

/**
 * What ListActionExecutions (https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ListActionExecutions.html)
 * answers for the runs of a pipeline of a synthesized template (`pipeline`: its AWS::CodePipeline::Pipeline
 * resource; `region`: where it runs), newest first: an ActionExecutionDetail
 * (https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ActionExecutionDetail.html) for
 * each action a run reached, in the pipeline's order, each Succeeded but its last, which ended as the
 * run did (Abandoned, where the run was stopped).
 */
export function listActionExecutions(pipeline: any, region: string, runs: PipelineRun[]) {
  const all = actionsOf(pipeline);
  return {
    actionExecutionDetails: runs.flatMap((run, r) => {
      const last = run.until ? all.findIndex(a => a.stage === run.until!.stage && a.action.Name === run.until!.action) : all.length - 1;
      if (last < 0) throw new Error(`pipeline ${pipeline.Properties.Name} has no action ${run.until!.stage}/${run.until!.action}`);
      return all.slice(0, last + 1).map(({ stage, action }, i) => ({
        pipelineExecutionId: run.executionId,
        actionExecutionId: uuidOf(`${run.executionId}/${stage}/${action.Name}`),
        pipelineVersion: 1,
        stageName: stage,
        actionName: action.Name,
        startTime: minutesAfter(runs.length - r, i),
        lastUpdateTime: minutesAfter(runs.length - r, i + 1),
        status: i < last || run.status === 'Succeeded' ? 'Succeeded' : run.status === 'Failed' ? 'Failed' : 'Abandoned',
        input: {
          actionTypeId: Object.fromEntries(Object.entries<string>(action.ActionTypeId).map(([field, value]) => [field.toLowerCase(), value])),
          region,
          inputArtifacts: (action.InputArtifacts ?? []).map((a: any) => ({ name: a.Name })),
          ...(action.Namespace ? { namespace: action.Namespace } : {}),
        },
      })).reverse();
    }),
  };
}

/**
 * What ListPipelineExecutions (https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ListPipelineExecutions.html)
 * answers for the runs of a pipeline of a synthesized template, newest first: a PipelineExecutionSummary
 * (https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_PipelineExecutionSummary.html) each,
 * its source revision named by the pipeline's source action, started by the pipeline's trigger
 * (WebhookV2 where it has git triggers, Webhook for a connection's push otherwise,
 * https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ExecutionTrigger.html). The
 * revision's summary and URL are left out: the repository's host writes them.
 */
export function listPipelineExecutions(pipeline: any, runs: PipelineRun[]) {
  const source = pipeline.Properties.Stages[0].Actions[0];
  return {
    pipelineExecutionSummaries: runs.map((run, r) => ({
      pipelineExecutionId: run.executionId,
      status: run.status,
      startTime: minutesAfter(runs.length - r, 0),
      lastUpdateTime: minutesAfter(runs.length - r, actionsOf(pipeline).length),
      sourceRevisions: [{ actionName: source.Name, revisionId: run.commit }],
      trigger: { triggerType: pipeline.Properties.Triggers ? 'WebhookV2' : 'Webhook' },
      executionMode: pipeline.Properties.ExecutionMode ?? 'SUPERSEDED',
      executionType: 'STANDARD',
    })),
  };
}

/** The time of the `minute`th minute of the `run`th day of December 2026. */
function minutesAfter(run: number, minute: number): string {
  return new Date(Date.UTC(2026, 11, run, 9, minute)).toISOString();
}

/**
 * What AssumeRole (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html) answers:
 * its example's credentials, for a session of the role.
 */
export function assumeRole(roleArn: string, sessionName: string) {
  const [, partition, , , account, resource] = roleArn.split(':');
  const role = resource.split('/').pop();
  return {
    Credentials: {
      AccessKeyId: 'ASIAIOSFODNN7EXAMPLE',
      SecretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY',
      SessionToken: 'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI',
      Expiration: '2026-12-01T11:15:00Z',
    },
    AssumedRoleUser: { Arn: `arn:${partition}:sts::${account}:assumed-role/${role}/${sessionName}`, AssumedRoleId: `AROA3XFRBF535PLBIFPI4:${sessionName}` },
  };
}

/**
 * What the AWS CLI prints when IAM refuses a call
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html): the operation,
 * who called, the action and the resource.
 */
export function accessDenied(operation: string, caller: string, action: string, resource: string): string {
  return `An error occurred (AccessDenied) when calling the ${operation} operation: ${notAuthorized(caller, action, resource)}`;
}

/** IAM's message for a call no policy allows (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html). */
function notAuthorized(caller: string, action: string, resource: string): string {
  return `User: ${caller} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`;
}

/**
 * What the AWS CLI prints when CloudFormation is asked about a stack the account and region do not
 * have: a ValidationError (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/CommonErrors.html)
 * naming the stack.
 */
export function stackNotFound(operation: string, stackName: string): string {
  return `An error occurred (ValidationError) when calling the ${operation} operation: Stack with id ${stackName} does not exist`;
}

/**
 * Who made an API call, as CloudTrail's `userIdentity` element records it
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html,
 * its examples): a session of a role (whose issuer is the role, its path included, while the session's
 * own ARN names the role without it), an IAM user, the account's root user, an AWS service.
 */
export const callers = {
  session(roleArn: string, sessionName = 'session') {
    const [, partition, , , account] = roleArn.split(':');
    const role = roleArn.split('/').pop()!;
    return {
      type: 'AssumedRole',
      principalId: `AROAIDPPEZS35WEXAMPLE:${sessionName}`,
      arn: `arn:${partition}:sts::${account}:assumed-role/${role}/${sessionName}`,
      accountId: account,
      accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: 'AROAIDPPEZS35WEXAMPLE', arn: roleArn, accountId: account, userName: role },
        attributes: { mfaAuthenticated: 'false', creationDate: TIME },
      },
    };
  },
  user(userArn: string) {
    const [, , , , account, resource] = userArn.split(':');
    const userName = resource.split('/').pop()!;
    return { type: 'IAMUser', principalId: 'AIDAJ45Q7YFFAREXAMPLE', arn: userArn, accountId: account, accessKeyId: 'AKIAIOSFODNN7EXAMPLE', userName };
  },
  root(account: string) {
    return { type: 'Root', principalId: account, arn: `arn:aws:iam::${account}:root`, accountId: account };
  },
  service(invokedBy: string) {
    return { type: 'AWSService', invokedBy };
  },
};

/** Who made a call, as `callers` builds it. */
export type UserIdentity = { readonly arn?: string; readonly [field: string]: unknown };

/**
 * The EventBridge event of an API call CloudTrail recorded in `account` and `region`: EventBridge's
 * envelope with detail-type "AWS API Call via CloudTrail"
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html,
 * https://docs.aws.amazon.com/eventbridge/latest/ref/events-structure.html) around CloudTrail's
 * record of the call (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html),
 * `source` the service's (`aws.codebuild`), the request's parameters as the API's reference names them.
 */
export function cloudTrailApiCall(where: { account: string; region: string }, source: string, eventName: string, userIdentity: UserIdentity,
  requestParameters: unknown, errorCode?: string) {
  const service = source.slice('aws.'.length);
  return {
    'version': '0',
    'id': uuidOf(`${source} ${eventName} ${JSON.stringify(userIdentity)} ${JSON.stringify(requestParameters)} ${errorCode}`),
    'detail-type': 'AWS API Call via CloudTrail',
    source,
    'account': where.account,
    'time': TIME,
    'region': where.region,
    'resources': [],
    'detail': {
      eventVersion: '1.09',
      userIdentity,
      eventTime: TIME,
      eventSource: `${service}.amazonaws.com`,
      eventName,
      awsRegion: where.region,
      sourceIPAddress: '192.0.2.10',
      userAgent: 'aws-cli/2.22.0',
      requestParameters,
      responseElements: null,
      ...(errorCode ? { errorCode, errorMessage: notAuthorized(userIdentity.arn ?? '', `${service}:${eventName}`, '*') } : {}),
      requestID: uuidOf(`request ${eventName} ${JSON.stringify(requestParameters)}`),
      eventID: uuidOf(`event ${eventName} ${JSON.stringify(requestParameters)} ${JSON.stringify(userIdentity)}`),
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: where.account,
      eventCategory: 'Management',
    },
  };
}

/**
 * The "CodeBuild Build State Change" event of a build that ended with `status`, of a project of a
 * synthesized template (`project`: its AWS::CodeBuild::Project resource; `projectName`: its name as
 * deployed) in its account and region: the sample of
 * https://docs.aws.amazon.com/codebuild/latest/userguide/sample-build-notifications-ref.html with the
 * project's name, ARNs, environment, timeout and log group filled in, the source type the project
 * has (a pipeline's job: `CODEPIPELINE`), no artifact (the pipeline keeps them), and the sample's ten
 * phases once the build ended (each at the build's start: their times are not read).
 */
export function codeBuildStateChange(where: { account: string; region: string }, project: any, projectName: string, status: string,
  timing: { start: string; time: string } = { start: 'Dec 1, 2026 5:00:02 AM', time: TIME }) {
  const { account, region } = where;
  // One build (started at timing.start) reports each of its states with the same build id.
  const buildUuid = uuidOf(`${projectName} ${timing.start}`);
  const buildArn = `arn:aws:codebuild:${region}:${account}:build/${projectName}:${buildUuid}`;
  const environment = project.Properties.Environment;
  return {
    'version': '0',
    'id': uuidOf(`event ${buildArn} ${status}`),
    'detail-type': 'CodeBuild Build State Change',
    'source': 'aws.codebuild',
    account,
    'time': timing.time,
    region,
    'resources': [buildArn],
    'detail': {
      'build-status': status,
      'project-name': projectName,
      'build-id': buildArn,
      'additional-information': {
        'environment': {
          'image': environment.Image,
          'privileged-mode': environment.PrivilegedMode ?? false,
          'compute-type': environment.ComputeType,
          'type': environment.Type,
          'environment-variables': [],
        },
        'timeout-in-minutes': project.Properties.TimeoutInMinutes ?? 60,
        'build-complete': status !== 'IN_PROGRESS',
        'build-start-time': timing.start,
        'source': { type: project.Properties.Source?.Type ?? 'NO_SOURCE' },
        'logs': {
          'group-name': `/aws/codebuild/${projectName}`,
          'stream-name': buildUuid,
          'deep-link': `https://console.aws.amazon.com/cloudwatch/home?region=${region}#logEvent:group=/aws/codebuild/${projectName};stream=${buildUuid}`,
        },
        'phases': status === 'IN_PROGRESS' ? [] : [
          ...['SUBMITTED', 'PROVISIONING', 'DOWNLOAD_SOURCE', 'INSTALL', 'PRE_BUILD', 'BUILD', 'POST_BUILD', 'UPLOAD_ARTIFACTS', 'FINALIZING'].map(phase => ({
            'phase-context': [],
            'start-time': timing.start,
            'end-time': timing.start,
            'duration-in-seconds': 0,
            'phase-type': phase,
            'phase-status': status,
          })),
          { 'start-time': timing.start, 'phase-type': 'COMPLETED' },
        ],
      },
      'current-phase': 'COMPLETED',
      'current-phase-context': '[]',
      'version': '1',
    },
  };
}

/** What a CodePipeline state change event is about: a run, a stage of it, or an action of a stage. */
export type CodePipelineChange =
  | { readonly pipeline: string; readonly executionId: string; readonly state: string; readonly trigger?: { 'trigger-type': string; 'trigger-detail': string } }
  | { readonly pipeline: string; readonly executionId: string; readonly state: string; readonly stage: string }
  | {
    readonly pipeline: string;
    readonly executionId: string;
    readonly state: string;
    readonly stage: string;
    readonly action: string;
    readonly type: { owner: string; provider: string; category: string; version: number };
  };

/**
 * A "CodePipeline Pipeline Execution State Change", "... Stage ..." or "... Action Execution State
 * Change" event of a pipeline as deployed in its account and region: the samples of
 * https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html,
 * with the detail fields AWS's EventBridge schema registry requires of each event type (as
 * `@aws-cdk/aws-service-spec` ships the registry's schemas; test/support/event-schemas.test.ts holds
 * these events to them). An action's artifacts are left empty (a list, as the samples show them).
 */
export function codePipelineStateChange(where: { account: string; region: string }, change: CodePipelineChange, time = TIME) {
  const { account, region } = where;
  const base = { 'pipeline': change.pipeline, 'execution-id': change.executionId, 'state': change.state };
  const [kind, detail] = 'action' in change
    ? ['Action', { ...base, 'stage': change.stage, 'action': change.action, 'region': region, 'type': change.type, 'version': 1, 'input-artifacts': [], 'output-artifacts': [] }]
    : 'stage' in change
      ? ['Stage', { ...base, stage: change.stage, version: '1' }]
      : ['Pipeline', { ...base, version: '1', ...change.trigger ? { 'execution-trigger': change.trigger } : {} }];
  return {
    'version': '0',
    'id': uuidOf(`event ${JSON.stringify(detail)}`),
    'detail-type': `CodePipeline ${kind} Execution State Change`,
    'source': 'aws.codepipeline',
    account,
    time,
    region,
    'resources': [`arn:aws:codepipeline:${region}:${account}:${change.pipeline}`],
    detail,
  };
}
