import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { planOf } from '../../bench/job-plans';
import { EnvironmentTier, IsolatedEnvironment } from '../../src';
import { FETCH_BUNDLE } from '../../src/pipeline/private/checked-bundle';
import { awaitBeside, inSubshell, startBeside } from '../../src/pipeline/side-by-side-shell';
import { ONLY_AWS_SERVICES_CREATE_GRANTS } from '../support/compliance';
import { environment, TOKEN_OF_TIER } from '../support/environments';
import { shippedDigest } from '../support/gate-scripts';
import { actionOf, actionVariablesOf, buildSpecOf, CONNECTION_ARN, newPipeline, projectStatementsOf, stagesOf } from '../support/pipelines';

/** The six tiers, in six accounts, added to one pipeline in promotion order with what each needs. */
function fullSetup() {
  const app = new cdk.App();
  const envs: Record<string, IsolatedEnvironment> = {};
  EnvironmentTier.builtIn().forEach((tier, i) => {
    envs[tier.name] = environment(app, tier, { cidr: `10.${i}.0.0/16` });
    // Like a real workload, it uses the foundation (here: only declared), so it deploys after it.
    new cdk.Stack(envs[tier.name], 'Workload').addDependency(envs[tier.name].foundation);
  });
  const pipeline = newPipeline(app);
  const tooling = cdk.Stack.of(pipeline);
  const releaseManagers = new iam.Role(tooling, 'ReleaseManagers', { assumedBy: new iam.AccountRootPrincipal() });
  const oncall = new iam.Role(tooling, 'OnCall', { assumedBy: new iam.AccountRootPrincipal() });
  for (const name of ['dev', 'qa', 'staging']) pipeline.addEnvironment(envs[name]);
  pipeline.addEnvironment(envs.prod, { approvers: [releaseManagers], bakeAlarmNames: ['shop-prod-5xx', 'shop-prod-latency'] });
  pipeline.addEnvironment(envs.demo);
  pipeline.addEnvironment(envs.hotfix, { approvers: [oncall] });
  const template = Template.fromStack(tooling);
  return { app, envs, pipeline, template, stages: stagesOf(template.toJSON()) };
}

const setup = fullSetup();
const json = setup.template.toJSON();
const pipelineIds = Object.keys(setup.stages);
const main = setup.stages[pipelineIds.find(id => id.includes('DeliveryPipelineDefinition'))!];
const hotfix = setup.stages[pipelineIds.find(id => id.includes('HotfixPipelineDefinition'))!];

/** The commands that read the jobs' bash functions (src/pipeline/jobs/), once a build has fetched them from the pipeline's own assets. */
const AWAIT_ACTIONS = '. "${TMPDIR:-/tmp}/gate-scripts/jobs/await-actions.sh"';
const AWAIT_BESIDE = '. "${TMPDIR:-/tmp}/gate-scripts/jobs/beside.sh"';

/** How a test build reads its environment (TIER, TARGET_ACCOUNT, ...) from its plan, exported to the steps' commands. */
const EXPORT_PLAN = 'set -a && . "${TMPDIR:-/tmp}/plan/$CODEBUILD_BATCH_BUILD_IDENTIFIER.sh" && set +a';

/**
 * What a stage's tests after deploy run, once the deploy build of their environment has deployed the stacks they need
 * (test/pipeline/deploy-build.test.ts runs them).
 */
function stepsAfterDeploy(stage: string): string[] {
  const commands: string[] = buildSpecOf(json, actionOf(json, stage, 'TestsAfter')).phases.build.commands;
  // On the way to production, the tests wait in their build for their deploy's signal; after it (Demo), they start once the deploy has ended.
  const first = stage === 'demo' ? [EXPORT_PLAN] : [AWAIT_ACTIONS, `await_ready "${stage}" "Deploy"`, EXPORT_PLAN];
  expect(commands.slice(0, first.length)).toEqual(first);
  return commands.slice(first.length);
}

describe('the main pipeline', () => {
  test('is a CodePipeline V2 whose source is the main branch through the connection', () => {
    setup.template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      PipelineType: 'V2',
      Stages: Match.arrayWith([Match.objectLike({
        Name: 'Source',
        Actions: [Match.objectLike({
          ActionTypeId: { Category: 'Source', Owner: 'AWS', Provider: 'CodeStarSourceConnection', Version: '1' },
          Configuration: Match.objectLike({ BranchName: 'main', FullRepositoryId: 'acme/shop', ConnectionArn: Match.stringLikeRegexp('codeconnections') }),
        })],
      })]),
    });
  });

  test('promotes in tier order: Dev, QA, Staging, Prod, then Demo', () => {
    expect(Object.keys(main)).toEqual(['Source', 'Build', 'UpdatePipeline', 'dev', 'qa', 'staging', 'prod', 'demo']);
  });

  test('unit tests run in the synth job, after the dependencies are installed and before cdk synth', () => {
    setup.template.hasResourceProperties('AWS::CodeBuild::Project', {
      Source: {
        BuildSpec: Match.serializedJson(Match.objectLike({
          phases: {
            install: { commands: ['npm ci'] },
            // Last, the check that fails the job on any validation finding in a stage (test/pipeline/synth-validation.test.ts runs it).
            build: { commands: ['./scripts/test UNIT', 'npx cdk synth', Match.stringLikeRegexp('^\\[ ! -f "cdk\\.out/validation-report\\.json" \\] \\|\\| node -e ')] },
          },
        })),
      },
    });
  });

  test('Dev: one job deploys it on every commit, one runs its smoke tests once it is deployed; retried once on failure', () => {
    expect(main.dev).toEqual(['Deploy[Build/1]', 'TestsAfter[Build/1]']);
    const deploy = actionOf(json, 'dev', 'Deploy');
    const spec = buildSpecOf(json, deploy);
    // Each build names its environment; what it deploys and deletes is in the job's plan, fetched from the pipeline's own assets.
    expect(spec.batch['build-list']).toEqual([{ identifier: 'dev' }]);
    expect(planOf(spec, setup.app.outdir, 'dev')).toEqual({
      // Dev's data is throwaway: its build deletes the stacks the app no longer has.
      ENVIRONMENT_NAME: 'dev',
      ORPHAN_MODE: 'delete',
      ORPHAN_SEARCH: 'shop|dev|dev-Foundation,shop-baseline-111111111111-eu-west-1,dev-Monitoring,dev-Workload|shop-baseline-,shop-account-baseline',
      ORPHAN_REGIONS: ['eu-west-1'],
      STACK_CLEANUP_ROLE_ARN: 'arn:aws:iam::111111111111:role/shop-dev-stack-cleanup',
      // No stack lengthens the chain of foundation, then workload: every stack deploys before the tests.
      STACKS: 'dev/Foundation dev/AccountBaseline dev/Monitoring dev/Workload',
    });
    // First the plan, the orphan script and the jobs' bash functions, fetched from the pipeline's own assets and checked against
    // the digest of the files synthesized (the scripts: as the package ships them), never taken from the synth output; the CLI's install.
    const install: string[] = spec.phases.install.commands;
    const asset = (folder: string) => `"s3://cdk-hnb659fds-assets-999999999999-eu-west-1/[0-9a-f]{64}\\.zip" ${folder ? shippedDigest(folder) : '[0-9a-f]{64}'}$`;
    expect(install).toEqual([
      FETCH_BUNDLE,
      expect.stringMatching(new RegExp(`^fetch_bundle "\\$\\{TMPDIR:-/tmp\\}/plan" ${asset('')}`)),
      expect.stringMatching(new RegExp(`^fetch_bundle "\\$\\{TMPDIR:-/tmp\\}/gate-scripts/orphan-script" ${asset('review/orphan-script')}`)),
      expect.stringMatching(new RegExp(`^fetch_bundle "\\$\\{TMPDIR:-/tmp\\}/gate-scripts/jobs" ${asset('jobs')}`)),
      'npm install -g aws-cdk@2.1148.1',
    ]);
    // The deploy, the signal that the tests may start, the search for the stacks the app no longer has and their deletion: the
    // library's commands only (test/pipeline/deploy-build.test.ts runs them). Dev deploys in CloudFormation's express mode, with
    // CloudFormation's rollback of a failed deploy kept (TierProfile.expressDeployments).
    expect(spec.phases.build.commands).toEqual([
      '. "${TMPDIR:-/tmp}/plan/$CODEBUILD_BATCH_BUILD_IDENTIFIER.sh"',
      '[ -z "$STACKS" ] || cdk -a "$CODEBUILD_SRC_DIR" deploy --method=direct --express --rollback --require-approval never --exclusively '
        + '--concurrency "$(echo $STACKS | wc -w)" --progress events --no-notices $STACKS',
      AWAIT_ACTIONS,
      'signal_ready',
      '. "${TMPDIR:-/tmp}/gate-scripts/jobs/orphans.sh"',
      'search_orphans',
      'delete_orphans',
    ]);
    // The deploy signals, and the tests wait for the signal, in the pipeline's artifact bucket (named in their build specs) under
    // the execution's id (an action variable); the deploy's role may put objects under that prefix, and nothing else of the bucket.
    const bucket = '${DeliveryPipelineDefinitionArtifactsBucket1FDB993C}';
    const execution = { name: 'EXECUTION_ID', type: 'PLAINTEXT', value: '#{codepipeline.PipelineExecutionId}' };
    expect(spec.env.variables).toEqual({ READY_BUCKET: bucket, READY_PREFIX: 'deploys-ready-for-tests' });
    expect(buildSpecOf(json, actionOf(json, 'dev', 'TestsAfter')).env.variables).toEqual({ READY_BUCKET: bucket, READY_PREFIX: 'deploys-ready-for-tests' });
    expect(actionVariablesOf(deploy)).toEqual([execution]);
    expect(actionVariablesOf(actionOf(json, 'dev', 'TestsAfter'))).toEqual([execution, { name: 'PIPELINE_NAME', type: 'PLAINTEXT', value: 'Tooling-Delivery' }]);
    const writes = projectStatementsOf(json, deploy).filter(st => [st.Action].flat().includes('s3:PutObject'));
    expect(writes.map(st => st.Resource)).toEqual([{ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['DeliveryPipelineDefinitionArtifactsBucket1FDB993C', 'Arn'] }, '/deploys-ready-for-tests/*']] }]);
    expect(projectStatementsOf(json, actionOf(json, 'dev', 'TestsAfter')).filter(st => [st.Action].flat().some((a: string) => a.startsWith('s3:Put')))).toEqual([]);
    // The cloud assembly is what is deployed; the repository is where the tests run.
    expect(deploy.InputArtifacts).toEqual([{ Name: 'Synth_Output' }]);
    expect(deploy.Configuration.BatchEnabled).toBe('true');
    expect(actionOf(json, 'dev', 'TestsAfter').InputArtifacts).toEqual([{ Name: 'acme_shop_Source' }]);
    expect(stepsAfterDeploy('dev')).toEqual(['echo "== SmokeTests of $ENVIRONMENT_NAME =="', inSubshell(['./scripts/test SMOKE'])]);
    const dev = stageNamed(setup.template, 'dev');
    expect(dev.OnFailure).toEqual({ Result: 'RETRY', RetryConfiguration: { RetryMode: 'FAILED_ACTIONS' } });
  });

  test('QA: integration and performance tests after the deploy, side by side in their build, then the UAT sign-off', () => {
    expect(main.qa).toEqual(['Deploy[Build/1]', 'ListOrphans-staging[Build/1]', 'TestsAfter[Build/1]', 'SignOff[Approval/2]']);
    expect(stepsAfterDeploy('qa')).toEqual([
      AWAIT_BESIDE,
      'echo "== IntegrationTests, PerformanceTests of $ENVIRONMENT_NAME, side by side =="',
      startBeside('IntegrationTests', ['./scripts/test INTEGRATION']),
      startBeside('PerformanceTests', ['./scripts/test PERFORMANCE']),
      awaitBeside([['IntegrationTests', 'IntegrationTests of $ENVIRONMENT_NAME'], ['PerformanceTests', 'PerformanceTests of $ENVIRONMENT_NAME']]),
    ]);
  });

  test('Staging: the approval, then the data-migration tests in a build of their own, the deploy once they passed, the load and security tests; beside them, Prod\'s review', () => {
    // Beside QA's deploy, the stacks the app no longer has are listed: the approval names them, the deploy deletes them.
    expect(main.staging).toEqual(['Approve[Approval/1]', 'Deploy[Build/2]', 'Review-prod[Build/2]', 'TestsAfter[Build/2]', 'TestsBefore[Build/2]']);
    expect(actionOf(json, 'staging', 'Approve').Configuration.CustomData)
      .toBe('Deploy to staging (staging, account 333333333333)? Stacks the app no longer has, deleted after the deploy: #{Orphans_staging.ORPHANS}');
    const deployBuild = buildSpecOf(json, actionOf(json, 'staging', 'Deploy'));
    expect(planOf(deployBuild, setup.app.outdir, 'staging').ORPHAN_MODE).toBe('approved');
    expect(deployBuild.phases.build.commands).toContain('search_orphans "$CODEBUILD_SRC_DIR_ListOrphans_staging_Orphans/orphans-$ENVIRONMENT_NAME.txt"');
    expect(buildSpecOf(json, actionOf(json, 'staging', 'TestsBefore')).phases.build.commands)
      .toEqual([EXPORT_PLAN, 'echo "== DataMigrationTests of $ENVIRONMENT_NAME =="', inSubshell(['./scripts/test DATA_MIGRATION'])]);
    const commands: string[] = deployBuild.phases.build.commands;
    expect(commands.slice(0, 4)).toEqual([AWAIT_ACTIONS, 'await_actions "staging" "TestsBefore"', '. "${TMPDIR:-/tmp}/plan/$CODEBUILD_BATCH_BUILD_IDENTIFIER.sh"',
      expect.stringMatching(/^\[ -z "\$STACKS" \] \|\| cdk -a .* deploy .* \$STACKS$/)]);
    expect(stepsAfterDeploy('staging')[1]).toBe('echo "== LoadTests, SecurityTests of $ENVIRONMENT_NAME, side by side =="');
  });

  test('Prod: one review of the change of every stack, one approval, then the deploy, which stops if a stack changed since the review', () => {
    // The review ran beside Staging's deploy: Prod's stage is its one approval, then the deploy and its tests.
    expect(main.prod).toEqual(['Review[Approval/1]', 'Deploy[Build/2]', 'TestsAfter[Build/2]']);
    const review = actionOf(json, 'staging', 'Review-prod');
    const spec = buildSpecOf(json, review);
    // Its plan, the review and orphan scripts and the jobs' bash functions come from the pipeline's own assets, checked against
    // the digest of the ones the package ships (what a branch's synth output holds changes nothing); then cloudformation-diff.
    expect(spec.phases.install.commands.map((c: string) => c.replace(/[0-9a-f]{64}\.zip" [0-9a-f]{64}$/, 'KEY.zip" DIGEST'))).toEqual([
      FETCH_BUNDLE,
      'fetch_bundle "${TMPDIR:-/tmp}/plan" "s3://cdk-hnb659fds-assets-999999999999-eu-west-1/KEY.zip" DIGEST',
      ...['review-script', 'orphan-script', 'jobs'].map(name => `fetch_bundle "\${TMPDIR:-/tmp}/gate-scripts/${name}" "s3://cdk-hnb659fds-assets-999999999999-eu-west-1/KEY.zip" DIGEST`),
      'npm install --no-save --no-audit --no-fund --prefix "$REVIEW_TOOLS" @aws-cdk/cloudformation-diff@2.187.5',
    ]);
    expect(spec.phases.install.commands.slice(2, 5).map((c: string) => c.split(' ').pop())).toEqual(['review/review-script', 'review/orphan-script', 'jobs'].map(shippedDigest));
    // Its plan names every stack of Prod: as it fingerprints them and detects their drift (with Prod's review role, in any
    // region), and as the review script takes them (their templates in the cloud assembly); and Prod's orphan search.
    const plan = planOf(spec, setup.app.outdir, 'job');
    const stacks = [['Foundation', 'prod-Foundation', 'eu-west-1'], ['AccountBaseline', 'shop-baseline-444444444444-eu-west-1', 'eu-west-1'],
      ['FoundationBackupCopy', 'prod-FoundationBackupCopy', 'eu-central-1'], ['Monitoring', 'prod-Monitoring', 'eu-west-1'], ['Workload', 'prod-Workload', 'eu-west-1']];
    expect(plan.REVIEWED_STACKS).toEqual(stacks.map(([, name, region]) => `${name}|${region}|arn:aws:iam::444444444444:role/shop-prod-review`));
    expect((plan.REVIEW_ENTRIES as string[]).map(e => e.replace(/[0-9A-F]{8}\.template/, 'HASH.template')))
      .toEqual(stacks.map(([id, name]) => `prod|${name}|assembly-prod/prod${id}HASH.template.json`));
    expect(plan.LIST_ENVIRONMENTS).toEqual(['prod']);
    expect(plan.LIST_ROLES).toEqual(['arn:aws:iam::444444444444:role/shop-prod-review']);
    // Prod's stacks are in two regions: it lists the stacks of both.
    expect(plan.LIST_REGIONS).toEqual(['eu-west-1 eu-central-1']);
    // The review, on the cloud assembly (test/pipeline/change-review-check.test.ts runs it). The job runs in the repository's
    // clone, whose history it checks against the commits the hotfix lane took to production (its pipeline, its source action,
    // its production stages).
    const commands: string[] = spec.phases.build.commands;
    expect(commands).toEqual([
      '. "${TMPDIR:-/tmp}/plan/job.sh"',
      '. "${TMPDIR:-/tmp}/gate-scripts/jobs/change-review.sh"',
      'review_change "$CODEBUILD_SRC_DIR_Synth_Output" --other-lane "hotfix lane|Tooling-Delivery-hotfix|acme_shop|prod"',
    ]);
    // It may read the three scripts and its plan, and nothing else of the asset bucket.
    expect(projectStatementsOf(json, review)).toContainEqual({
      Action: 's3:GetObject',
      Effect: 'Allow',
      Resource: [0, 1, 2, 3].map(() => expect.stringMatching(/^arn:aws:s3:::cdk-hnb659fds-assets-999999999999-eu-west-1\/[0-9a-f]{64}\.zip$/)),
    });
    expect(projectStatementsOf(json, review)).toContainEqual({
      Action: ['codepipeline:ListActionExecutions', 'codepipeline:ListPipelineExecutions'],
      Effect: 'Allow',
      Resource: 'arn:aws:codepipeline:eu-west-1:999999999999:Tooling-Delivery-hotfix',
    });
    // The hotfix lane's own review of Prod checks the other way round: that the hotfix undoes none of the main pipeline's production deploys.
    expect(buildSpecOf(json, actionOf(json, 'prod', 'ChangeReview', 'DeliveryHotfixPipelineDefinition')).phases.build.commands)
      .toContain('review_change "$CODEBUILD_SRC_DIR_Synth_Output" --other-lane "main pipeline|Tooling-Delivery|acme_shop|prod"');
    // It clones the commit through the connection.
    expect(projectStatementsOf(json, review)).toContainEqual({ Action: 'codestar-connections:UseConnection', Effect: 'Allow', Resource: CONNECTION_ARN });
    expect(review.InputArtifacts).toEqual([{ Name: 'acme_shop_Source' }, { Name: 'Synth_Output' }]);
    // CodePipeline keeps what the review exports with the execution: the summary, the digest of its record, its execution, the link to its build.
    expect(spec.env['exported-variables']).toEqual(['REVIEW_SUMMARY', 'REVIEW_DIGEST', 'REVIEWED_IN', 'REVIEW_URL']);
    expect(review.Namespace).toBe('Review_prod');
    expect(spec.artifacts).toEqual({ files: ['review.txt', 'summary.txt', 'deployed-templates.txt', 'assembly-files.txt', 'orphans-*.txt'] });
    expect(review.Configuration.EnvironmentVariables).toBe('[{"name":"EXECUTION_ID","type":"PLAINTEXT","value":"#{codepipeline.PipelineExecutionId}"}]');
    // The review reads with Prod's review role only (the app's review roles of Prod's account, tagged as Prod): it can deploy nothing.
    expect(projectStatementsOf(json, review).filter(s => s.Action === 'sts:AssumeRole')).toEqual([{
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'iam:ResourceTag/Environment': ['prod'] } },
      Effect: 'Allow',
      Resource: 'arn:aws:iam::444444444444:role/shop-*-review',
    }]);
    const approval = actionOf(json, 'prod', 'Review');
    // The review's summary, in the approval and its notification.
    expect(approval.Configuration.CustomData).toBe('Review prod (prod, account 444444444444): #{Review_prod.REVIEW_SUMMARY}. Full review: the link. '
      + 'Review digest #{Review_prod.REVIEW_DIGEST}: a deploy stops if its stacks or files differ from it');
    // The link is this execution's review build.
    expect(approval.Configuration.ExternalEntityLink).toBe('#{Review_prod.REVIEW_URL}');
    // The deploy reads the review, and first compares the deployed templates with the reviewed ones.
    const deploy = actionOf(json, 'prod', 'Deploy');
    expect(deploy.InputArtifacts).toEqual([{ Name: 'Synth_Output' }, { Name: 'Review_prod_Review' }]);
    const deployCommands: string[] = buildSpecOf(json, deploy).phases.build.commands;
    expect(actionVariablesOf(deploy)).toEqual([
      { name: 'EXECUTION_ID', type: 'PLAINTEXT', value: '#{codepipeline.PipelineExecutionId}' },
      { name: 'REVIEWED_IN', type: 'PLAINTEXT', value: '#{Review_prod.REVIEWED_IN}' },
      { name: 'REVIEW_DIGEST', type: 'PLAINTEXT', value: '#{Review_prod.REVIEW_DIGEST}' },
    ]);
    // The check is the last command before the deploy, of the review's output and the assembly that is the job's primary input.
    const check = deployCommands.indexOf('check_reviewed "$CODEBUILD_SRC_DIR_Review_prod_Review" "$CODEBUILD_SRC_DIR"');
    expect(deployCommands.slice(check - 1, check + 2)).toEqual(['. "${TMPDIR:-/tmp}/gate-scripts/jobs/change-review.sh"', deployCommands[check],
      expect.stringMatching(/^\[ -z "\$STACKS" \] \|\| cdk -a "\$CODEBUILD_SRC_DIR" deploy .* \$STACKS$/)]);
    // After the deploy, it deletes the stacks the review listed, and no other.
    expect(buildSpecOf(json, deploy).phases.build.commands).toContain('search_orphans "$CODEBUILD_SRC_DIR_Review_prod_Review/orphans-$ENVIRONMENT_NAME.txt"');
    expect(planOf(buildSpecOf(json, deploy), setup.app.outdir, 'prod').ORPHAN_MODE).toBe('approved');
    expect(planOf(buildSpecOf(json, deploy), setup.app.outdir, 'prod').REVIEWED_STACKS).toContain('prod-Foundation|eu-west-1|arn:aws:iam::444444444444:role/shop-prod-review');
  });

  test('Prod: an alarm-watched bake period rolls the stage back if an alarm fires', () => {
    const prod = stageNamed(setup.template, 'prod');
    const deploymentRole = 'arn:aws:iam::444444444444:role/shop-prod-deployment';
    expect(prod.OnSuccess).toEqual({
      Conditions: [{
        Result: 'ROLLBACK',
        Rules: ['shop-prod-5xx', 'shop-prod-latency'].map((alarm, i) => ({
          Name: `Bake${i + 1}`,
          RuleTypeId: { Category: 'Rule', Owner: 'AWS', Provider: 'CloudWatchAlarm', Version: '1' },
          Configuration: { AlarmName: alarm, AlarmStates: 'ALARM', WaitTime: '30' },
          Region: 'eu-west-1',
          RoleArn: deploymentRole,
        })),
      }],
    });
  });

  test('Demo: after Prod, its data re-seeded after the deploy, then smoke tests, which start once the deploy has ended: no build waits after production', () => {
    expect(main.demo).toEqual(['Deploy[Build/1]', 'TestsAfter[Build/2]']);
    // No test waits for its signal: Demo's deploy gives none, Prod's does.
    const signals = (stage: string) => JSON.stringify(buildSpecOf(json, actionOf(json, stage, 'Deploy')).phases).includes('signal_ready');
    expect([signals('demo'), signals('prod')]).toEqual([false, true]);
    expect(stepsAfterDeploy('demo')).toEqual([
      'echo "== SeedData of $ENVIRONMENT_NAME =="', inSubshell(['./scripts/seed']), 'echo "== SmokeTests of $ENVIRONMENT_NAME =="', inSubshell(['./scripts/test SMOKE']),
    ]);
  });

  test('Dev and QA deploy in CloudFormation\'s express mode, keeping its rollback; Staging, Prod, Demo and Hotfix in its standard mode', () => {
    const deployCommand = (stage: string, pipeline?: string): string => buildSpecOf(json, actionOf(json, stage, 'Deploy', pipeline)).phases.build.commands
      .find((c: string) => c.includes(' deploy --method=direct'));
    for (const stage of ['dev', 'qa']) expect(deployCommand(stage)).toContain(' deploy --method=direct --express --rollback --require-approval never ');
    for (const stage of ['staging', 'prod', 'demo']) expect(deployCommand(stage)).toContain(' deploy --method=direct --require-approval never ');
    expect(deployCommand('hotfix', 'DeliveryHotfixPipelineDefinition')).toContain(' deploy --method=direct --require-approval never ');
  });

  test('a deploy job may assume the CDK bootstrap roles it deploys with and the stack clean-up role of its environment, nothing more', () => {
    const assume = projectStatementsOf(json, actionOf(json, 'qa', 'Deploy')).filter(s => s.Action === 'sts:AssumeRole');
    expect(assume).toEqual([
      {
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'iam:ResourceTag/aws-cdk:bootstrap-role': ['deploy', 'file-publishing'] } },
        Effect: 'Allow',
        Resource: 'arn:aws:iam::222222222222:role/cdk-hnb659fds-*',
      },
      {
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'iam:ResourceTag/Environment': ['qa'] } },
        Effect: 'Allow',
        Resource: 'arn:aws:iam::222222222222:role/shop-*-stack-cleanup',
      },
    ]);
  });
});

describe('who may approve', () => {
  test('the release managers may approve exactly the Prod review, in both lanes, and nothing else', () => {
    const policies = Object.values(setup.template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('ReleaseManagers') }] },
    }));
    const statements = policies.flatMap(p => p.Properties.PolicyDocument.Statement);
    expect(statements.every(s => s.Action === 'codepipeline:PutApprovalResult')).toBe(true);
    // Under cdk init's minimizePolicies the two statements are one, with both resources.
    const resources = statements.flatMap(s => [s.Resource].flat()).map(r => JSON.stringify(r));
    // the one review of the whole stage, in the main pipeline and in the hotfix lane
    expect(resources).toHaveLength(2);
    expect(resources.every(r => r.includes('/prod/Review"'))).toBe(true);
    expect(resources.filter(r => r.includes('DeliveryHotfixPipelineDefinition'))).toHaveLength(1);
  });

  test('on-call may approve the hotfix sign-off only', () => {
    const policies = Object.values(setup.template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('OnCall') }] },
    }));
    const statements = policies.flatMap(p => p.Properties.PolicyDocument.Statement);
    expect(statements).toHaveLength(1);
    expect(JSON.stringify(statements[0].Resource)).toContain('/hotfix/SignOff');
  });
});

describe('the hotfix lane', () => {
  test('runs on pushes to hotfix branches, deploys Hotfix, then Prod through its own gates; it never updates a pipeline', () => {
    expect(Object.keys(hotfix)).toEqual(['Source', 'Build', 'hotfix', 'prod']);
    expect(hotfix.hotfix).toEqual(['Deploy[Build/1]', 'TestsAfter[Build/1]', 'SignOff[Approval/2]']);
    // Prod's review runs after the hotfix sign-off: no job of the lane reaches production before it.
    expect(hotfix.prod).toEqual(['ChangeReview[Build/1]', 'Review[Approval/2]', 'Deploy[Build/3]', 'TestsAfter[Build/3]']);
    setup.template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      PipelineType: 'V2',
      Triggers: [{
        ProviderType: 'CodeStarSourceConnection',
        GitConfiguration: { SourceActionName: 'acme_shop', Push: [{ Branches: { Includes: ['hotfix/*'] } }] },
      }],
    });
  });

  test('a manual run starts from the branch the pattern names, never from main', () => {
    const definition = Object.values(setup.template.findResources('AWS::CodePipeline::Pipeline'))
      .find(p => p.Properties.Triggers !== undefined)!;
    expect(definition.Properties.Stages[0].Actions[0].Configuration.BranchName).toBe('hotfix');
    expect(definition.Properties.Stages[0].Actions[0].Configuration.DetectChanges).toBe(false);
  });

  test('is reachable as hotfixPipeline, and absent without a hotfix environment', () => {
    expect(setup.pipeline.hotfixPipeline?.pipeline.pipelineArn).toBeDefined();
    const app = new cdk.App();
    const dev = environment(app, EnvironmentTier.DEV);
    const lone = newPipeline(app);
    lone.addEnvironment(dev);
    expect(lone.hotfixPipeline).toBeUndefined();
  });

  test('has artifact storage of its own: a bucket and a key that the main pipeline does not use', () => {
    const stores = (id: string) => {
      const properties = setup.template.toJSON().Resources[id].Properties;
      return JSON.stringify(properties.ArtifactStores ?? properties.ArtifactStore);
    };
    const [mainId, hotfixId] = ['DeliveryPipelineDefinition', 'HotfixPipelineDefinition'].map(prefix => pipelineIds.find(id => id.includes(prefix))!);
    const bucketOf = (id: string) => Object.keys(setup.template.findResources('AWS::S3::Bucket')).find(b => b.startsWith(id.replace(/[0-9A-F]{8}$/, '')))!;
    expect(stores(mainId)).toContain(bucketOf(mainId));
    expect(stores(mainId)).not.toContain(bucketOf(hotfixId));
    expect(stores(hotfixId)).toContain(bucketOf(hotfixId));
    expect(stores(hotfixId)).not.toContain(bucketOf(mainId));
    // The two artifact buckets, and the bucket of their access logs.
    setup.template.resourceCountIs('AWS::S3::Bucket', 3);
    // The two artifact keys, and the notification topic's.
    expect(Object.values(setup.template.findResources('AWS::KMS::Key')).map(k => k.Properties.Description ?? 'artifacts').sort())
      .toEqual(['Encrypts the pipeline notifications', 'artifacts', 'artifacts']);
  });
});

describe('what CloudFormation Guard\'s Control Tower controls ask of the pipeline', () => {
  const buckets = setup.template.findResources('AWS::S3::Bucket');
  const artifactIds = Object.keys(buckets).filter(id => id.includes('ArtifactsBucket'));
  const artifactsId = artifactIds[0];
  const logsId = Object.keys(buckets).find(id => id.startsWith('ArtifactAccessLogs'))!;

  test('each lane\'s artifact bucket is versioned, expires overwritten artifacts, logs its access and sends events to EventBridge', () => {
    expect(artifactIds).toHaveLength(2);
    for (const id of artifactIds) {
      expect(buckets[id].Properties).toMatchObject({
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: {
          Rules: [
            { Id: 'ExpireOverwrittenArtifacts', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 30 } },
            { Id: 'AbortIncompleteUploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } },
          ],
        },
        LoggingConfiguration: { DestinationBucketName: { Ref: logsId }, LogFilePrefix: `${id}/` },
        NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
      });
      expect(buckets[id].Metadata.guard.SuppressedRules).toEqual(['s3_bucket_object_lock_enabled_check']);
    }
  });

  test('the access logs of each artifact bucket have a prefix and a bucket-policy statement of their own', () => {
    const statements = Object.values(setup.template.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: logsId } } }))
      .flatMap(p => p.Properties.PolicyDocument.Statement).filter(s => s.Principal?.Service === 'logging.s3.amazonaws.com');
    expect(statements.map(s => s.Sid).sort()).toEqual(artifactIds.map(id => `S3ServerAccessLogsOf${id}`).sort());
    expect(statements.map(s => s.Resource['Fn::Join'][1][1]).sort()).toEqual(artifactIds.map(id => `/${id}/*`).sort());
  });

  test('only S3, for that bucket and account, may write its access logs', () => {
    setup.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logsId },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: `S3ServerAccessLogsOf${artifactsId}`,
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Action: 's3:PutObject',
          Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [artifactsId, 'Arn'] } }, StringEquals: { 'aws:SourceAccount': '999999999999' } },
        })]),
      },
    });
    expect(buckets[logsId].Metadata.guard.SuppressedRules.sort())
      .toEqual(['s3_bucket_default_encryption_kms_check', 's3_bucket_logging_enabled_check', 's3_bucket_object_lock_enabled_check']);
  });

  test('every key lets only AWS services create grants', () => {
    const keys = Object.values(setup.template.findResources('AWS::KMS::Key'));
    expect(keys).toHaveLength(3);
    for (const key of keys) {
      expect(key.Properties.KeyPolicy.Statement).toContainEqual(ONLY_AWS_SERVICES_CREATE_GRANTS);
    }
  });

  test('every CodeBuild project of both lanes logs to the pipeline\'s log group, encrypted and kept a year', () => {
    const [groupId, group] = Object.entries(setup.template.findResources('AWS::Logs::LogGroup')).find(([id]) => id.includes('BuildLogs'))!;
    expect(group.Properties).toEqual({ RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [expect.stringContaining('ArtifactsBucketEncryptionKey'), 'Arn'] } });
    const projects = Object.values(setup.template.findResources('AWS::CodeBuild::Project'));
    expect(projects.length).toBeGreaterThan(5);
    for (const project of projects) {
      expect(project.Properties.LogsConfig).toEqual({ CloudWatchLogs: { Status: 'ENABLED', GroupName: { Ref: groupId } } });
    }
  });
});

describe('notifications', () => {
  test('failed runs, waiting approvals and production deploys of both lanes go to one topic', () => {
    setup.template.resourceCountIs('AWS::SNS::Topic', 1);
    // The pipelines' own events; the detections of API calls are pipeline-detections.test.ts's, the delivery record's rules delivery-events.test.ts's.
    const rules = Object.entries(setup.template.findResources('AWS::Events::Rule')).filter(([id]) => !id.includes('DeliveryEvents')).map(([, r]) => r.Properties)
      .filter(r => r.EventPattern['detail-type'][0] !== 'AWS API Call via CloudTrail');
    expect(rules.map(r => r.EventPattern['detail-type'][0]).sort()).toEqual([
      'CodePipeline Action Execution State Change', 'CodePipeline Pipeline Execution State Change', 'CodePipeline Stage Execution State Change',
    ]);
    for (const rule of rules) {
      expect(rule.EventPattern.detail.pipeline).toHaveLength(2);
      expect(rule.Targets).toHaveLength(1);
      expect(rule.Targets[0].Arn).toEqual({ Ref: expect.stringMatching(/NotificationsTopic/) });
    }
    const production = rules.find(r => r.EventPattern['detail-type'][0] === 'CodePipeline Stage Execution State Change')!;
    expect(production.EventPattern.detail).toEqual(expect.objectContaining({ stage: ['prod'], state: ['SUCCEEDED'] }));
    const approvals = rules.find(r => r.EventPattern['detail-type'][0] === 'CodePipeline Action Execution State Change')!;
    expect(approvals.EventPattern.detail).toEqual(expect.objectContaining({ state: ['STARTED'], type: { category: ['Approval'] } }));
  });

  test('the topic is encrypted with a rotated key of its own, which EventBridge may use to publish', () => {
    const [keyId] = Object.keys(setup.template.findResources('AWS::KMS::Key', { Properties: { Description: 'Encrypts the pipeline notifications' } }));
    setup.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    setup.template.hasResourceProperties('AWS::KMS::Key', {
      Description: 'Encrypts the pipeline notifications',
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([{
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Resource: '*',
        }]),
      },
    });
  });

  test('an alarm counts failed runs', () => {
    setup.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Events',
      MetricName: 'TriggeredRules',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: [{ Name: 'RuleName', Value: { Ref: Match.stringLikeRegexp('RunFailed') } }],
    });
  });

  test('a Slack channel through AWS Chatbot, and a topic of the user\'s', () => {
    const app = new cdk.App();
    const dev = environment(app, EnvironmentTier.DEV);
    const topicStack = new cdk.Stack(app, 'Topics', { env: { account: '999999999999', region: 'eu-west-1' } });
    const topic = new sns.Topic(topicStack, 'Team');
    const pipeline = newPipeline(app, { notificationTopic: topic, slack: { workspaceId: 'T0123', channelId: 'C0456' } });
    pipeline.addEnvironment(dev);
    const template = Template.fromStack(cdk.Stack.of(pipeline));
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.resourceCountIs('AWS::KMS::Key', 1); // the artifact key alone
    template.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      SlackWorkspaceId: 'T0123', SlackChannelId: 'C0456', SnsTopicArns: [{ 'Fn::ImportValue': Match.stringLikeRegexp('Team') }],
    });
  });
});

describe('change review', () => {
  test('runs beside the stage before only after that stage\'s approval: after Dev, which has none, it waits in Prod\'s own stage', () => {
    const app = new cdk.App();
    const dev = environment(app, EnvironmentTier.DEV);
    const prod = environment(app, EnvironmentTier.PROD, { cidr: '10.9.0.0/16' });
    const pipeline = newPipeline(app);
    pipeline.addEnvironment(dev);
    pipeline.addEnvironment(prod, { approvers: [iam.Role.fromRoleName(cdk.Stack.of(pipeline), 'A', 'a')], bakeTime: cdk.Duration.minutes(0) });
    const stages = Object.values(stagesOf(Template.fromStack(cdk.Stack.of(pipeline)).toJSON()))[0];
    expect(stages.dev).toEqual(['Deploy[Build/1]', 'TestsAfter[Build/1]']);
    expect(stages.prod).toEqual(['ChangeReview[Build/1]', 'Review[Approval/2]', 'Deploy[Build/3]', 'TestsAfter[Build/3]']);
  });

  test('covers every stack of the environment, also those nested in constructs', () => {
    const app = new cdk.App();
    const prod = environment(app, EnvironmentTier.PROD);
    new cdk.Stack(new Construct(prod, 'Group'), 'Nested').addDependency(prod.foundation);
    const pipeline = newPipeline(app);
    pipeline.addEnvironment(prod, { approvers: [iam.Role.fromRoleName(cdk.Stack.of(pipeline), 'A', 'a')], bakeTime: cdk.Duration.minutes(0) });
    const template = Template.fromStack(cdk.Stack.of(pipeline)).toJSON();
    const review = buildSpecOf(template, actionOf(template, 'prod', 'ChangeReview'));
    expect((planOf(review, app.outdir, 'job').REVIEW_ENTRIES as string[]).slice(-2)).toEqual([
      expect.stringMatching(/^prod\|prod-Monitoring\|/), expect.stringMatching(/^prod\|prod-GroupNested[0-9A-F]{8}\|assembly-prod\/prodGroupNested[0-9A-F]{8}\.template\.json$/),
    ]);
    const variables = planOf(buildSpecOf(template, actionOf(template, 'prod', 'Deploy')), app.outdir, 'prod');
    expect(variables.STACKS).toBe('prod/Foundation prod/AccountBaseline prod/FoundationBackupCopy prod/Monitoring prod/Group/Nested');
  });
});

describe('assets', () => {
  test('are published by each environment\'s deploy, after its gate: there is no Assets stage, and a job with Docker only where an image is built', () => {
    const app = new cdk.App();
    const dev = environment(app, EnvironmentTier.DEV);
    const workload = new cdk.Stack(dev, 'Workload');
    for (const dir of ['support', 'tiers']) {
      new s3assets.Asset(workload, `Asset-${dir}`, { path: path.join(__dirname, '..', dir) });
    }
    const qa = environment(app, EnvironmentTier.QA, { cidr: '10.1.0.0/16' });
    // An image (here from a tarball: any file will do for the synth), which the deploy builds and pushes with Docker.
    new ecrAssets.TarballImageAsset(new cdk.Stack(qa, 'Workload'), 'Image', { tarballFile: __filename });
    const pipeline = newPipeline(app);
    pipeline.addEnvironment(dev);
    pipeline.addEnvironment(qa);
    const template = Template.fromStack(cdk.Stack.of(pipeline)).toJSON();
    expect(Object.keys(Object.values(stagesOf(template))[0])).toEqual(['Source', 'Build', 'UpdatePipeline', 'dev', 'qa']);
    const project = (stage: string) => template.Resources[actionOf(template, stage, 'Deploy').Configuration.ProjectName.Ref].Properties;
    expect(project('dev').Environment.PrivilegedMode).toBe(false);
    expect(project('qa').Environment.PrivilegedMode).toBe(true);
    expect(projectStatementsOf(template, actionOf(template, 'qa', 'Deploy'))).toContainEqual(expect.objectContaining({
      Condition: { StringEquals: { 'iam:ResourceTag/aws-cdk:bootstrap-role': ['deploy', 'file-publishing', 'image-publishing'] } },
    }));
  });
});

function stageNamed(template: Template, name: string): any {
  const definition = Object.values(template.findResources('AWS::CodePipeline::Pipeline'))
    .find(p => p.Properties.Triggers === undefined)!;
  return definition.Properties.Stages.find((s: any) => s.Name === name);
}

describe('the roles that reach into the environments', () => {
  /** Every role of the tooling stack allowed to assume an environment's role whose name ends with `suffix`: its IAM path, and the environments. */
  const rolesAssuming = (suffix: string) => Object.values<any>(json.Resources)
    .filter(r => r.Type === 'AWS::IAM::Policy')
    .flatMap(p => p.Properties.PolicyDocument.Statement
      .filter((st: any) => st.Effect === 'Allow' && [st.Action].flat().includes('sts:AssumeRole') && JSON.stringify(st.Resource).includes(`${suffix}"`))
      .map((st: any) => ({
        paths: p.Properties.Roles.map((ref: any) => json.Resources[ref.Ref].Properties.Path ?? '/'),
        environments: [...JSON.stringify(st.Resource).matchAll(new RegExp(`role/shop-([a-z0-9-]+)${suffix}"`, 'g'))].map(m => m[1]),
      })));

  test('are on the path the environments\' roles trust: the test builds of each environment and the pipelines for its deployment role, its deploy builds for its clean-up role', () => {
    const deployment = rolesAssuming('-deployment');
    const cleanup = rolesAssuming('-stack-cleanup');
    expect(deployment.length).toBeGreaterThan(2);
    expect(cleanup.length).toBeGreaterThan(2);
    // A test or deploy build names in its path (by token) every environment whose role it may assume; the pipelines (the bake of Prod) are on their own path.
    for (const { paths, environments } of deployment) {
      for (const rolePath of paths.filter((p: string) => p !== '/cdk-multi-env/shop/pipeline/')) {
        expect(rolePath).toMatch(/^\/cdk-multi-env\/shop\/tests\/(\+[0-9a-f]{8})+\+\/$/);
        for (const env of environments) expect(rolePath).toContain(`+${TOKEN_OF_TIER[env]}+`);
      }
    }
    for (const { paths, environments } of cleanup) {
      for (const rolePath of paths) {
        expect(rolePath).toMatch(/^\/cdk-multi-env\/shop\/deploy\/(\+[0-9a-f]{8})+\+\/$/);
        for (const env of environments) expect(rolePath).toContain(`+${TOKEN_OF_TIER[env]}+`);
      }
    }
    // And the environments' roles trust exactly those: the test and deploy builds that name them.
    const trust = (name: string) => Object.values<any>(Template.fromStack(setup.envs.prod.foundation).toJSON().Resources)
      .find(r => r.Properties?.RoleName === name).Properties.AssumeRolePolicyDocument.Statement[0].Condition.ArnLike['aws:PrincipalArn']
      .map((arn: any) => arn['Fn::Join'][1][2].replace(/^:iam::999999999999:role/, ''));
    expect(trust('shop-prod-deployment')).toEqual([`/cdk-multi-env/shop/tests/*+${TOKEN_OF_TIER.prod}+*`, '/cdk-multi-env/shop/pipeline/*']);
    expect(trust('shop-prod-stack-cleanup')).toEqual([`/cdk-multi-env/shop/deploy/*+${TOKEN_OF_TIER.prod}+*`]);
  });
});

