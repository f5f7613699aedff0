import * as cdk from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { FEATURE_FLAGS } from '../../examples/feature-flags';
import { EnvironmentTier, MultiEnvPipeline, PipelineSource } from '../../src';
import { artifactOf } from '../support/aws-samples';
import { decide, deployedRole, resolve } from '../support/deployed-policies';
import { environment } from '../support/environments';
import { ALL_TESTS, CONNECTION_ARN, referenceTooling } from '../support/pipelines';

/**
 * The detection rules' shape and what they rest on. Which CloudTrail events each rule matches is
 * judged by Event Ruler, the matching EventBridge runs (test/event-rules/run.sh, in test:all).
 */
const { reference, template, resources } = referenceTooling();
/** The tooling stack as its cloud assembly deploys it: its account and region, the role CloudFormation deploys it with. */
const toolingArtifact = artifactOf(cdk.Stack.of(reference.pipeline));
const TOOLING = { account: toolingArtifact.environment.account, region: toolingArtifact.environment.region };
const detections = resources.filter(([id, r]) => r.Type === 'AWS::Events::Rule' && id.startsWith('DeliveryDetections'));
const apiCalls = resources.filter(([, r]) => r.Type === 'AWS::Events::Rule' && r.Properties.EventPattern?.['detail-type']?.[0] === 'AWS API Call via CloudTrail');

describe('detection rules', () => {
  test('one rule per approval that names approvers, and one each for builds started, builds retried, pipelines and projects changed; every rule on CloudTrail\'s API calls is one of them', () => {
    const approvals = detections.filter(([, r]) => r.Properties.EventPattern.detail.eventName[0] === 'PutApprovalResult')
      .map(([, r]) => r.Properties.EventPattern.detail.requestParameters).map(p => `${p.pipelineName[0].Ref}/${p.stageName[0]}/${p.actionName[0]}`);
    // The guardrail denies each of those approvals to everyone else: the same list.
    const guardrail = resources.find(([id, r]) => r.Type === 'AWS::IAM::ManagedPolicy' && id.startsWith('DeliveryGuardrail'))![1];
    const denied = guardrail.Properties.PolicyDocument.Statement.filter((s: any) => s.Action === 'codepipeline:PutApprovalResult')
      .flatMap((s: any) => [resolve(s.Resource, template, TOOLING)].flat()).map((arn: string) => arn.replace(`arn:aws:codepipeline:${TOOLING.region}:${TOOLING.account}:`, ''));
    expect(approvals.map(a => resolve({ Ref: a.split('/')[0] }, template, TOOLING) + a.slice(a.indexOf('/'))).sort()).toEqual(denied.sort());
    expect(approvals.sort()).toEqual([
      'DeliveryHotfixPipelineDefinitionFA7E86D8/Hotfix/SignOff', 'DeliveryHotfixPipelineDefinitionFA7E86D8/Prod/Review', 'DeliveryPipelineDefinitionC95BCD30/Prod/Review',
    ]);
    expect(detections.map(([, r]) => r.Properties.EventPattern.detail.eventName.join('+')).filter(n => n !== 'PutApprovalResult').sort())
      .toEqual(['RetryBuild+RetryBuildBatch', 'StartBuild+StartBuildBatch', 'UpdatePipeline', 'UpdateProject']);
    expect(apiCalls.map(([id]) => id).sort()).toEqual(detections.map(([id]) => id).sort());
  });

  test('each tells the pipeline\'s notification topic', () => {
    const topic = cdk.Stack.of(reference.pipeline).resolve((reference.pipeline.notificationTopic as any).topicArn);
    for (const [, rule] of detections) expect(rule.Properties.Targets).toEqual([expect.objectContaining({ Arn: topic })]);
  });

  test('each pattern, as deployed, within EventBridge\'s 2,048 characters, and the same size at any number of environments', () => {
    const sizes = detections.map(([, r]) => JSON.stringify(resolve(r.Properties.EventPattern, template, TOOLING)).length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2048);
    // The projects are named by the prefix they share (the jobs'), and the few others by name: no list grows with the environments.
    const builds = detections.find(([, r]) => r.Properties.EventPattern.detail.eventName[0] === 'StartBuild')![1];
    expect(builds.Properties.EventPattern.detail.requestParameters.projectName).toHaveLength(2 + 5);
  });

  test('the roles that start the pipelines\' builds, and only those of the tooling stack, are on the pipeline path the rules name', async () => {
    const prodDeploy = resources.find(([, r]) => r.Type === 'AWS::CodeBuild::Project' && r.Properties.Name === 'Tooling-Delivery-Prod-Deploy')!;
    const projectArn = resolve({ 'Fn::GetAtt': [prodDeploy[0], 'Arn'] }, template, TOOLING);
    const startBuild = resolve(detections.find(([, r]) => r.Properties.EventPattern.detail.eventName[0] === 'StartBuild')![1].Properties.EventPattern, template, TOOLING);
    const pathPrefix = startBuild.detail.$or[0].userIdentity.sessionContext.sessionIssuer.arn[0]['anything-but'].prefix;
    expect(pathPrefix).toBe(`arn:aws:iam::${TOOLING.account}:role/cdk-multi-env/shop/pipeline/`);
    const starters: string[] = [];
    for (const [id] of resources.filter(([, r]) => r.Type === 'AWS::IAM::Role')) {
      const role = deployedRole(template, id, TOOLING);
      for (const action of ['codebuild:StartBuild', 'codebuild:StartBuildBatch', 'codebuild:RetryBuild', 'codebuild:RetryBuildBatch']) {
        if (await decide({ principal: role.arn, action, resource: projectArn, resourceAccount: TOOLING.account }, role.policies) === 'Allowed') {
          starters.push(`${action} ${role.arn.replace(/[A-F0-9]{8}$/, '')}`);
        }
      }
    }
    // The action role CodePipeline assumes to start the batch, and the batch's own role, which starts (and retries) its builds.
    expect(starters.sort()).toEqual([
      `codebuild:RetryBuild ${pathPrefix}DeliveryPipelineDefinitionProdDeployBatchServiceRole`,
      `codebuild:StartBuild ${pathPrefix}DeliveryPipelineDefinitionProdDeployBatchServiceRole`,
      `codebuild:StartBuildBatch ${pathPrefix}DeliveryPipelineCodeBuildActionRole`,
    ]);
  });

  test('a change is the self-update\'s when the CDK bootstrap\'s execution role of the tooling stack makes it, its partition filled in by CloudFormation', () => {
    const changes = detections.filter(([, r]) => r.Properties.EventPattern.detail.eventName[0].startsWith('Update'));
    for (const [, rule] of changes) {
      expect(rule.Properties.EventPattern.detail.$or[0].userIdentity.sessionContext.sessionIssuer.arn).toEqual([{
        'anything-but': [{ 'Fn::Sub': toolingArtifact.cloudFormationExecutionRoleArn }],
      }]);
    }
  });

  test('with a synthesizer that has no execution role, the tooling stack warns that no change is detected, and still detects approvals and builds', () => {
    const other = new cdk.App({ context: FEATURE_FLAGS });
    const tooling = new cdk.Stack(other, 'Tooling', { env: { account: '999999999999', region: 'eu-west-1' }, synthesizer: new cdk.CliCredentialsStackSynthesizer() });
    const pipeline = new MultiEnvPipeline(tooling, 'Delivery', { source: PipelineSource.connection('acme/shop', { connectionArn: CONNECTION_ARN }), tests: ALL_TESTS });
    pipeline.addEnvironment(environment(other, EnvironmentTier.PROD), { approvers: [iam.Role.fromRoleName(tooling, 'Approvers', 'approvers')], bakeAlarmNames: ['errors'] });
    other.synth();
    Annotations.fromStack(tooling).hasWarning('/Tooling/Delivery', Match.stringLikeRegexp('nothing tells when a pipeline or a build project is changed'));
    const names = Object.values<any>(Template.fromStack(tooling).findResources('AWS::Events::Rule'))
      .map(r => r.Properties.EventPattern.detail?.eventName?.[0]).filter(Boolean).sort();
    expect(names).toEqual(['PutApprovalResult', 'RetryBuild', 'StartBuild']);
  });
});
