import * as cdk from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { artifactOf, callers, cloudTrailApiCall, codeBuildStateChange, codePipelineStateChange, deployedIn, UserIdentity, uuidOf } from '../support/aws-samples';
import { resolve } from '../support/deployed-policies';
import { referenceTooling } from '../support/pipelines';

/**
 * The reference app's detection rules and its delivery record's rules, resolved as CloudFormation
 * deploys them in the tooling account, and its bootstrap clean-up's failure rule, as deployed in the environment that holds it,
 * with the events each rule must or must not match, for test/event-rules/run.sh to judge with Event
 * Ruler. Printed as JSON: `{ rules: {id: pattern}, cases: [{name, event, matches}] }`.
 *
 * The events are test/support/aws-samples.ts's, shaped as AWS documents them: EventBridge's
 * "AWS API Call via CloudTrail" events with CloudTrail's `userIdentity` of a role's session, an IAM
 * user, the root user and an AWS service, each API's request parameters as its API reference names
 * them, CodePipeline's "... Execution State Change" events and CodeBuild's "CodeBuild Build State Change". Accounts, regions, pipelines, projects and
 * the callers' roles (paths included) are the synthesized app's, as its cloud assembly deploys
 * them; the other callers, pipelines and projects are ones no rule knows of.
 */
const { reference, template, resources } = referenceTooling();
const toolingStack = cdk.Stack.of(reference.pipeline);
const tooling = artifactOf(toolingStack);
const TOOLING = { account: tooling.environment.account, region: tooling.environment.region };
const deployed = (value: unknown) => resolve(value, template, TOOLING);

/** The logical id of the one resource whose id starts with `prefix`. */
function idOf(prefix: string): string {
  const ids = resources.map(([id]) => id).filter(id => id.startsWith(prefix) && /^[A-F0-9]{8}$/.test(id.slice(prefix.length)));
  if (ids.length !== 1) throw new Error(`${ids.length} resources named ${prefix}…: ${ids.join(', ')}`);
  return ids[0];
}
const rules: Record<string, unknown> = Object.fromEntries(resources
  .filter(([id, r]) => r.Type === 'AWS::Events::Rule' && (id.startsWith('DeliveryDetections') || id.startsWith('DeliveryDeliveryEvents')))
  .map(([id, r]) => [id, deployed(r.Properties.EventPattern)]));
const rule = (name: string) => idOf(`DeliveryDetections${name}`);
const roleArn = (prefix: string) => deployed({ 'Fn::GetAtt': [idOf(prefix), 'Arn'] });
const name = (prefix: string) => deployed({ Ref: idOf(prefix) });
/** A role the reference app names by its construct id in the tooling stack, as deployed. */
const appRole = (id: string) => deployed(toolingStack.resolve((toolingStack.node.findChild(id) as iam.IRole).roleArn));
const apiCall = (source: string, eventName: string, userIdentity: UserIdentity, requestParameters: unknown, errorCode?: string) =>
  cloudTrailApiCall(TOOLING, source, eventName, userIdentity, requestParameters, errorCode);
const { session, user, service } = callers;
const root = callers.root(TOOLING.account);

const mainPipeline = name('DeliveryPipelineDefinition');
const hotfixPipeline = name('DeliveryHotfixPipelineDefinition');
// The approvers the reference app names; an administrator and an IAM user it does not know of.
const releaseManagers = appRole('ReleaseManagers');
const onCall = appRole('OnCall');
const admin = `arn:aws:iam::${TOOLING.account}:role/Admin`;
const alice = user(`arn:aws:iam::${TOOLING.account}:user/Alice`);
const approval = (pipelineName: string, stageName: string, actionName: string) => ({
  pipelineName, stageName, actionName, result: { summary: 'Looks good', status: 'Approved' }, token: uuidOf(`approval of ${pipelineName}/${stageName}/${actionName}`),
});
const prodDeploy = name('DeliveryPipelineDefinitionProdDeploy');
const synthProject = name('DeliveryPipelineDefinitionBuildSynthCdkBuildProject');
const buildActionRole = roleArn('DeliveryPipelineCodeBuildActionRole');
const batchRole = roleArn('DeliveryPipelineDefinitionProdDeployBatchServiceRole');
// The role CloudFormation deploys the tooling stack with, as its manifest names it.
const selfUpdate = deployedIn(TOOLING, tooling.cloudFormationExecutionRoleArn!);
const prodReview = rule('PipelineDefinitionProdReview');
const hotfixProdReview = rule('HotfixPipelineDefinitionProdReview');
const hotfixSignOff = rule('HotfixPipelineDefinitionHotfixSignOff');
const started = rule('BuildStartedElsewhere');
const retried = rule('BuildRetriedElsewhere');
const pipelineChanged = rule('PipelineChangedElsewhere');
const projectChanged = rule('ProjectChangedElsewhere');
const codepipeline = 'aws.codepipeline';
const codebuild = 'aws.codebuild';
const prodDeployArn = deployed({ 'Fn::GetAtt': [idOf('DeliveryPipelineDefinitionProdDeploy'), 'Arn'] });

// The record of the lanes' deliveries: their runs' state changes and their builds'.
const runsRecorded = idOf('DeliveryDeliveryEventsPipelineRuns');
const buildsRecorded = idOf('DeliveryDeliveryEventsBuilds');
const featurePipeline = name('DeliveryFeatureLaneDeployPipeline');
const featureProject = name('DeliveryFeatureLaneDeployProject');
const selfUpdateProject = name('DeliveryPipelineUpdatePipelineSelfMutation');
const execution = uuidOf('a run of the main pipeline');
const change = (pipeline: string, state: string, at?: { stage: string; action?: string }) => codePipelineStateChange(TOOLING, {
  pipeline,
  executionId: execution,
  state,
  ...at?.stage ? { stage: at.stage } : {},
  ...at?.action ? { action: at.action, type: { owner: 'AWS', provider: 'CodeBuild', category: 'Build', version: 1 } } : {},
} as any);
const toolingProject = (logicalIdPrefix: string) => template.Resources[idOf(logicalIdPrefix)];
const toolingBuild = (logicalIdPrefix: string, status: string) =>
  codeBuildStateChange(TOOLING, toolingProject(logicalIdPrefix), name(logicalIdPrefix), status);

// The bootstrap clean-up of the environment that holds the account's, its project and failure rule as deployed there.
const holder = reference.environments.find(e => e.bootstrapCleanup)!;
const cleanupStack = cdk.Stack.of(holder.bootstrapCleanup!);
const cleanupArtifact = artifactOf(cleanupStack);
const cleanupTemplate = cleanupArtifact.template;
const cleanupWhere = { account: cleanupArtifact.environment.account, region: cleanupArtifact.environment.region };
const cleanupProjectId = cleanupStack.getLogicalId(holder.bootstrapCleanup!.project.node.defaultChild as cdk.CfnElement);
const cleanupProject = resolve({ Ref: cleanupProjectId }, cleanupTemplate, cleanupWhere);
const cleanupRuleId = cleanupStack.getLogicalId(holder.bootstrapCleanup!.node.findChild('Failed').node.defaultChild as cdk.CfnElement);
const cleanupFailed = `${cleanupStack.stackName}/${cleanupRuleId}`;
rules[cleanupFailed] = resolve(cleanupTemplate.Resources[cleanupRuleId].Properties.EventPattern, cleanupTemplate, cleanupWhere);
const cleanupBuild = (project: string, status: string) =>
  codeBuildStateChange(cleanupWhere, cleanupTemplate.Resources[cleanupProjectId], project, status);

const cases = [
  // Approvals: only the named approvers, of that very approval.
  ['a release manager approves Prod', apiCall(codepipeline, 'PutApprovalResult', session(releaseManagers), approval(mainPipeline, 'Prod', 'Review')), []],
  ['an administrator approves Prod', apiCall(codepipeline, 'PutApprovalResult', session(admin), approval(mainPipeline, 'Prod', 'Review')), [prodReview]],
  ['an administrator tries to approve Prod and is refused', apiCall(codepipeline, 'PutApprovalResult', session(admin), approval(mainPipeline, 'Prod', 'Review'), 'AccessDenied'), [prodReview]],
  ['an IAM user approves Prod', apiCall(codepipeline, 'PutApprovalResult', alice, approval(mainPipeline, 'Prod', 'Review')), [prodReview]],
  ['the root user approves Prod', apiCall(codepipeline, 'PutApprovalResult', root, approval(mainPipeline, 'Prod', 'Review')), [prodReview]],
  ['on-call approves the hotfix sign-off', apiCall(codepipeline, 'PutApprovalResult', session(onCall), approval(hotfixPipeline, 'Hotfix', 'SignOff')), []],
  ['on-call approves the hotfix lane\'s Prod review', apiCall(codepipeline, 'PutApprovalResult', session(onCall), approval(hotfixPipeline, 'Prod', 'Review')), [hotfixProdReview]],
  ['a release manager approves the hotfix lane\'s Prod review', apiCall(codepipeline, 'PutApprovalResult', session(releaseManagers), approval(hotfixPipeline, 'Prod', 'Review')), []],
  ['a release manager approves the hotfix sign-off', apiCall(codepipeline, 'PutApprovalResult', session(releaseManagers), approval(hotfixPipeline, 'Hotfix', 'SignOff')), [hotfixSignOff]],
  ['anyone approves QA\'s sign-off, which names no approvers', apiCall(codepipeline, 'PutApprovalResult', alice, approval(mainPipeline, 'QA', 'SignOff')), []],
  ['an administrator approves another app\'s pipeline', apiCall(codepipeline, 'PutApprovalResult', session(admin), approval('other-app', 'Prod', 'Review')), []],

  // Builds: started and retried by the pipelines' own roles only.
  ['the pipeline starts the Prod deploy', apiCall(codebuild, 'StartBuildBatch', session(buildActionRole, '1733047000000'), { projectName: prodDeploy }), []],
  ['CodeBuild starts a build of the Prod deploy batch', apiCall(codebuild, 'StartBuild', session(batchRole, 'AWSCodeBuild-1f2e3d4c'), { projectName: prodDeploy }), []],
  ['an administrator starts the Prod deploy with a buildspec override', apiCall(codebuild, 'StartBuildBatch', session(admin), { projectName: prodDeploy, buildspecOverride: 'version: 0.2' }), [started]],
  ['an IAM user starts the Prod deploy by its ARN', apiCall(codebuild, 'StartBuild', alice, { projectName: prodDeployArn }), [started]],
  ['an administrator starts the synth project', apiCall(codebuild, 'StartBuild', session(admin), { projectName: synthProject }), [started]],
  ['an administrator starts another team\'s project', apiCall(codebuild, 'StartBuild', session(admin), { projectName: 'other-team-build' }), []],
  ['CodePipeline, as a service, starts the Prod deploy', apiCall(codebuild, 'StartBuild', service('codepipeline.amazonaws.com'), { projectName: prodDeploy }), []],
  ['an administrator retries a Prod deploy batch', apiCall(codebuild, 'RetryBuildBatch', session(admin), { id: `${prodDeploy}:${uuidOf('a Prod deploy batch')}` }), [retried]],
  ['an IAM user retries a Prod deploy build by its ARN', apiCall(codebuild, 'RetryBuild', alice, { id: `${prodDeployArn.replace(':project/', ':build/')}:${uuidOf('a Prod deploy build')}` }), [retried]],
  ['the pipeline retries a Prod deploy batch', apiCall(codebuild, 'RetryBuildBatch', session(buildActionRole), { id: `${prodDeploy}:${uuidOf('a Prod deploy batch')}` }), []],

  // Definitions: changed by the self-update (CloudFormation with the CDK bootstrap's execution role) only.
  ['the self-update changes the main pipeline', apiCall(codepipeline, 'UpdatePipeline', session(selfUpdate, 'AWSCloudFormation'), { pipeline: { name: mainPipeline } }), []],
  ['an administrator changes the main pipeline', apiCall(codepipeline, 'UpdatePipeline', session(admin), { pipeline: { name: mainPipeline } }), [pipelineChanged]],
  ['an IAM user changes the hotfix lane', apiCall(codepipeline, 'UpdatePipeline', alice, { pipeline: { name: hotfixPipeline } }), [pipelineChanged]],
  ['the self-update changes the Prod deploy project', apiCall(codebuild, 'UpdateProject', session(selfUpdate, 'AWSCloudFormation'), { name: prodDeploy }), []],
  ['an administrator changes the Prod deploy project', apiCall(codebuild, 'UpdateProject', session(admin), { name: prodDeploy }), [projectChanged]],
  ['an administrator changes the synth project', apiCall(codebuild, 'UpdateProject', session(admin), { name: synthProject }), [projectChanged]],

  // The record of deliveries: every state change of the main pipeline's and the hotfix lane's runs, and of their builds.
  ['the main pipeline starts a run', change(mainPipeline, 'STARTED'), [runsRecorded]],
  ['the main pipeline\'s Prod stage succeeds', change(mainPipeline, 'SUCCEEDED', { stage: 'Prod' }), [runsRecorded]],
  ['the hotfix lane\'s Prod deploy fails', change(hotfixPipeline, 'FAILED', { stage: 'Prod', action: 'Deploy' }), [runsRecorded]],
  ['a run of the rollback of Prod starts', codePipelineStateChange(TOOLING, {
    pipeline: mainPipeline,
    executionId: uuidOf('a rollback'),
    state: 'STARTED',
    trigger: { 'trigger-type': 'AutomatedRollback', 'trigger-detail': execution },
  }), [runsRecorded]],
  ['a feature lane\'s run succeeds', change(featurePipeline, 'SUCCEEDED'), []],
  ['another app\'s pipeline starts a run', change('other-app', 'STARTED'), []],
  ['the Prod deploy\'s build succeeds', toolingBuild('DeliveryPipelineDefinitionProdDeploy', 'SUCCEEDED'), [buildsRecorded]],
  ['the synth\'s build starts', toolingBuild('DeliveryPipelineDefinitionBuildSynthCdkBuildProject', 'IN_PROGRESS'), [buildsRecorded]],
  ['the self-update\'s build fails', codeBuildStateChange(TOOLING, toolingProject('DeliveryPipelineUpdatePipelineSelfMutation'), selfUpdateProject, 'FAILED'), [buildsRecorded]],
  ['a feature lane\'s build succeeds', codeBuildStateChange(TOOLING, toolingProject('DeliveryFeatureLaneDeployProject'), featureProject, 'SUCCEEDED'), []],
  ['another team\'s build in the tooling account succeeds', codeBuildStateChange(TOOLING, toolingProject('DeliveryPipelineDefinitionProdDeploy'), 'other-team-build', 'SUCCEEDED'), []],

  // The bootstrap clean-up: a run that did not succeed notifies, and nothing else does.
  ['the bootstrap clean-up\'s run fails', cleanupBuild(cleanupProject, 'FAILED'), [cleanupFailed]],
  ['the bootstrap clean-up\'s run faults', cleanupBuild(cleanupProject, 'FAULT'), [cleanupFailed]],
  ['the bootstrap clean-up\'s run times out', cleanupBuild(cleanupProject, 'TIMED_OUT'), [cleanupFailed]],
  ['the bootstrap clean-up\'s run is stopped', cleanupBuild(cleanupProject, 'STOPPED'), [cleanupFailed]],
  ['the bootstrap clean-up\'s run succeeds', cleanupBuild(cleanupProject, 'SUCCEEDED'), []],
  ['the bootstrap clean-up\'s run starts', cleanupBuild(cleanupProject, 'IN_PROGRESS'), []],
  ['another project\'s run in the account fails', cleanupBuild('other-team-build', 'FAILED'), []],
] as const;

process.stdout.write(JSON.stringify({ rules, cases: cases.map(([caseName, event, matches]) => ({ name: caseName, event, matches })) }, undefined, 1));
