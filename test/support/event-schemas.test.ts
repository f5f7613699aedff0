import { codePipelineStateChange } from './aws-samples';
import { schemaProblems } from './event-schemas';

const where = { account: '999999999999', region: 'eu-west-1' };
const run = { pipeline: 'Tooling-Delivery', executionId: '3137f7cb-7cf7-4d7b-a6a1-6b5c1e9e2c3a' };

describe('the CodePipeline event samples hold AWS\'s EventBridge schemas', () => {
  test('a run, a rollback\'s run, a stage and an action', () => {
    for (const event of [
      codePipelineStateChange(where, { ...run, state: 'STARTED' }),
      codePipelineStateChange(where, { ...run, state: 'STARTED', trigger: { 'trigger-type': 'AutomatedRollback', 'trigger-detail': '' } }),
      codePipelineStateChange(where, { ...run, state: 'SUCCEEDED', stage: 'Prod' }),
      codePipelineStateChange(where, { ...run, state: 'STARTED', stage: 'Prod', action: 'Review', type: { owner: 'AWS', provider: 'Manual', category: 'Approval', version: 1 } }),
    ]) expect(schemaProblems(event)).toEqual([]);
  });

  test('a field the schema does not have, a missing one and a value of another type are found', () => {
    const event = codePipelineStateChange(where, { ...run, state: 'SUCCEEDED', stage: 'Prod' });
    const { stage, ...withoutStage } = event.detail as any;
    expect(stage).toBe('Prod');
    expect(schemaProblems({ ...event, detail: { ...withoutStage, executionId: 'x', state: 1 } })).toEqual([
      'detail.stage is missing', 'detail.state is 1; expected a string', 'detail.executionId is not in the schema',
    ]);
    expect(schemaProblems({ ...event, 'detail-type': 'CodePipeline Stage Execution Changed' })).toEqual(['no schema for aws.codepipeline "CodePipeline Stage Execution Changed"']);
  });
});
