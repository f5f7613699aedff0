import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { EnvironmentTier } from '../../src';
import { renderValue } from '../../src/validation/private/template-values';
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
    const actions = setup.mainDefinition.Stages.find((s: any) => s.Name === 'Dev').Actions.filter((a: any) => a.Name.endsWith('SmokeTests'));
    const variables = actions.map((a: any) => Object.fromEntries(JSON.parse(renderValue(a.Configuration.EnvironmentVariables))
      .map((v: any) => [v.name, v.value])));
    expect(variables.map((v: any) => [v.ENVIRONMENT_NAME, v.TARGET_REGION])).toEqual([['dev-eu-west-1', 'eu-west-1'], ['dev-us-east-1', 'us-east-1']]);
  });

  test('runs each kind of test of a wave in one CodeBuild project, whose role may assume the deployment role of each environment of the wave and no other', () => {
    const resources = setup.template.toJSON().Resources;
    const actions = setup.mainDefinition.Stages.find((s: any) => s.Name === 'Dev').Actions.filter((a: any) => a.Name.endsWith('SmokeTests'));
    const projects = new Set(actions.map((a: any) => a.Configuration.ProjectName.Ref));
    expect(projects.size).toBe(1);
    const [project] = [...projects] as string[];
    expect(JSON.parse(resources[project].Properties.Source.BuildSpec)).toEqual({ version: '0.2', phases: { build: { commands: ['./scripts/test SMOKE'] } } });
    const role = resources[project].Properties.ServiceRole['Fn::GetAtt'][0];
    const policy = Object.values<any>(resources).find(r => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === role));
    const assumed = policy.Properties.PolicyDocument.Statement.filter((st: any) => st.Action === 'sts:AssumeRole')
      .flatMap((st: any) => [st.Resource].flat()).map((r: any) => r['Fn::Join'][1].slice(-1)[0]);
    expect(assumed).toEqual([':iam::111111111111:role/shop-dev-eu-west-1-deployment', ':iam::111111111111:role/shop-dev-us-east-1-deployment']);
    // One project per kind of step and wave: Dev's smoke tests; QA's integration and performance; Staging's three kinds;
    // Prod's smoke tests; Demo's data seed and smoke tests (in the main pipeline), the hotfix lane's Prod smoke tests.
    const waveProjects = Object.keys(resources).filter(id => resources[id].Type === 'AWS::CodeBuild::Project' && /^Delivery(Main|Hotfix)(?!Pipeline)/.test(id));
    expect(waveProjects).toHaveLength(1 + 2 + 3 + 1 + 2 + 1);
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

describe('a wave larger than a pipeline stage holds', () => {
  test('CDK Pipelines splits it into stages of at most 50 actions, run one after another; each part is retried', () => {
    const app = new cdk.App();
    const regions = ['eu-west-1', 'eu-central-1', 'us-east-1', 'us-west-2', 'eu-west-2', 'eu-north-1', 'ap-southeast-2', 'ap-south-1'];
    const dev = regions.map((region, i) => {
      const env = environment(app, EnvironmentTier.DEV, {
        environmentName: `dev-${region}`, region, availabilityZones: ['a', 'b', 'c'].map(zone => `${region}${zone}`), cidr: `10.${i}.0.0/16`,
      });
      new cdk.Stack(env, 'Workload').addDependency(env.foundation);
      return env;
    });
    const pipeline = newPipeline(app);
    pipeline.addWave('Dev', dev);
    const definition = Object.values<any>(Template.fromStack(cdk.Stack.of(pipeline)).toJSON().Resources)
      .find(r => r.Type === 'AWS::CodePipeline::Pipeline').Properties;
    const parts = definition.Stages.filter((s: any) => s.Name.startsWith('Dev'));
    // Eight environments, three stacks each deployed in two actions, and a smoke test: 56 actions.
    expect(parts.map((s: any) => s.Name)).toEqual(['Dev.1', 'Dev.2']);
    expect(parts.reduce((sum: number, s: any) => sum + s.Actions.length, 0)).toBe(56);
    expect(parts.every((s: any) => s.Actions.length <= 50)).toBe(true);
    for (const part of parts) expect(part.OnFailure).toEqual({ Result: 'RETRY', RetryConfiguration: { RetryMode: 'FAILED_ACTIONS' } });
  });
});
