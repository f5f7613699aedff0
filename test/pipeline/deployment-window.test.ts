import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DeploymentWindow, EnvironmentTier } from '../../src';
import { environment } from '../support/environments';
import { newPipeline, stagesOf } from '../support/pipelines';

/** Dev, QA, Staging, Prod and Hotfix; Prod (and, where given, the other options) with a deployment window. */
function pipelineWith(prodOptions: { deploymentWindow?: DeploymentWindow; tier?: EnvironmentTier } = {}) {
  const app = new cdk.App();
  const pipeline = newPipeline(app);
  const tooling = cdk.Stack.of(pipeline);
  const managers = iam.Role.fromRoleName(tooling, 'Managers', 'release-managers');
  let range = 0;
  const env = (tier: EnvironmentTier, region = 'eu-west-1') => environment(app, tier, {
    environmentName: `${tier.name}-${region}`, region, availabilityZones: [`${region}a`, `${region}b`, `${region}c`], cidr: `10.${range++}.0.0/16`,
  });
  pipeline.addEnvironment(env(EnvironmentTier.DEV));
  pipeline.addEnvironment(env(EnvironmentTier.QA));
  pipeline.addEnvironment(env(EnvironmentTier.STAGING));
  const tier = prodOptions.tier ?? EnvironmentTier.PROD;
  const prod = [env(tier, 'eu-west-1'), env(tier, 'us-east-1')];
  pipeline.addWave('Prod', prod, { pilot: [prod[0]], approvers: [managers], bakeAlarmNames: ['errors'], deploymentWindow: prodOptions.deploymentWindow });
  pipeline.addEnvironment(env(EnvironmentTier.HOTFIX), { approvers: [managers] });
  const json = Template.fromStack(tooling).toJSON();
  const definition = (prefix: string) => Object.entries<any>(json.Resources)
    .find(([id, r]) => r.Type === 'AWS::CodePipeline::Pipeline' && id.startsWith(prefix))![1].Properties;
  const stages = stagesOf(json);
  const ids = Object.keys(stages);
  return {
    json,
    main: stages[ids.find(id => id.startsWith('DeliveryPipelineDefinition'))!],
    hotfix: stages[ids.find(id => id.startsWith('DeliveryHotfixPipelineDefinition'))!],
    stage: (name: string, prefix = 'DeliveryPipelineDefinition') => definition(prefix).Stages.find((s: any) => s.Name === name),
  };
}

const BERLIN_WORKING_HOURS = {
  Conditions: [{
    Result: 'FAIL',
    Rules: [{
      Name: 'DeploymentWindow',
      RuleTypeId: { Category: 'Rule', Owner: 'AWS', Provider: 'DeploymentWindow', Version: '1' },
      Configuration: { Cron: '* * 9-15 ? * MON-FRI *', TimeZone: 'Europe/Berlin' },
    }],
  }],
};

describe('a deployment window', () => {
  test('is none by default: no stage has an entry condition, and the review\'s approval shares its stage with the deploy', () => {
    const { json, main } = pipelineWith();
    const stages = Object.values<any>(json.Resources).filter(r => r.Type === 'AWS::CodePipeline::Pipeline').flatMap(r => r.Properties.Stages);
    expect(stages.filter(s => s.BeforeEntry)).toEqual([]);
    expect(main['prod-eu-west-1']).toEqual(['Review[Approval/1]', 'Deploy[Build/2]', 'TestsAfter[Build/2]']);
  });

  const windowed = pipelineWith({ deploymentWindow: DeploymentWindow.weekdays(9, 16, 'Europe/Berlin') });

  test('holds every deploy of the wave at its stage\'s entry until the window opens, weekdays 09:00 to 16:00 in the given time zone', () => {
    expect(windowed.stage('prod-eu-west-1').BeforeEntry).toEqual(BERLIN_WORKING_HOURS);
    expect(windowed.stage('prod-us-east-1').BeforeEntry).toEqual(BERLIN_WORKING_HOURS);
    // The bake period (with its rollback) stays where the deploys are.
    expect(windowed.stage('prod-eu-west-1').OnSuccess.Conditions[0].Result).toBe('ROLLBACK');
  });

  test('does not hold back the review and its approval: they are a stage of their own before the deploys, which a release manager can approve at any hour', () => {
    expect(Object.keys(windowed.main)).toEqual(['Source', 'Build', 'UpdatePipeline', 'dev-eu-west-1', 'qa-eu-west-1', 'staging-eu-west-1', 'Prod-Approval', 'prod-eu-west-1', 'prod-us-east-1']);
    // The review itself ran beside Staging's deploy.
    expect(windowed.main['Prod-Approval']).toEqual(['Review[Approval/1]']);
    expect(windowed.main['staging-eu-west-1']).toContain('Review-Prod[Build/2]');
    expect(windowed.main['prod-eu-west-1']).toEqual(['Deploy[Build/1]', 'TestsAfter[Build/1]']);
    expect(windowed.stage('Prod-Approval').BeforeEntry).toBeUndefined();
    // The approvers may approve the review where it now is.
    const grants = Object.values<any>(windowed.json.Resources).filter(r => r.Type === 'AWS::IAM::Policy')
      .flatMap(r => r.Properties.PolicyDocument.Statement).filter((s: any) => s.Action === 'codepipeline:PutApprovalResult');
    expect(JSON.stringify(grants)).toContain('/Prod-Approval/Review');
  });

  test('leaves the other tiers\' stages and the hotfix lane alone: an emergency fix does not wait for the window', () => {
    for (const name of ['dev-eu-west-1', 'qa-eu-west-1', 'staging-eu-west-1']) expect(windowed.stage(name).BeforeEntry).toBeUndefined();
    expect(Object.keys(windowed.hotfix)).toEqual(['Source', 'Build', 'hotfix-eu-west-1', 'prod-eu-west-1', 'prod-us-east-1']);
    for (const name of ['prod-eu-west-1', 'prod-us-east-1']) expect(windowed.stage(name, 'DeliveryHotfixPipelineDefinition').BeforeEntry).toBeUndefined();
  });

  test('can come from a tier of one\'s own, in CodePipeline\'s cron form', () => {
    const tier = EnvironmentTier.custom({
      name: 'regulated-prod', basedOn: EnvironmentTier.PROD, deploymentWindow: DeploymentWindow.cron('* * 6-7 ? * TUE#1 *', 'UTC'),
    });
    const { stage } = pipelineWith({ tier });
    expect(stage('regulated-prod-us-east-1').BeforeEntry.Conditions[0].Rules[0].Configuration).toEqual({ Cron: '* * 6-7 ? * TUE#1 *', TimeZone: 'UTC' });
  });
});
