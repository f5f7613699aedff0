import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ApprovalGate, EnvironmentTier, PipelineSource, TestKind } from '../../src';
import { environment } from '../support/environments';
import { ALL_TESTS, CONNECTION_ARN, newPipeline } from '../support/pipelines';

/** An app with one environment per named tier, each in its own range. */
function envs(...tiers: EnvironmentTier[]) {
  const app = new cdk.App();
  return { app, envs: tiers.map((tier, i) => environment(app, tier, { cidr: `10.${i}.0.0/16` })) };
}

function approver(app: cdk.App) {
  return iam.Role.fromRoleName(new cdk.Stack(app, 'People'), 'Approver', 'release-managers');
}

describe('promotion order', () => {
  test('the same environment twice', () => {
    const { app, envs: [dev] } = envs(EnvironmentTier.DEV);
    const pipeline = newPipeline(app);
    pipeline.addEnvironment(dev);
    expect(() => pipeline.addEnvironment(dev)).toThrow(new Error(
      "[Tooling/Delivery] MultiEnvPipeline 'Delivery': addEnvironment 'dev': environment 'dev' is already in the pipeline; add each environment once"));
  });

  test('a non-production environment after production', () => {
    const { app, envs: [prod, qa] } = envs(EnvironmentTier.PROD, EnvironmentTier.QA);
    const pipeline = newPipeline(app);
    pipeline.addEnvironment(prod, { approvers: [approver(app)], bakeAlarmNames: ['a'] });
    expect(() => pipeline.addEnvironment(qa)).toThrow(new Error(
      "[Tooling/Delivery] MultiEnvPipeline 'Delivery': addEnvironment 'qa': environment 'qa' (tier qa) is not a production tier but would come after production environment 'prod'; add it before, or use a tier that deploys AFTER_PRODUCTION (like DEMO)"));
  });

  test('Dev after another environment', () => {
    const { app, envs: [qa, dev] } = envs(EnvironmentTier.QA, EnvironmentTier.DEV);
    const pipeline = newPipeline(app);
    pipeline.addEnvironment(qa);
    expect(() => pipeline.addEnvironment(dev)).toThrow(new Error(
      "[Tooling/Delivery] MultiEnvPipeline 'Delivery': addEnvironment 'dev': environment 'dev' (tier dev) deploys on every commit, so it comes first; add it before 'qa'"));
  });

  test('Demo before any production environment', () => {
    const { app, envs: [demo] } = envs(EnvironmentTier.DEMO);
    expect(() => newPipeline(app).addEnvironment(demo)).toThrow(new Error(
      "[Tooling/Delivery] MultiEnvPipeline 'Delivery': addEnvironment 'demo': environment 'demo' (tier demo) follows production, but no production environment is in the pipeline yet; add the production environment first"));
  });

  test('an environment after one that follows production', () => {
    const { app, envs: [prod, demo] } = envs(EnvironmentTier.PROD, EnvironmentTier.DEMO);
    const prod2 = environment(app, EnvironmentTier.PROD, { environmentName: 'prod-us', cidr: '10.9.0.0/16' });
    const pipeline = newPipeline(app);
    const options = { approvers: [approver(app)], bakeAlarmNames: ['a'] };
    pipeline.addEnvironment(prod, options);
    pipeline.addEnvironment(demo);
    expect(() => pipeline.addEnvironment(prod2, options)).toThrow(/comes after 'demo', which follows production; add it before 'demo'/);
  });

  test('production reached without an approval', () => {
    const { app, envs: [prod] } = envs(EnvironmentTier.PROD);
    expect(() => newPipeline(app).addEnvironment(prod, { approvalBeforeDeploy: ApprovalGate.NONE, approvers: [approver(app)], bakeAlarmNames: ['a'] }))
      .toThrow(/approvalBeforeDeploy is NONE; for a production tier \(production is true\) expected MANUAL_APPROVAL or CHANGE_REVIEW, so no change reaches end users unapproved/);
  });

  test('a hotfix environment with no approval: the lane would reach production unapproved', () => {
    const { app } = envs();
    const open = EnvironmentTier.custom({ name: 'patch', basedOn: EnvironmentTier.HOTFIX, approvalAfterDeploy: ApprovalGate.NONE, restrictedApprovers: false });
    const patch = environment(app, open);
    expect(() => newPipeline(app).addEnvironment(patch)).toThrow(new Error(
      "[Tooling/Delivery] MultiEnvPipeline 'Delivery': addEnvironment 'patch': approvalAfterDeploy is NONE, and so is approvalBeforeDeploy, for hotfix environment 'patch' (tier patch); "
      + 'the hotfix lane runs the code of any branch pushed to it and goes on to production after this environment, so it needs an approval first: '
      + 'set approvalAfterDeploy to MANUAL_APPROVAL (with approvers)'));
  });
});

describe('what an environment needs', () => {
  test('Prod without named approvers', () => {
    const { app, envs: [prod] } = envs(EnvironmentTier.PROD);
    expect(() => newPipeline(app).addEnvironment(prod, { bakeAlarmNames: ['a'] })).toThrow(new Error(
      "[Tooling/Delivery] MultiEnvPipeline 'Delivery': addEnvironment 'prod': approvers is empty, but only named approvers may approve the gates of environment 'prod' (tier prod); set approvers in the options of addEnvironment or addWave: the IAM roles or users of the tooling account who may approve them"));
  });

  test('Prod without alarms to watch during its bake period', () => {
    const { app, envs: [prod] } = envs(EnvironmentTier.PROD);
    expect(() => newPipeline(app).addEnvironment(prod, { approvers: [approver(app)] })).toThrow(new Error(
      "[Tooling/Delivery] MultiEnvPipeline 'Delivery': addEnvironment 'prod': bakeAlarmNames is empty, but environment 'prod' (tier prod) bakes for 30 minutes after deploy; name the alarms (in the environment's account and region) to watch, or set bakeTime to zero"));
  });

  test('a bake time that is not whole minutes', () => {
    const { app, envs: [prod] } = envs(EnvironmentTier.PROD);
    expect(() => newPipeline(app).addEnvironment(prod, { approvers: [approver(app)], bakeAlarmNames: ['a'], bakeTime: cdk.Duration.seconds(90) }))
      .toThrow(/bakeTime is 1 minute 30 seconds for environment 'prod' \(tier prod\); CodePipeline waits in whole minutes/);
  });

  test('a test kind the tier runs but nobody wrote', () => {
    const { app, envs: [qa] } = envs(EnvironmentTier.QA);
    const pipeline = newPipeline(app, { tests: ALL_TESTS.filter(t => t.kind !== TestKind.PERFORMANCE) });
    expect(() => pipeline.addEnvironment(qa)).toThrow(new Error(
      "[Tooling/Delivery] MultiEnvPipeline 'Delivery': addEnvironment 'qa': tests has no test of kind PERFORMANCE, which environment 'qa' (tier qa) runs after deploy; add one, or set testsAfterDeploy for this environment"));
  });

  test('a Demo environment with no data seed', () => {
    const { app, envs: [prod, demo] } = envs(EnvironmentTier.PROD, EnvironmentTier.DEMO);
    const pipeline = newPipeline(app, { dataSeed: undefined });
    pipeline.addEnvironment(prod, { approvers: [approver(app)], bakeAlarmNames: ['a'] });
    expect(() => pipeline.addEnvironment(demo)).toThrow(/dataSeed is missing, but environment 'demo' \(tier demo\) re-seeds its data on every deploy; give the commands that seed it/);
  });

  test('approvers for an environment without a gate', () => {
    const { app, envs: [dev] } = envs(EnvironmentTier.DEV);
    expect(() => newPipeline(app).addEnvironment(dev, { approvers: [approver(app)] })).toThrow(
      /approvers are given, but environment 'dev' \(tier dev\) has no approval gate; set approvalBeforeDeploy or approvalAfterDeploy, or remove approvers/);
  });

  test('a change review after deploy', () => {
    const { app, envs: [qa] } = envs(EnvironmentTier.QA);
    expect(() => newPipeline(app).addEnvironment(qa, { approvalAfterDeploy: ApprovalGate.CHANGE_REVIEW })).toThrow(
      /addEnvironment 'qa': approvalAfterDeploy is CHANGE_REVIEW, but a change review shows the change before it is made; use MANUAL_APPROVAL after deploy, or CHANGE_REVIEW in approvalBeforeDeploy/);
  });

  test('unit tests after deploy', () => {
    const { app, envs: [dev] } = envs(EnvironmentTier.DEV);
    expect(() => newPipeline(app).addEnvironment(dev, { testsAfterDeploy: [TestKind.UNIT] })).toThrow(
      /addEnvironment 'dev': testsAfterDeploy contains UNIT, but unit tests need no environment and run in the synth step; move UNIT to testsBeforeDeploy/);
  });

  test('bake alarms without a bake period', () => {
    const { app, envs: [staging] } = envs(EnvironmentTier.STAGING);
    expect(() => newPipeline(app).addEnvironment(staging, { bakeAlarmNames: ['shop-staging-errors'] })).toThrow(
      /bakeAlarmNames are given, but environment 'staging' \(tier staging\) has no bake period \(bakeTime is zero\); set bakeTime, or remove bakeAlarmNames/);
  });

  test('unit tests for one environment', () => {
    const { app, envs: [dev] } = envs(EnvironmentTier.DEV);
    expect(() => newPipeline(app).addEnvironment(dev, { tests: [{ kind: TestKind.UNIT, commands: ['npm test'] }] })).toThrow(
      /tests has a UNIT test for environment 'dev' \(tier dev\); unit tests run once, in the synth step: give them in the pipeline's tests/);
  });

  test('an environment that trusts another tooling account than the pipeline\'s', () => {
    const { app, envs: [dev] } = envs(EnvironmentTier.DEV);
    const other = environment(app, EnvironmentTier.QA, { toolingAccount: '888888888888', cidr: '10.8.0.0/16' });
    const pipeline = newPipeline(app);
    pipeline.addEnvironment(dev);
    expect(() => pipeline.addEnvironment(other)).toThrow(
      /environment 'qa' trusts tooling account 888888888888, but this pipeline runs in 999999999999; give the environment this pipeline's account as toolingAccount/);
  });

  test('options override the tier: Prod without bake and with a plain approval', () => {
    const { app, envs: [prod] } = envs(EnvironmentTier.PROD);
    const pipeline = newPipeline(app);
    pipeline.addEnvironment(prod, {
      approvers: [iam.Role.fromRoleName(cdk.Stack.of(pipeline), 'Approver', 'release-managers')],
      bakeTime: cdk.Duration.minutes(0),
      approvalBeforeDeploy: ApprovalGate.MANUAL_APPROVAL,
    });
    const [definition] = Object.values(Template.fromStack(cdk.Stack.of(pipeline)).findResources('AWS::CodePipeline::Pipeline'));
    const stage = definition.Properties.Stages.find((s: { Name: string }) => s.Name === 'prod');
    const actions = stage.Actions.map((a: { Name: string }) => a.Name);
    // One approval before the deploy instead of the change review (the stacks Prod no longer has listed for it), and no bake (no rollback condition).
    expect(actions).toEqual(['ListOrphans', 'Approve', 'Deploy', 'TestsAfter']);
    expect(stage.OnSuccess).toBeUndefined();
  });
});

describe('pipeline props', () => {
  test.each([
    ['a hotfix pattern that matches the main branch', { hotfixBranches: ['*'] },
      "[Tooling/Delivery] MultiEnvPipeline 'Delivery': hotfixBranches has '*', which matches the source branch 'main'; a push to it would start both lanes"],
    ['no hotfix pattern', { hotfixBranches: [] },
      "[Tooling/Delivery] MultiEnvPipeline 'Delivery': hotfixBranches is empty; give at least one pattern, for example hotfix/*"],
    ['two tests of one kind', { tests: [...ALL_TESTS, { kind: TestKind.SMOKE, commands: ['again'] }] },
      "[Tooling/Delivery] MultiEnvPipeline 'Delivery': tests has two tests of kind SMOKE; give one test per kind, with all its commands"],
    ['a test with no commands', { tests: [{ kind: TestKind.SMOKE, commands: [] }] },
      "[Tooling/Delivery] MultiEnvPipeline 'Delivery': tests has a SMOKE test with no commands"],
    ['a CDK CLI version that is not pinned', { cdkCliVersion: '2' },
      "[Tooling/Delivery] MultiEnvPipeline 'Delivery': cdkCliVersion is '2'; expected an exact version such as 2.1148.1, so that what runs in the pipeline changes only when you change it"],
  ])('rejects %s', (_, props, message) => {
    expect(() => newPipeline(new cdk.App(), props)).toThrow(new Error(message));
  });

  test('a unit test reading stack outputs', () => {
    const app = new cdk.App();
    const output = new cdk.CfnOutput(new cdk.Stack(app, 'S'), 'Url', { value: 'x' });
    expect(() => newPipeline(app, { tests: [{ kind: TestKind.UNIT, commands: ['npm test'], envFromOutputs: { URL: output } }] })).toThrow(new Error(
      "[Tooling/Delivery] MultiEnvPipeline 'Delivery': tests has a UNIT test with envFromOutputs; unit tests run in the synth step, before any environment exists"));
  });

  test.each([
    ['acme', { connectionArn: CONNECTION_ARN }, "PipelineSource.connection: repository is 'acme'; expected 'owner/name'"],
    ['acme/shop', { connectionArn: 'arn:aws:s3:::bucket' },
      "PipelineSource.connection: connectionArn is 'arn:aws:s3:::bucket'; expected the ARN of a CodeConnections connection, arn:aws:codeconnections:<region>:<account>:connection/<id>"],
    ['acme/shop', { connectionArn: CONNECTION_ARN, branch: 'release/*' },
      "PipelineSource.connection: branch is 'release/*'; expected the name of one branch, with no wildcard"],
  ])('PipelineSource.connection rejects %j %j', (repository, options, message) => {
    expect(() => PipelineSource.connection(repository, options)).toThrow(new Error(message));
  });
});

describe('IAM limits', () => {
  test('a wave of more environments than the IAM path of its build roles can name is an error naming the wave, the length, the most a wave can hold and what to do, and nothing is written', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'role-path-'));
    const app = new cdk.App({ outdir });
    // 54 Dev environments: /cdk-multi-env/shop/review/ (27 characters), then + and a token of 8 for each, a + and a /: 515.
    const wide = Array.from({ length: 54 }, (_, i) => environment(app, EnvironmentTier.DEV, {
      environmentName: `dev-${i}`,
      // Each in an account of its own: a wave's environments deploy side by side.
      account: String(100000000000 + i),
      cidr: `10.${i}.0.0/16`,
    }));
    const pipeline = newPipeline(app);
    pipeline.addWave('Dev', wide);
    expect(() => app.synth()).toThrow(new RegExp('environments of wave Dev \\(54\\) are named, by a token of 8 characters each, in the IAM path of the roles of the builds that review, deploy and test them, '
      + 'which makes a path of 515 characters; IAM allows 512\\. Spread them over more waves \\(at most 53 to a wave\\), or split the app into several apps with a pipeline each'));
    expect(fs.existsSync(path.join(outdir, 'manifest.json'))).toBe(false);
    expect(fs.readdirSync(outdir, { recursive: true }).map(String).filter(f => f.endsWith('.template.json'))).toEqual([]);
    fs.rmSync(outdir, { recursive: true, force: true });
  }, 120_000);

  test('two environments whose names have the same token, which stands for each in the IAM path its roles trust, are an error naming both and the token, and nothing is written', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'role-token-'));
    const app = new cdk.App({ outdir });
    // printf %s env-30114 | sha256sum and printf %s env-57629 | sha256sum both start with 6a8b6934.
    const dev = environment(app, EnvironmentTier.DEV, { environmentName: 'env-30114' });
    const qa = environment(app, EnvironmentTier.QA, { environmentName: 'env-57629', cidr: '10.1.0.0/16' });
    const pipeline = newPipeline(app);
    pipeline.addEnvironment(dev);
    pipeline.addEnvironment(qa);
    expect(() => app.synth()).toThrow("MultiEnvPipeline 'Delivery': environments 'env-30114' and 'env-57629' have the same token (6a8b6934, the first 8 hexadecimal digits of the name's SHA-256), "
      + "which stands for an environment in the IAM path the environments' roles trust; rename one of them");
    expect(fs.readdirSync(outdir, { recursive: true }).map(String).filter(f => f.endsWith('.template.json'))).toEqual([]);
    fs.rmSync(outdir, { recursive: true, force: true });
  });
});
