import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { planOf } from '../../bench/job-plans';
import { EnvironmentTier } from '../../src';
import { SUMMARY_LIMIT } from '../../src/pipeline/approval-limits';
import { inSubshell } from '../../src/pipeline/side-by-side-shell';
import { environment } from '../support/environments';
import { actionOf, actionVariablesOf, buildSpecOf, newPipeline, projectStatementsOf, stagesOf } from '../support/pipelines';

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
    outdir: app.outdir,
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
const json = setup.template.toJSON();

/** The builds of a batch action: what each reads from the job's plan file of its identifier, its environment's name first. */
function plannedOf(stage: string, action: string, lane = 'DeliveryPipelineDefinition'): Record<string, string | string[]>[] {
  const spec = buildSpecOf(json, actionOf(json, stage, action, lane));
  return spec.batch['build-list'].map((b: any) => planOf(spec, setup.outdir, b.identifier));
}

/**
 * The roles a job's project may assume: each statement's resources, with what its tag condition
 * allows: the bootstrap roles' kinds, or the environments' names of the environments' roles.
 */
function assumable(stage: string, action: string, lane = 'DeliveryPipelineDefinition'): string[] {
  return projectStatementsOf(json, actionOf(json, stage, action, lane)).filter(st => st.Action === 'sts:AssumeRole')
    .flatMap(st => [st.Resource].flat().map((r: any) => {
      const arn = typeof r === 'string' ? r : r['Fn::Join'][1].slice(-1)[0];
      const tags = st.Condition?.StringEquals ?? {};
      if (tags['iam:ResourceTag/aws-cdk:bootstrap-role']) return `${arn} (${tags['iam:ResourceTag/aws-cdk:bootstrap-role'].join(', ')})`;
      if (tags['iam:ResourceTag/Environment']) return `${arn} (${tags['iam:ResourceTag/Environment'].join(', ')})`;
      return arn;
    }));
}

describe('a wave', () => {
  test('is one pipeline stage per group: the waves in promotion order, Prod\'s pilot before the rest of Prod', () => {
    expect(Object.keys(setup.main)).toEqual(['Source', 'Build', 'UpdatePipeline', 'Dev', 'QA', 'Staging', 'prod-eu-west-1', 'Prod', 'Demo']);
  });

  test('deploys its environments side by side: one action, one build per environment, each deploying its own stacks', () => {
    // Here no stack lengthens the deploy's chain (foundation, then workload): the one deploy deploys them all.
    expect(setup.main.Dev).toEqual(['Deploy[Build/1]', 'TestsAfter[Build/1]']);
    // Each build is named by its identifier alone, and reads the rest from the plan file of that name.
    expect(buildSpecOf(json, actionOf(json, 'Dev', 'Deploy')).batch['build-list']).toEqual([{ identifier: 'dev_eu_west_1' }, { identifier: 'dev_us_east_1' }]);
    expect(plannedOf('Dev', 'Deploy').map(v => [v.ENVIRONMENT_NAME, v.STACKS])).toEqual(['eu-west-1', 'us-east-1'].map(region => [
      `dev-${region}`, ['Foundation', 'AccountBaseline', 'Monitoring', 'Workload'].map(stack => `dev-${region}/${stack}`).join(' '),
    ]));
  });

  test('tests each environment in its own build, started with its deploy and waiting for its environment\'s deploy build, with the environment\'s variables', () => {
    const commands: string[] = buildSpecOf(json, actionOf(json, 'Dev', 'TestsAfter')).phases.build.commands;
    expect(commands.slice(1, 4)).toEqual(['await_ready "Dev" "Deploy"', 'set -a && . "${TMPDIR:-/tmp}/plan/$CODEBUILD_BATCH_BUILD_IDENTIFIER.sh" && set +a',
      'echo "== SmokeTests of $ENVIRONMENT_NAME =="']);
    expect(actionVariablesOf(actionOf(json, 'Dev', 'TestsAfter'))).toEqual([
      { name: 'EXECUTION_ID', type: 'PLAINTEXT', value: '#{codepipeline.PipelineExecutionId}' },
      { name: 'PIPELINE_NAME', type: 'PLAINTEXT', value: 'Tooling-Delivery' },
    ]);
    // A test build waits for the signal of the deploy build of its own environment: the builds of an environment share their identifier.
    const identifiers = (action: string) => buildSpecOf(json, actionOf(json, 'Dev', action)).batch['build-list'].map((b: { identifier: string }) => b.identifier);
    expect(identifiers('TestsAfter')).toEqual(['dev_eu_west_1', 'dev_us_east_1']);
    expect(identifiers('Deploy')).toEqual(identifiers('TestsAfter'));
    // Each build's environment, from the job's plan: its name, tier, account, region and deployment role.
    expect(plannedOf('Dev', 'TestsAfter')).toEqual(['eu-west-1', 'us-east-1'].map(region => ({
      ENVIRONMENT_NAME: `dev-${region}`,
      TIER: 'dev',
      TARGET_ACCOUNT: '111111111111',
      TARGET_REGION: region,
      DEPLOYMENT_ROLE_ARN: `arn:aws:iam::111111111111:role/shop-dev-${region}-deployment`,
    })));
  });

  test('runs in one project per step: a deploy may assume the bootstrap roles it deploys with in the wave\'s accounts and the stack clean-up roles of each environment of the wave; a test build the deployment roles; no other', () => {
    // The environments' roles by their name pattern in the account and their Environment tag: the wave's environments' names.
    expect(assumable('Dev', 'Deploy')).toEqual([
      'arn:aws:iam::111111111111:role/cdk-hnb659fds-* (deploy, file-publishing)',
      'arn:aws:iam::111111111111:role/shop-*-stack-cleanup (dev-eu-west-1, dev-us-east-1)',
    ]);
    expect(assumable('Dev', 'TestsAfter')).toEqual([
      'arn:aws:iam::111111111111:role/shop-*-deployment (dev-eu-west-1, dev-us-east-1)',
    ]);
    const resources = json.Resources;
    const projects = Object.keys(resources).filter(id => resources[id].Type === 'AWS::CodeBuild::Project' && !/Synth|SelfMutat|FeatureLane/.test(id));
    // Main: Dev, QA (deploy, tests after; QA's beside Staging's orphan listing), Staging (deploy, tests before and after, Prod's review),
    // Prod (pilot, rest: deploy and tests each), Demo (deploy, seed and tests); hotfix lane: Hotfix (deploy, tests), Prod (review, pilot, rest).
    expect(projects).toHaveLength(2 + 3 + 4 + 4 + 2 + 2 + 5);
  });

  test('has one sign-off, after every environment of the wave is deployed and tested (QA)', () => {
    // Beside QA's deploy, the listing of the stacks Staging's environments no longer have, for Staging's approval.
    expect(setup.main.QA).toEqual(['Deploy[Build/1]', 'ListOrphans-Staging[Build/1]', 'TestsAfter[Build/1]', 'SignOff[Approval/2]']);
    expect(plannedOf('QA', 'Deploy')).toHaveLength(2);
    expect(plannedOf('QA', 'TestsAfter')).toHaveLength(2);
  });

  test('has one approval, before any deploy; each environment\'s tests before deploy run right before it, in a build of their own, which the deploy waits for (Staging)', () => {
    // Beside the deploy, the review of the next wave, production. The approval's listing of the stacks the wave's
    // environments no longer have ran beside the wave before's deploy.
    expect(setup.main.Staging).toEqual(['Approve[Approval/1]', 'Deploy[Build/2]', 'Review-Prod[Build/2]', 'TestsAfter[Build/2]', 'TestsBefore[Build/2]']);
    expect(planOf(buildSpecOf(json, actionOf(json, 'QA', 'ListOrphans-Staging')), setup.outdir, 'job').LIST_ENVIRONMENTS).toEqual(['staging-eu-west-1', 'staging-us-east-1']);
    expect(plannedOf('Staging', 'Deploy').map(v => v.ENVIRONMENT_NAME)).toEqual(['staging-eu-west-1', 'staging-us-east-1']);
    expect(plannedOf('Staging', 'TestsBefore').map(v => v.ENVIRONMENT_NAME)).toEqual(['staging-eu-west-1', 'staging-us-east-1']);
    expect(buildSpecOf(json, actionOf(json, 'Staging', 'TestsBefore')).phases.build.commands).toContain(inSubshell(['./scripts/test DATA_MIGRATION']));
    const commands: string[] = buildSpecOf(json, actionOf(json, 'Staging', 'Deploy')).phases.build.commands;
    expect(commands[1]).toBe('await_actions "Staging" "TestsBefore"');
    expect(commands.some(c => c.includes('./scripts/'))).toBe(false);
    expect(actionOf(json, 'Staging', 'Approve').Configuration.CustomData)
      .toBe('Deploy to staging-eu-west-1 (account 333333333333, eu-west-1), staging-us-east-1 (account 333333333333, us-east-1), tier staging? '
        + 'Stacks the app no longer has, deleted after the deploy: #{Orphans_Staging.ORPHANS}');
  });

  test('reviews the change of the whole wave once, before its first group; every group\'s deploy checks it (Prod)', () => {
    // The review ran beside the wave before's deploy (Staging's); its one approval comes first in the pilot's stage.
    expect(setup.main['prod-eu-west-1']).toEqual(['Review[Approval/1]', 'Deploy[Build/2]', 'TestsAfter[Build/2]']);
    expect(setup.main.Prod).toEqual(['Deploy[Build/1]', 'TestsAfter[Build/1]']);
    const review = planOf(buildSpecOf(json, actionOf(json, 'Staging', 'Review-Prod')), setup.outdir, 'job').REVIEW_ENTRIES as string[];
    for (const region of REGIONS) {
      for (const stack of ['Foundation', 'FoundationBackupCopy', 'Monitoring', 'Workload']) expect(review).toContainEqual(expect.stringMatching(`^prod-${region}\\|prod-${region}-${stack}\\|`));
      expect(review).toContainEqual(expect.stringMatching(`^prod-${region}\\|shop-baseline-444444444444-${region}\\|`));
    }
    for (const stage of ['prod-eu-west-1', 'Prod']) {
      const deploy = actionOf(json, stage, 'Deploy');
      expect(deploy.InputArtifacts).toContainEqual({ Name: 'Review_Prod_Review' });
      expect(buildSpecOf(json, deploy).phases.build.commands).toContain('check_reviewed "$CODEBUILD_SRC_DIR_Review_Prod_Review" "$CODEBUILD_SRC_DIR"');
    }
    expect(plannedOf('Prod', 'Deploy').map(v => (v.REVIEWED_STACKS as string[]).map(e => e.split('|').slice(0, 2).join('|')))).toEqual([
      ['prod-us-east-1-Foundation|us-east-1', 'shop-baseline-444444444444-us-east-1|us-east-1', 'prod-us-east-1-FoundationBackupCopy|us-west-2',
        'prod-us-east-1-Monitoring|us-east-1', 'prod-us-east-1-Workload|us-east-1'],
      ['prod-ap-southeast-2-Foundation|ap-southeast-2', 'shop-baseline-444444444444-ap-southeast-2|ap-southeast-2', 'prod-ap-southeast-2-FoundationBackupCopy|ap-southeast-4',
        'prod-ap-southeast-2-Monitoring|ap-southeast-2', 'prod-ap-southeast-2-Workload|ap-southeast-2'],
    ]);
  });
});

describe('a production wave with a pilot', () => {
  const stage = (name: string) => setup.mainDefinition.Stages.find((s: any) => s.Name === name);

  test('deploys the pilot alone, then the rest of the wave side by side', () => {
    expect(plannedOf('prod-eu-west-1', 'Deploy').map(v => v.ENVIRONMENT_NAME)).toEqual(['prod-eu-west-1']);
    expect(plannedOf('Prod', 'Deploy').map(v => v.ENVIRONMENT_NAME)).toEqual(['prod-us-east-1', 'prod-ap-southeast-2']);
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
          RoleArn: 'arn:aws:iam::444444444444:role/shop-prod-eu-west-1-deployment',
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

  test('the release managers may approve the wave\'s one review, in both lanes, and nothing else', () => {
    const policy = Object.values<any>(json.Resources).find(r => r.Type === 'AWS::IAM::Policy'
      && r.Properties.Roles?.some((role: any) => role.Ref?.startsWith('ReleaseManagers')));
    const statements = policy.Properties.PolicyDocument.Statement;
    expect(statements.every((st: any) => st.Action === 'codepipeline:PutApprovalResult')).toBe(true);
    const approvable = statements.flatMap((st: any) => [st.Resource].flat()).map((r: any) => r['Fn::Join'][1].slice(-1)[0]);
    // Once for the main pipeline, once for the hotfix lane.
    expect(approvable).toEqual(['/prod-eu-west-1/Review', '/prod-eu-west-1/Review']);
  });
});

describe('the hotfix lane', () => {
  test('deploys the Hotfix environment, then every production group, in the order of the main pipeline', () => {
    expect(Object.keys(setup.hotfix)).toEqual(['Source', 'Build', 'hotfix-eu-west-1', 'prod-eu-west-1', 'Prod']);
    expect(setup.hotfix['hotfix-eu-west-1']).toEqual(['Deploy[Build/1]', 'TestsAfter[Build/1]', 'SignOff[Approval/2]']);
    // Production's review runs after the hotfix sign-off, in the pilot's stage.
    expect(setup.hotfix['prod-eu-west-1']).toEqual(['ChangeReview[Build/1]', 'Review[Approval/2]', 'Deploy[Build/3]', 'TestsAfter[Build/3]']);
    expect(setup.hotfix.Prod).toEqual(setup.main.Prod);
  });

  test('reaches production only through the hotfix sign-off and production\'s review: no job before them may reach a production account, assets included', () => {
    const lane = 'DeliveryHotfixPipelineDefinition';
    // In any order: aws-cdk-lib sorts a statement's resources under cdk init's minimizePolicies.
    const production = (stage: string, action: string) => assumable(stage, action, lane).filter(arn => arn.includes('444444444444')).sort();
    // The jobs before the gates: synth and the hotfix environment's deploy (in the hotfix account).
    expect(production('hotfix-eu-west-1', 'Deploy')).toEqual([]);
    // The review reads the wave's production environments with their review roles; the deploys, after the approval,
    // publish and deploy, and read their own environments with their review roles (the check that they are as reviewed).
    expect(production('prod-eu-west-1', 'ChangeReview')).toEqual(['arn:aws:iam::444444444444:role/shop-*-review (prod-eu-west-1, prod-us-east-1, prod-ap-southeast-2)']);
    expect(production('Prod', 'Deploy')).toEqual(['arn:aws:iam::444444444444:role/cdk-hnb659fds-* (deploy, file-publishing)',
      ...['review', 'stack-cleanup'].map(role => `arn:aws:iam::444444444444:role/shop-*-${role} (prod-us-east-1, prod-ap-southeast-2)`)].sort());
    // The branch's own tests, after the approval, with production's deployment roles only, which deploy nothing.
    expect(production('Prod', 'TestsAfter')).toEqual(['arn:aws:iam::444444444444:role/shop-*-deployment (prod-us-east-1, prod-ap-southeast-2)']);
  });

  test('bakes each production group as the main pipeline does', () => {
    const stage = (name: string) => setup.hotfixDefinition.Stages.find((s: any) => s.Name === name);
    expect(stage('prod-eu-west-1').OnSuccess.Conditions[0].Rules.map((r: any) => r.Region)).toEqual(['eu-west-1']);
    expect(stage('Prod').OnSuccess.Conditions[0].Rules.map((r: any) => r.Region)).toEqual(['us-east-1', 'ap-southeast-2']);
  });
});

describe('a large wave', () => {
  test('is the same few actions however many environments it has; its job may assume one bootstrap-role pattern per account', () => {
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
    const template = Template.fromStack(cdk.Stack.of(pipeline)).toJSON();
    const stages = Object.values(stagesOf(template))[0];
    expect(stages.Dev).toEqual(['Deploy[Build/1]', 'TestsAfter[Build/1]']);
    const deploy = actionOf(template, 'Dev', 'Deploy');
    expect(buildSpecOf(template, deploy).batch['build-list']).toHaveLength(8);
    const bootstrap = projectStatementsOf(template, deploy).filter(st => st.Condition?.StringEquals?.['iam:ResourceTag/aws-cdk:bootstrap-role']);
    expect(bootstrap.map(st => st.Resource)).toEqual(['arn:aws:iam::111111111111:role/cdk-hnb659fds-*']);
    expect(template.Resources[deploy.Configuration.ProjectName.Ref].Properties.BuildBatchConfig).toEqual({
      ServiceRole: { 'Fn::GetAtt': [expect.stringMatching(/BatchServiceRole/), 'Arn'] },
    });
  });
});

describe('an approval\'s comment', () => {
  test('fits CodePipeline\'s 500 characters once the review\'s longest summary is in it; a wave too large to list is counted', () => {
    const app = new cdk.App();
    // Six: a production wave's review names every stack of it, and eight would make its build spec longer than CodeBuild takes (pipeline-limits.test.ts).
    const regions = ['eu-west-1', 'eu-central-1', 'us-east-1', 'us-west-2', 'eu-west-2', 'eu-north-1'];
    const prod = regions.map((region, i) => environment(app, EnvironmentTier.PROD, {
      environmentName: `production-${region}`, region, availabilityZones: ['a', 'b', 'c'].map(zone => `${region}${zone}`), cidr: `10.${i}.0.0/16`,
    }));
    const pipeline = newPipeline(app);
    pipeline.addWave('Prod', prod, { approvers: [iam.Role.fromRoleName(cdk.Stack.of(pipeline), 'A', 'a')], bakeAlarmNames: ['errors'] });
    const template = Template.fromStack(cdk.Stack.of(pipeline)).toJSON();
    const comment: string = actionOf(template, 'Prod', 'Review').Configuration.CustomData;
    expect(comment).toMatch(/^Review the 6 environments of this wave \(tier prod\): #\{Review_Prod\.REVIEW_SUMMARY\}\. /);
    // Resolved, with the longest summary and the review's digest (a SHA-256 in hexadecimal).
    expect(comment.replace('#{Review_Prod.REVIEW_SUMMARY}', 'x'.repeat(SUMMARY_LIMIT)).replace('#{Review_Prod.REVIEW_DIGEST}', 'f'.repeat(64)).length).toBeLessThanOrEqual(500);
    // Three environments still fit by name (the wave above), one with its account.
    expect(actionOf(json, 'prod-eu-west-1', 'Review').Configuration.CustomData).toMatch(/^Review prod-eu-west-1, prod-us-east-1, prod-ap-southeast-2 \(tier prod\): /);
  });
});
