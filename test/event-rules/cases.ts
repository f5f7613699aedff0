import { resolve } from '../support/deployed-policies';
import { referenceTooling } from '../support/pipelines';

/**
 * The reference app's detection rules, resolved as CloudFormation deploys them in the tooling
 * account, and CloudTrail events each rule must or must not match, for test/event-rules/run.sh to
 * judge with Event Ruler. Printed as JSON: `{ rules: {id: pattern}, cases: [{name, event, matches}] }`.
 *
 * The events are shaped as AWS documents them: EventBridge's envelope of an "AWS API Call via
 * CloudTrail" event (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html),
 * CloudTrail's `userIdentity` of an IAM user, a role's session and an AWS service
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html),
 * and each API's request parameters as its API reference names them. The callers' ARNs are the
 * synthesized roles' (paths included), or roles and users no rule knows of.
 */
const TOOLING = { account: '999999999999', region: 'eu-west-1' };
const { template, resources } = referenceTooling();
const deployed = (value: unknown) => resolve(value, template, TOOLING);

/** The logical id of the one resource whose id starts with `prefix`. */
function idOf(prefix: string): string {
  const ids = resources.map(([id]) => id).filter(id => id.startsWith(prefix) && /^[A-F0-9]{8}$/.test(id.slice(prefix.length)));
  if (ids.length !== 1) throw new Error(`${ids.length} resources named ${prefix}…: ${ids.join(', ')}`);
  return ids[0];
}
const rules = Object.fromEntries(resources.filter(([id, r]) => r.Type === 'AWS::Events::Rule' && id.startsWith('DeliveryDetections'))
  .map(([id, r]) => [id, deployed(r.Properties.EventPattern)]));
const rule = (name: string) => idOf(`DeliveryDetections${name}`);
const roleArn = (prefix: string) => deployed({ 'Fn::GetAtt': [idOf(prefix), 'Arn'] });
const name = (prefix: string) => deployed({ Ref: idOf(prefix) });

// Callers: a role's session (its issuer is the role, path and all), an IAM user, the root user, an AWS service.
const session = (role: string, sessionName = 'session') => ({
  type: 'AssumedRole',
  principalId: `AROAIDPPEZS35WEXAMPLE:${sessionName}`,
  arn: `arn:aws:sts::${TOOLING.account}:assumed-role/${role.split('/').pop()}/${sessionName}`,
  accountId: TOOLING.account,
  accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
  sessionContext: {
    sessionIssuer: { type: 'Role', principalId: 'AROAIDPPEZS35WEXAMPLE', arn: role, accountId: TOOLING.account, userName: role.split('/').pop() },
    attributes: { mfaAuthenticated: 'false', creationDate: '2026-12-01T10:00:00Z' },
  },
});
const user = (userName: string) => ({
  type: 'IAMUser',
  principalId: 'AIDAJ45Q7YFFAREXAMPLE',
  arn: `arn:aws:iam::${TOOLING.account}:user/${userName}`,
  accountId: TOOLING.account,
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  userName,
});
const root = { type: 'Root', principalId: TOOLING.account, arn: `arn:aws:iam::${TOOLING.account}:root`, accountId: TOOLING.account };
const service = (invokedBy: string) => ({ type: 'AWSService', invokedBy });

/** EventBridge's event for an API call CloudTrail recorded. */
function apiCall(source: string, eventName: string, userIdentity: unknown, requestParameters: unknown, errorCode?: string) {
  const eventSource = `${source.slice('aws.'.length)}.amazonaws.com`;
  return {
    'version': '0',
    'id': '36eb8523-97d0-4518-b33d-ee3579ff19f0',
    'detail-type': 'AWS API Call via CloudTrail',
    source,
    'account': TOOLING.account,
    'time': '2026-12-01T10:15:00Z',
    'region': TOOLING.region,
    'resources': [],
    'detail': {
      eventVersion: '1.09',
      userIdentity,
      eventTime: '2026-12-01T10:15:00Z',
      eventSource,
      eventName,
      awsRegion: TOOLING.region,
      sourceIPAddress: '192.0.2.10',
      userAgent: 'aws-cli/2.22.0',
      requestParameters,
      responseElements: null,
      ...(errorCode ? { errorCode, errorMessage: `User is not authorized to perform ${eventName}` } : {}),
      requestID: '4f9d6b34-0000-4000-8000-000000000000',
      eventID: 'c4b5b1a2-0000-4000-8000-000000000000',
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: TOOLING.account,
      eventCategory: 'Management',
    },
  };
}

const mainPipeline = name('DeliveryPipelineDefinition');
const hotfixPipeline = name('DeliveryHotfixPipelineDefinition');
const releaseManagers = `arn:aws:iam::${TOOLING.account}:role/shop-release-managers`;
const onCall = `arn:aws:iam::${TOOLING.account}:role/shop-on-call`;
const admin = `arn:aws:iam::${TOOLING.account}:role/Admin`;
const approval = (pipelineName: string, stageName: string, actionName: string) => ({
  pipelineName, stageName, actionName, result: { summary: 'Looks good', status: 'Approved' }, token: '1a2b3c4d-0000-4000-8000-000000000000',
});
const prodDeploy = name('DeliveryPipelineDefinitionProdDeploy');
const synthProject = name('DeliveryPipelineDefinitionBuildSynthCdkBuildProject');
const buildActionRole = roleArn('DeliveryPipelineCodeBuildActionRole');
const batchRole = roleArn('DeliveryPipelineDefinitionProdDeployBatchServiceRole');
const selfUpdate = `arn:aws:iam::${TOOLING.account}:role/cdk-hnb659fds-cfn-exec-role-${TOOLING.account}-${TOOLING.region}`;
const prodReview = rule('PipelineDefinitionProdReview');
const hotfixProdReview = rule('HotfixPipelineDefinitionProdReview');
const hotfixSignOff = rule('HotfixPipelineDefinitionHotfixSignOff');
const started = rule('BuildStartedElsewhere');
const retried = rule('BuildRetriedElsewhere');
const pipelineChanged = rule('PipelineChangedElsewhere');
const projectChanged = rule('ProjectChangedElsewhere');
const codepipeline = 'aws.codepipeline';
const codebuild = 'aws.codebuild';

const cases = [
  // Approvals: only the named approvers, of that very approval.
  ['a release manager approves Prod', apiCall(codepipeline, 'PutApprovalResult', session(releaseManagers), approval(mainPipeline, 'Prod', 'Review')), []],
  ['an administrator approves Prod', apiCall(codepipeline, 'PutApprovalResult', session(admin), approval(mainPipeline, 'Prod', 'Review')), [prodReview]],
  ['an administrator tries to approve Prod and is refused', apiCall(codepipeline, 'PutApprovalResult', session(admin), approval(mainPipeline, 'Prod', 'Review'), 'AccessDenied'), [prodReview]],
  ['an IAM user approves Prod', apiCall(codepipeline, 'PutApprovalResult', user('Alice'), approval(mainPipeline, 'Prod', 'Review')), [prodReview]],
  ['the root user approves Prod', apiCall(codepipeline, 'PutApprovalResult', root, approval(mainPipeline, 'Prod', 'Review')), [prodReview]],
  ['on-call approves the hotfix sign-off', apiCall(codepipeline, 'PutApprovalResult', session(onCall), approval(hotfixPipeline, 'Hotfix', 'SignOff')), []],
  ['on-call approves the hotfix lane\'s Prod review', apiCall(codepipeline, 'PutApprovalResult', session(onCall), approval(hotfixPipeline, 'Prod', 'Review')), [hotfixProdReview]],
  ['a release manager approves the hotfix lane\'s Prod review', apiCall(codepipeline, 'PutApprovalResult', session(releaseManagers), approval(hotfixPipeline, 'Prod', 'Review')), []],
  ['a release manager approves the hotfix sign-off', apiCall(codepipeline, 'PutApprovalResult', session(releaseManagers), approval(hotfixPipeline, 'Hotfix', 'SignOff')), [hotfixSignOff]],
  ['anyone approves QA\'s sign-off, which names no approvers', apiCall(codepipeline, 'PutApprovalResult', user('Alice'), approval(mainPipeline, 'QA', 'SignOff')), []],
  ['an administrator approves another app\'s pipeline', apiCall(codepipeline, 'PutApprovalResult', session(admin), approval('other-app', 'Prod', 'Review')), []],

  // Builds: started and retried by the pipelines' own roles only.
  ['the pipeline starts the Prod deploy', apiCall(codebuild, 'StartBuildBatch', session(buildActionRole, '1733047000000'), { projectName: prodDeploy }), []],
  ['CodeBuild starts a build of the Prod deploy batch', apiCall(codebuild, 'StartBuild', session(batchRole, 'AWSCodeBuild-1f2e3d4c'), { projectName: prodDeploy }), []],
  ['an administrator starts the Prod deploy with a buildspec override', apiCall(codebuild, 'StartBuildBatch', session(admin), { projectName: prodDeploy, buildspecOverride: 'version: 0.2' }), [started]],
  ['an IAM user starts the Prod deploy by its ARN', apiCall(codebuild, 'StartBuild', user('Alice'), { projectName: `arn:aws:codebuild:${TOOLING.region}:${TOOLING.account}:project/${prodDeploy}` }), [started]],
  ['an administrator starts the synth project', apiCall(codebuild, 'StartBuild', session(admin), { projectName: synthProject }), [started]],
  ['an administrator starts another team\'s project', apiCall(codebuild, 'StartBuild', session(admin), { projectName: 'other-team-build' }), []],
  ['CodePipeline, as a service, starts the Prod deploy', apiCall(codebuild, 'StartBuild', service('codepipeline.amazonaws.com'), { projectName: prodDeploy }), []],
  ['an administrator retries a Prod deploy batch', apiCall(codebuild, 'RetryBuildBatch', session(admin), { id: `${prodDeploy}:2c7e51c5-0000-4000-8000-000000000000` }), [retried]],
  ['an IAM user retries a Prod deploy build by its ARN', apiCall(codebuild, 'RetryBuild', user('Alice'), { id: `arn:aws:codebuild:${TOOLING.region}:${TOOLING.account}:build/${prodDeploy}:2c7e51c5-0000-4000-8000-000000000000` }), [retried]],
  ['the pipeline retries a Prod deploy batch', apiCall(codebuild, 'RetryBuildBatch', session(buildActionRole), { id: `${prodDeploy}:2c7e51c5-0000-4000-8000-000000000000` }), []],

  // Definitions: changed by the self-update (CloudFormation with the CDK bootstrap's execution role) only.
  ['the self-update changes the main pipeline', apiCall(codepipeline, 'UpdatePipeline', session(selfUpdate, 'AWSCloudFormation'), { pipeline: { name: mainPipeline } }), []],
  ['an administrator changes the main pipeline', apiCall(codepipeline, 'UpdatePipeline', session(admin), { pipeline: { name: mainPipeline } }), [pipelineChanged]],
  ['an IAM user changes the hotfix lane', apiCall(codepipeline, 'UpdatePipeline', user('Alice'), { pipeline: { name: hotfixPipeline } }), [pipelineChanged]],
  ['the self-update changes the Prod deploy project', apiCall(codebuild, 'UpdateProject', session(selfUpdate, 'AWSCloudFormation'), { name: prodDeploy }), []],
  ['an administrator changes the Prod deploy project', apiCall(codebuild, 'UpdateProject', session(admin), { name: prodDeploy }), [projectChanged]],
  ['an administrator changes the synth project', apiCall(codebuild, 'UpdateProject', session(admin), { name: synthProject }), [projectChanged]],
] as const;

process.stdout.write(JSON.stringify({ rules, cases: cases.map(([caseName, event, matches]) => ({ name: caseName, event, matches })) }, undefined, 1));
