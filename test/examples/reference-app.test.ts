import * as cdk from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { FEATURE_FLAGS } from '../../examples/feature-flags';
import { fixedMonthlyCost, LIST_PRICES, PRICE_TABLE } from '../../examples/list-prices';
import { mainPipeline, pathToProduction } from '../../examples/pipeline-path';
import { buildPlainCdkPipelinesApp } from '../../examples/plain-cdk-pipelines';
import { buildReferenceApp, REFERENCE_ENVIRONMENTS } from '../../examples/reference-app';
import { summarize } from '../../examples/summary';
import { EnvironmentTier } from '../../src';
import { templateInventory } from '../support/template-inventory';

/** The reference app, synthesized once for every test of this file. */
const app = new cdk.App({ context: FEATURE_FLAGS });
const reference = buildReferenceApp(app);
const environments = reference.environments;
const assembly = app.synth();
const tooling = assembly.getStackByName('Tooling');
const stacks = [tooling, ...environments.flatMap(e => e.synth().stacks)];

describe('the reference app', () => {
  test('has one environment per built-in tier, each in its own account, and a second production environment in another region', () => {
    const [prod] = EnvironmentTier.builtIn().filter(t => t.profile.production);
    expect(environments.map(e => e.tier)).toEqual(EnvironmentTier.builtIn().flatMap(t => t === prod ? [t, t] : [t]));
    expect(new Set(environments.map(e => e.account)).size).toBe(6);
    const prods = environments.filter(e => e.tier === prod);
    expect(prods.map(e => [e.account, e.region])).toEqual([['444444444444', 'eu-west-1'], ['444444444444', 'us-east-1']]);
    expect(REFERENCE_ENVIRONMENTS.map(e => e.account)).toEqual(environments.map(e => e.account));
  });

  test.each(environments.map(e => [e.environmentName, e] as const))('%s: a foundation, a workload, monitoring and its account\'s baseline, the workload using the environment\'s key and profile', (_, env) => {
    const id = env.node.id;
    const expected = [`${id}-Foundation`, `${id}-Monitoring`, `${id}-Workload`, `shop-baseline-${env.account}-${env.region}`, ...(env.profile.production ? [`${id}-FoundationBackupCopy`] : [])];
    expect(env.synth().stacks.map(s => s.stackName).sort()).toEqual(expected.sort());
    const workload = Template.fromJSON(env.synth().getStackByName(`${id}-Workload`).template);
    workload.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: `/shop/${env.environmentName}/application`,
      RetentionInDays: env.tier.profile.logRetention,
      KmsKeyId: { 'Fn::ImportValue': Match.stringLikeRegexp('Key') },
    });
    Template.fromStack(env.foundation).hasResourceProperties('AWS::SSM::Parameter', {
      Name: `/shop/${env.environmentName}/log-level`,
      Value: env.tier === EnvironmentTier.DEV ? 'debug' : 'info',
    });
  });

  test.each(REFERENCE_ENVIRONMENTS)('$id has its monthly budget of $monthlyBudgetUsd USD', ({ id, monthlyBudgetUsd }) => {
    const foundation = assembly.getNestedAssembly(`assembly-${id}`).getStackByName(`${id}-Foundation`);
    Template.fromJSON(foundation.template).hasResourceProperties('AWS::Budgets::Budget', {
      Budget: Match.objectLike({ BudgetLimit: { Amount: monthlyBudgetUsd, Unit: 'USD' } }),
    });
  });

  test.each(environments.map(e => [e.environmentName, e] as const))('%s: the workload is sized by its tier, and scheduled off-hours exactly where the tier says', (name, env) => {
    const workload = env.synth().getStackByName(`${env.stageName}-Workload`).template;
    const resources = Object.values<any>(workload.Resources);
    const group = resources.find(r => r.Type === 'AWS::AutoScaling::AutoScalingGroup').Properties;
    const service = resources.find(r => r.Type === 'AWS::ECS::Service').Properties;
    const sizes: Record<string, [string, string, number]> = {
      'dev': ['1', '1', 1], 'qa': ['2', '2', 2], 'staging': ['2', '4', 2], 'prod': ['2', '8', 2], 'prod-us-east-1': ['2', '8', 2], 'demo': ['2', '2', 2], 'hotfix': ['2', '2', 2],
    };
    expect([group.MinSize, group.MaxSize, service.DesiredCount]).toEqual(sizes[name]);
    const calls = resources.filter(r => r.Type === 'AWS::Scheduler::Schedule')
      .map(r => JSON.stringify(r.Properties.Target.Arn).match(/aws-sdk:([\w:]+)/)![1]).sort();
    // The foundation's API calls (the bootstrap clean-up's schedule starts a CodeBuild project, no API call).
    const foundationCalls = Object.values<any>(env.synth().getStackByName(`${env.stageName}-Foundation`).template.Resources)
      .filter(r => r.Type === 'AWS::Scheduler::Schedule').map(r => JSON.stringify(r.Properties.Target.Arn).match(/aws-sdk:([\w:]+)/)?.[1])
      .filter(Boolean).sort();
    if (env.profile.scaleDownOffHours) {
      expect(calls).toEqual([
        'autoscaling:updateAutoScalingGroup', 'autoscaling:updateAutoScalingGroup',
        'ecs:updateService', 'ecs:updateService',
        'rds:startDBInstance', 'rds:stopDBInstance',
      ]);
      expect(foundationCalls).toEqual(['ssm:startAutomationExecution', 'ssm:startAutomationExecution']);
    } else {
      expect([...calls, ...foundationCalls]).toEqual([]);
    }
  });

  test('only production\'s stacks are protected from termination', () => {
    const isProtected = stacks.filter(s => s.terminationProtection).map(s => s.stackName);
    expect(isProtected.sort()).toEqual(['Prod-Foundation', 'Prod-FoundationBackupCopy', 'Prod-Monitoring', 'Prod-Workload',
      'Prod-us-east-1-Foundation', 'Prod-us-east-1-FoundationBackupCopy', 'Prod-us-east-1-Monitoring', 'Prod-us-east-1-Workload',
      // Prod's account holds a baseline in each of its two regions.
      'shop-baseline-444444444444-eu-west-1', 'shop-baseline-444444444444-us-east-1']);
  });

  /** The templates of an environment's fixed part: its foundation and its account's baseline. */
  const fixedPartOf = (id: string) => {
    const env = environments.find(e => e.node.id === id)!;
    return [env.foundation, cdk.Stack.of(env.complianceBaseline!)].map(stack => env.synth().getStackArtifact(stack.artifactId).template);
  };
  const price = (type: string) => PRICE_TABLE.find(r => r.type === type)!.usd;

  test('Dev\'s foundation and account baseline have no hourly cost: its fixed monthly cost is two keys (the environment\'s and the audit logs\') and the 14 CIS alarms', () => {
    const dev = fixedMonthlyCost(fixedPartOf('Dev'));
    expect(dev.lines.map(l => [l.type, l.units])).toEqual([['AWS::KMS::Key', 2], ['AWS::CloudWatch::Alarm', 14]]);
    expect(dev.monthly).toBeCloseTo(2 * price('AWS::KMS::Key') + 14 * price('AWS::CloudWatch::Alarm'), 6);
  });

  test('Prod\'s fixed monthly cost is three NAT gateways with their addresses, two keys, the CIS alarms and the break-glass alarm', () => {
    const prod = fixedMonthlyCost(fixedPartOf('Prod'));
    expect(prod.lines.map(l => [l.type, l.units])).toEqual([['AWS::EC2::NatGateway', 3], ['AWS::EC2::EIP', 3], ['AWS::KMS::Key', 2], ['AWS::CloudWatch::Alarm', 15]]);
    const hourly = 3 * (price('AWS::EC2::NatGateway') + price('AWS::EC2::EIP')) * LIST_PRICES.hoursPerMonth;
    expect(prod.monthly).toBeCloseTo(hourly + 2 * price('AWS::KMS::Key') + 15 * price('AWS::CloudWatch::Alarm'), 6);
  });

  test('every resource type of the reference app is priced, billed by use or known to be free', () => {
    const cost = fixedMonthlyCost(stacks.map(s => s.template));
    expect(cost.unclassified).toEqual([]);
  });

  test('the pipeline promotes every environment in tier order, Prod as a wave (its pilot region first), the hotfix lane going to both; the feature lane has pipelines of its own', () => {
    const pipelines = Object.values<any>(tooling.template.Resources).filter(r => r.Type === 'AWS::CodePipeline::Pipeline');
    const stageNames = pipelines.map(p => p.Properties.Stages.map((s: any) => s.Name));
    expect(stageNames).toEqual([
      ['Source', 'Build', 'UpdatePipeline', 'Dev', 'QA', 'Staging', 'Prod', 'Prod-us-east-1', 'Demo'],
      ['Source', 'Build', 'Hotfix', 'Prod', 'Prod-us-east-1'],
      ['Source', 'Deploy'],
      ['Source', 'Teardown'],
    ]);
  });

  test('feature branches get copies of Dev, four at most, each gone a week after its last push', () => {
    const lane = reference.pipeline.features!;
    expect([lane.environment.environmentName, lane.branches, lane.maxEnvironments, lane.timeToLive.toDays()]).toEqual(['dev', ['feature/*'], 4, 7]);
    const triggers = Object.values<any>(tooling.template.Resources)
      .filter(r => r.Type === 'AWS::CodePipeline::Pipeline').map(r => r.Properties.Triggers?.[0]?.GitConfiguration).filter(Boolean);
    expect(triggers).toEqual(expect.arrayContaining([
      expect.objectContaining({ Push: [{ Branches: { Includes: ['feature/*'] } }] }),
      expect.objectContaining({ PullRequest: [{ Branches: { Includes: ['main'] }, Events: ['CLOSED'] }] }),
    ]));
  });

  test('the pipeline has no asset jobs (each deploy publishes its environment\'s assets); its tests run in builds of their own, beside its deploys', () => {
    const library = pathToProduction(tooling.template, 'Prod');
    const plainApp = new cdk.App({ context: FEATURE_FLAGS });
    buildPlainCdkPipelinesApp(plainApp);
    const plainTemplate = plainApp.synth().getStackByName('Tooling').template;
    const plain = pathToProduction(plainTemplate, 'Prod');
    const assetJobs = (t: any) => mainPipeline(t).Stages.find(s => s.Name === 'Assets')?.Actions.length ?? 0;
    expect(assetJobs(tooling.template)).toBe(0);
    expect(assetJobs(plainTemplate)).toBe(2);
    // Synth, self-update, then per environment its deploy (the monitoring stack last, while the tests run) and its tests after
    // deploy; Staging's tests before deploy; Staging's listing of the stacks the app no longer has (beside QA's deploy) and
    // Prod's review (beside Staging's deploy). Plain CDK Pipelines starts fewer builds (it deploys through CloudFormation
    // actions, with no build) but runs three times as many actions one after another.
    expect(library.codeBuildJobs).toBe(2 + 2 + 2 + 1 + 3 + 1 + 2);
    expect(library.sequentialActions).toBe(15);
    expect(plain.codeBuildJobs).toBe(11);
  });

  test('the summary names every environment and stack, the pipeline comparison and the fixed costs', () => {
    const comparison = {
      library: pathToProduction(tooling.template, 'Prod'),
      plainCdkPipelines: { stages: [], codeBuildJobs: 11, sequentialActions: 26, approvals: 3 },
    };
    const text = summarize(assembly, reference, comparison);
    expect(text).toMatch(/^cdk-multi-env +13 +15 +3$/m);
    expect(text).toMatch(/^plain CDK Pipelines +11 +26 +3$/m);
    expect(text).toContain('Hotfix lane (pushes to hotfix/*):');
    for (const s of stacks) expect(text).toContain(s.stackName);
    expect(text).toMatch(/^env +AZs +NAT gateways +public IPv4 addresses +KMS keys +alarms +per month$/m);
    expect(text).toMatch(/^dev +2 +0 +0 +2 +14 +\$3\.40$/m);
    // What runs after the deploy.
    expect(text).toMatch(/^dev +none +deleted after the deploy +weekly, after 30 days +-$/m);
    expect(text).toMatch(/^staging +4 stacks every 7 days +deleted after the approval that lists them +- +on, weekly CIS scan$/m);
    expect(text).toMatch(/^prod +4 stacks every 1 day +listed, kept \(termination protection\) +- +on, weekly CIS scan$/m);
    expect(text).toMatch(/^hotfix +4 stacks every 7 days +reported +- +on, weekly CIS scan$/m);
    expect(text).toMatch(/^prod +3 +3 +3 +2 +15 +\$119\.57$/m);
  });

  // A normalised summary, not the templates: a line per resource with a hash of its definition, so a
  // diff names every resource added, removed or changed, and stays small enough to review. What each
  // resource must be is for the assertions above and the constructs' own tests.
  test('the inventory of its stacks and resources matches its snapshot', () => {
    expect(templateInventory(stacks)).toMatchSnapshot();
  });
});
