import { referenceTooling } from '../support/pipelines';

/**
 * The record of the reference app's deliveries, in its tooling stack: the lanes' runs and builds,
 * into one log group. What the rules match is judged on events by Event Ruler
 * (test/event-rules/cases.ts); here, what the template holds.
 */
const { resources } = referenceTooling();
const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
const named = (prefix: string) => resources.filter(([id]) => id.startsWith(prefix));
const log = named('DeliveryDeliveryEventsLog').find(([, r]) => r.Type === 'AWS::Logs::LogGroup')!;
const rules = named('DeliveryDeliveryEvents').filter(([, r]) => r.Type === 'AWS::Events::Rule').map(([, r]) => r.Properties);
const pipelineRule = rules.find(r => r.EventPattern.source[0] === 'aws.codepipeline')!;
const buildRule = rules.find(r => r.EventPattern.source[0] === 'aws.codebuild')!;
const pipelineIds = ofType('AWS::CodePipeline::Pipeline').map(([id]) => id);

describe('the delivery record', () => {
  test('is one log group, kept a year and retained, encrypted with the main pipeline\'s artifact key like the build logs', () => {
    expect(log[1].Properties.RetentionInDays).toBe(365);
    expect(log[1].DeletionPolicy).toBe('Retain');
    const buildLogs = named('DeliveryBuildLogs').find(([, r]) => r.Type === 'AWS::Logs::LogGroup')![1];
    expect(log[1].Properties.KmsKeyId).toEqual(buildLogs.Properties.KmsKeyId);
  });

  test('holds every state change of the main pipeline\'s and the hotfix lane\'s runs, stages and actions, not the feature lanes\'', () => {
    expect(pipelineRule.EventPattern).toEqual({
      'source': ['aws.codepipeline'],
      'detail-type': ['CodePipeline Pipeline Execution State Change', 'CodePipeline Stage Execution State Change', 'CodePipeline Action Execution State Change'],
      'detail': { pipeline: [{ Ref: expect.stringMatching(/^DeliveryPipelineDefinition[0-9A-F]{8}$/) }, { Ref: expect.stringMatching(/^DeliveryHotfixPipelineDefinition[0-9A-F]{8}$/) }] },
    });
    // The feature lanes' two pipelines are the others.
    const recorded = pipelineRule.EventPattern.detail.pipeline.map((p: any) => p.Ref);
    expect(pipelineIds.filter(id => !recorded.includes(id)).every(id => id.startsWith('DeliveryFeatureLane'))).toBe(true);
    expect(pipelineIds).toHaveLength(4);
  });

  test('holds every state change of the lanes\' builds: the jobs\' projects by their names\' prefix, CDK Pipelines\' synth and self-update by name', () => {
    const projects: any[] = buildRule.EventPattern.detail['project-name'];
    expect(projects[0]).toEqual({ prefix: 'Tooling-Delivery-' });
    const byName = projects.slice(1).map(p => p.Ref).sort();
    const expected = ofType('AWS::CodeBuild::Project').map(([id, r]) => [id, r.Properties.Name])
      .filter(([id, name]) => !name && !id.startsWith('DeliveryFeatureLane')).map(([id]) => id).sort();
    expect(byName).toEqual(expected);
    expect(byName.some(id => id.includes('SelfMutation'))).toBe(true);
    expect(byName.filter(id => id.includes('BuildSynth'))).toHaveLength(2);
    // Every job project's name starts with the prefix.
    expect(ofType('AWS::CodeBuild::Project').map(([, r]) => r.Properties.Name).filter(n => typeof n === 'string').every(n => n.startsWith('Tooling-Delivery-'))).toBe(true);
  });

  test('the rules write into the log group, which lets EventBridge, and only EventBridge, write into it', () => {
    for (const rule of [pipelineRule, buildRule]) {
      expect(rule.Targets).toEqual([{
        Arn: { 'Fn::Join': ['', ['arn:aws:logs:eu-west-1:999999999999:log-group:', { Ref: log[0] }]] },
        Id: 'Target0',
      }]);
    }
    const policies = ofType('AWS::Logs::ResourcePolicy').map(([, r]) => r.Properties.PolicyDocument);
    expect(policies).toHaveLength(1);
    expect(JSON.parse(JSON.stringify(policies[0]))).toEqual({
      'Fn::Join': ['', [
        '{"Statement":[{"Action":["logs:CreateLogStream","logs:PutLogEvents"],"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Resource":"',
        { 'Fn::GetAtt': [log[0], 'Arn'] },
        '"}],"Version":"2012-10-17"}',
      ]],
    });
  });
});
