import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { EnvironmentTier } from '../../src';
import { environment } from '../support/environments';
import { newPipeline, stagesOf } from '../support/pipelines';

const REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];

/**
 * Every tier in waves: Dev, QA, Staging and Demo in two regions, Prod in three (eu-west-1 its
 * pilot), one Hotfix environment. Each environment has a workload that deploys after its foundation.
 */
function waveSetup() {
  const app = new cdk.App();
  let range = 0;
  const inRegions = (tier: EnvironmentTier, regions: string[]) => regions.map(region => {
    const env = environment(app, tier, {
      environmentName: `${tier.name}-${region}`,
      region,
      availabilityZones: ['a', 'b', 'c'].map(zone => `${region}${zone}`),
      cidr: `10.${range++}.0.0/16`,
    });
    const workload = new cdk.Stack(env, 'Workload');
    workload.addDependency(env.foundation);
    // A file asset, published to the environment's bootstrap bucket.
    new s3assets.Asset(workload, 'Site', { path: path.join(__dirname, '..', 'support') });
    return env;
  });
  const [dev, qa, staging, prod, demo, hotfix] = [
    inRegions(EnvironmentTier.DEV, REGIONS.slice(0, 2)),
    inRegions(EnvironmentTier.QA, REGIONS.slice(0, 2)),
    inRegions(EnvironmentTier.STAGING, REGIONS.slice(0, 2)),
    inRegions(EnvironmentTier.PROD, REGIONS),
    inRegions(EnvironmentTier.DEMO, REGIONS.slice(0, 2)),
    inRegions(EnvironmentTier.HOTFIX, REGIONS.slice(0, 1)),
  ];
  const pipeline = newPipeline(app);
  const tooling = cdk.Stack.of(pipeline);
  const releaseManagers = new iam.Role(tooling, 'ReleaseManagers', { assumedBy: new iam.AccountRootPrincipal() });
  const oncall = new iam.Role(tooling, 'OnCall', { assumedBy: new iam.AccountRootPrincipal() });
  pipeline.addWave('Dev', dev);
  pipeline.addWave('QA', qa);
  pipeline.addWave('Staging', staging);
  pipeline.addWave('Prod', prod, { pilot: [prod[0]], approvers: [releaseManagers], bakeAlarmNames: ['shop-errors'] });
  pipeline.addWave('Demo', demo);
  pipeline.addEnvironment(hotfix[0], { approvers: [oncall] });
  const template = Template.fromStack(tooling);
  const json = template.toJSON();
  const definitions = Object.entries<any>(json.Resources).filter(([, r]) => r.Type === 'AWS::CodePipeline::Pipeline');
  const definition = (part: string) => definitions.find(([id]) => id.includes(part))![1].Properties;
  const stages = stagesOf(json);
  const ids = Object.keys(stages);
  return {
    envs: { dev, qa, staging, prod, demo, hotfix },
    releaseManagers,
    template,
    main: stages[ids.find(id => id.includes('DeliveryPipelineDefinition'))!],
    hotfix: stages[ids.find(id => id.includes('HotfixPipelineDefinition'))!],
    mainDefinition: definition('DeliveryPipelineDefinition'),
    hotfixDefinition: definition('HotfixPipelineDefinition'),
  };
}

const setup = waveSetup();

/** The run order of each action of a stage whose name matches. */
function runOrders(actions: string[], pattern: RegExp): number[] {
  return actions.filter(a => pattern.test(a)).map(a => Number(/\/(\d+)\]$/.exec(a)![1]));
}

describe('a wave', () => {
  test('is one pipeline stage per group: the waves in promotion order, Prod\'s pilot before the rest of Prod', () => {
    expect(Object.keys(setup.main)).toEqual(['Source', 'Build', 'UpdatePipeline', 'Assets', 'Dev', 'QA', 'Staging', 'prod-eu-west-1', 'Prod', 'Demo']);
  });

  test('deploys its environments side by side: the same stack of each environment at the same run order', () => {
    const dev = setup.main.Dev;
    for (const stack of ['Foundation', 'Workload']) {
      const prepares = runOrders(dev, new RegExp(`^dev-(eu-west-1|us-east-1)\\.${stack}\\.Prepare\\[`));
      expect(prepares).toHaveLength(2);
      expect(new Set(prepares).size).toBe(1);
    }
    // And each environment's workload after its own foundation.
    expect(runOrders(dev, /Workload\.Prepare/)[0]).toBeGreaterThan(runOrders(dev, /Foundation\.Deploy/)[0]);
  });

  test('tests each environment side by side after its deploy, with the environment\'s own variables', () => {
    const smoke = setup.main.Dev.filter(a => a.includes('SmokeTests'));
    expect(smoke.map(a => a.replace(/\[.*/, ''))).toEqual(['dev-eu-west-1.SmokeTests', 'dev-us-east-1.SmokeTests']);
    expect(new Set(runOrders(setup.main.Dev, /SmokeTests/)).size).toBe(1);
    const projects = setup.template.toJSON().Resources;
    const regions = setup.mainDefinition.Stages.find((s: any) => s.Name === 'Dev').Actions
      .filter((a: any) => a.Name.endsWith('SmokeTests'))
      .map((a: any) => projects[a.Configuration.ProjectName.Ref].Properties.Environment.EnvironmentVariables.find((v: any) => v.Name === 'TARGET_REGION').Value);
    expect(regions).toEqual(['eu-west-1', 'us-east-1']);
  });

  test('has one sign-off, after every environment of the wave is tested (QA)', () => {
    const qa = setup.main.QA;
    expect(qa.filter(a => a.startsWith('SignOff['))).toEqual([expect.stringMatching(/^SignOff\[Approval\//)]);
    const signOff = runOrders(qa, /^SignOff\[/)[0];
    const tests = runOrders(qa, /(Integration|Performance)Tests\[/);
    expect(tests).toHaveLength(4);
    expect(Math.max(...tests)).toBeLessThan(signOff);
  });

  test('has one approval, after the tests before deploy of every environment and before any deploy (Staging)', () => {
    const staging = setup.main.Staging;
    expect(staging.filter(a => a.includes('[Approval/'))).toEqual([expect.stringMatching(/^Approve\[/)]);
    const approve = runOrders(staging, /^Approve\[/)[0];
    const migrations = staging.filter(a => a.includes('DataMigrationTests'));
    expect(migrations.map(a => a.replace(/\[.*/, ''))).toEqual(['staging-eu-west-1.DataMigrationTests', 'staging-us-east-1.DataMigrationTests']);
    expect(Math.max(...runOrders(staging, /DataMigrationTests/))).toBeLessThan(approve);
    expect(Math.min(...runOrders(staging, /\.Prepare\[/))).toBeGreaterThan(approve);
  });

  test('reviews each stack once per group, for every environment of the group, between their change sets and their execution (Prod)', () => {
    const rest = setup.main.Prod;
    // CDK Pipelines names a step shared by several stacks after the first of them.
    const reviews = rest.filter(a => a.includes('Review-')).map(a => a.replace(/\[.*/, ''));
    expect(reviews).toEqual([
      'prod-us-east-1.Foundation.Review-Foundation',
      'prod-us-east-1.FoundationBackupCopy.Review-FoundationBackupCopy',
      'prod-us-east-1.Monitoring.Review-Monitoring',
      'prod-us-east-1.Workload.Review-Workload',
    ]);
    const foundationReview = runOrders(rest, /Review-Foundation\[/)[0];
    const prepares = runOrders(rest, /\.Foundation\.Prepare\[/);
    const deploys = runOrders(rest, /\.Foundation\.Deploy\[/);
    expect([prepares.length, deploys.length]).toEqual([2, 2]);
    expect(prepares.every(o => o < foundationReview)).toBe(true);
    expect(deploys.every(o => o > foundationReview)).toBe(true);
    const action = setup.mainDefinition.Stages.find((s: any) => s.Name === 'Prod').Actions.find((a: any) => a.Name.endsWith('Review-Foundation'));
    expect(action.Configuration.CustomData).toBe('Review change sets PipelineChange of stacks prod-us-east-1-Foundation in account 444444444444 (us-east-1), '
      + 'prod-ap-southeast-2-Foundation in account 444444444444 (ap-southeast-2) before they are executed');
  });
});

describe('a production wave with a pilot', () => {
  const stage = (name: string) => setup.mainDefinition.Stages.find((s: any) => s.Name === name);

  test('deploys the pilot alone, then the rest of the wave side by side', () => {
    // A group of one environment is named after it, as CDK Pipelines names a stage.
    expect(setup.main['prod-eu-west-1'].filter(a => a.includes('[Deploy/'))).toHaveLength(8);
    expect(setup.main['prod-eu-west-1'].filter(a => /^prod-/.test(a))).toEqual([]);
    const rest = setup.main.Prod.filter(a => a.includes('.Deploy['));
    expect(rest).toHaveLength(8);
    expect(new Set(rest.map(a => a.split('.')[0]))).toEqual(new Set(['prod-us-east-1', 'prod-ap-southeast-2']));
    expect(new Set(runOrders(setup.main.Prod, /\.Foundation\.Deploy\[/)).size).toBe(1);
  });

  test('bakes the pilot, watching its alarm in its own region, and rolls the pilot back when it fires', () => {
    expect(stage('prod-eu-west-1').OnSuccess).toEqual({
      Conditions: [{
        Result: 'ROLLBACK',
        Rules: [{
          Name: 'Bake1',
          RuleTypeId: { Category: 'Rule', Owner: 'AWS', Provider: 'CloudWatchAlarm', Version: '1' },
          Configuration: { AlarmName: 'shop-errors', AlarmStates: 'ALARM', WaitTime: '30' },
          Region: 'eu-west-1',
          RoleArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::444444444444:role/shop-prod-eu-west-1-deployment']] },
        }],
      }],
    });
  });

  test('bakes the rest as one group: the alarm of each environment, in its region, rolls the group back', () => {
    const rules = stage('Prod').OnSuccess.Conditions[0].Rules;
    expect(stage('Prod').OnSuccess.Conditions[0].Result).toBe('ROLLBACK');
    expect(rules.map((r: any) => [r.Name, r.Configuration.AlarmName, r.Region])).toEqual([
      ['Bake1', 'shop-errors', 'us-east-1'],
      ['Bake2', 'shop-errors', 'ap-southeast-2'],
    ]);
  });

  test('the release managers may approve the reviews of both groups, in both lanes, and nothing else', () => {
    const policy = Object.values<any>(setup.template.toJSON().Resources).find(r => r.Type === 'AWS::IAM::Policy'
      && r.Properties.Roles?.some((role: any) => role.Ref?.startsWith('ReleaseManagers')));
    const statements = policy.Properties.PolicyDocument.Statement;
    expect(statements.every((st: any) => st.Action === 'codepipeline:PutApprovalResult')).toBe(true);
    const approvable = statements.flatMap((st: any) => [st.Resource].flat()).map((r: any) => r['Fn::Join'][1].slice(-1)[0]);
    const reviews = ['Foundation', 'FoundationBackupCopy', 'Monitoring', 'Workload'];
    const expected = [
      ...reviews.map(r => `/prod-eu-west-1/${r}.Review-${r}`),
      ...reviews.map(r => `/Prod/prod-us-east-1.${r}.Review-${r}`),
    ];
    // Once for the main pipeline, once for the hotfix lane.
    expect(approvable.sort()).toEqual([...expected, ...expected].sort());
  });
});

describe('the hotfix lane', () => {
  test('deploys the Hotfix environment, then every production group, in the order of the main pipeline', () => {
    expect(Object.keys(setup.hotfix)).toEqual(['Source', 'Build', 'Assets', 'hotfix-eu-west-1', 'prod-eu-west-1', 'Prod']);
  });

  test('reaches each production group through its gates: the review of each stack, and its assets published after them', () => {
    for (const name of ['prod-eu-west-1', 'Prod']) {
      const actions = setup.hotfix[name];
      expect(runOrders(actions, /Review-/)).toHaveLength(4);
      const publish = runOrders(actions, /PublishAssets\[/);
      expect(publish.length).toBeGreaterThan(0);
      // The hotfix sign-off is in the stage before; assets are published before any change set of the group.
      expect(Math.max(...publish)).toBeLessThan(Math.min(...runOrders(actions, /\.Prepare\[/)));
    }
    expect(setup.hotfix['hotfix-eu-west-1']).toContainEqual(expect.stringMatching(/^SignOff\[Approval\//));
  });

  test('bakes each production group as the main pipeline does', () => {
    const stage = (name: string) => setup.hotfixDefinition.Stages.find((s: any) => s.Name === name);
    expect(stage('prod-eu-west-1').OnSuccess.Conditions[0].Rules.map((r: any) => r.Region)).toEqual(['eu-west-1']);
    expect(stage('Prod').OnSuccess.Conditions[0].Rules.map((r: any) => r.Region)).toEqual(['us-east-1', 'ap-southeast-2']);
  });
});
