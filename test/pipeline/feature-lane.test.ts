import * as fs from 'fs';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as fc from 'fast-check';
import { EnvironmentTier, MultiEnvPipelineProps, TestKind } from '../../src';
import { featureSuffix } from '../../src/private/feature-context';
import { FIXED_DEFAULTS } from '../../src/tiers/fixed-defaults';
import { environment } from '../support/environments';
import { newPipeline } from '../support/pipelines';

/** An app with Dev and a pipeline; `context` is what a feature lane's build writes into cdk.context.json. */
function appWithDev(context: Record<string, unknown> = {}, props: Partial<MultiEnvPipelineProps> = {}) {
  const app = new cdk.App({ context });
  const dev = environment(app, EnvironmentTier.DEV, { environmentName: 'dev' });
  new cdk.Stack(dev, 'Workload').addDependency(dev.foundation);
  const pipeline = newPipeline(app, props);
  pipeline.addEnvironment(dev);
  return { app, dev, pipeline };
}

/** The pipelines of the tooling stack, by the id of their construct's path. */
function pipelines(template: Template) {
  return template.findResources('AWS::CodePipeline::Pipeline');
}

/** The build spec of the CodeBuild project whose description starts with `prefix`. */
function buildSpec(template: Template, prefix: string): any {
  const [project] = Object.values(template.findResources('AWS::CodeBuild::Project', { Properties: { Description: Match.stringLikeRegexp(`^${prefix}`) } }));
  const spec = project.Properties.Source.BuildSpec;
  return JSON.parse(typeof spec === 'string' ? spec : spec['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : 'aws')).join(''));
}

/** The build script of that project. */
function buildScript(template: Template, prefix: string): string {
  return buildSpec(template, prefix).phases.build.commands.join('\n');
}

/** Its install commands. */
function installOf(template: Template, prefix: string): string[] {
  return buildSpec(template, prefix).phases.install.commands;
}

describe('MultiEnvPipeline feature environments', () => {
  test('GIVEN a feature lane THEN pushes to feature/* start the deploy pipeline and closed pull requests into main start the teardown, runs in parallel', () => {
    const { pipeline, dev } = appWithDev();
    const lane = pipeline.addFeatureEnvironments(dev);
    const template = Template.fromStack(cdk.Stack.of(pipeline));
    expect([lane.branches, lane.maxEnvironments, lane.timeToLive.toDays()]).toEqual([['feature/*'], 5, 7]);
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      PipelineType: 'V2',
      ExecutionMode: 'PARALLEL',
      Triggers: [{ ProviderType: 'CodeStarSourceConnection', GitConfiguration: { Push: [{ Branches: { Includes: ['feature/*'] } }], SourceActionName: 'Source' } }],
      Stages: [Match.objectLike({ Name: 'Source' }), Match.objectLike({
        Name: 'Deploy',
        Actions: [Match.objectLike({
          Configuration: Match.objectLike({ EnvironmentVariables: Match.stringLikeRegexp('"name":"BRANCH","type":"PLAINTEXT","value":"#{DeploySource.BranchName}"') }),
        })],
      })],
    });
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      ExecutionMode: 'PARALLEL',
      Triggers: [{ ProviderType: 'CodeStarSourceConnection', GitConfiguration: { PullRequest: [{ Branches: { Includes: ['main'] }, Events: ['CLOSED'] }], SourceActionName: 'Source' } }],
      Stages: [Match.objectLike({ Name: 'Source' }), Match.objectLike({ Name: 'Teardown' })],
    });
  });

  test('GIVEN a feature lane THEN the main pipeline is exactly what it was without it', () => {
    const mainPipeline = (withLane: boolean) => {
      const { pipeline, dev } = appWithDev();
      if (withLane) pipeline.addFeatureEnvironments(dev);
      const template = Template.fromStack(cdk.Stack.of(pipeline));
      return Object.entries(pipelines(template)).filter(([id]) => !id.includes('FeatureLane'));
    };
    expect(mainPipeline(true)).toEqual(mainPipeline(false));
  });

  test('GIVEN a push THEN the build checks the branch, points the app at its copy, tests, checks the limit, deploys only the copy and smoke-tests it', () => {
    const { pipeline, dev } = appWithDev();
    pipeline.addFeatureEnvironments(dev, { maxEnvironments: 3, timeToLive: cdk.Duration.hours(48) });
    const script = buildScript(Template.fromStack(cdk.Stack.of(pipeline)), 'Deploys and tests');
    const lines = script.split('\n');
    // Only the pinned CDK CLI is installed before the branch is checked; the app's dependencies after.
    expect(installOf(Template.fromStack(cdk.Stack.of(pipeline)), 'Deploys and tests')).toEqual(['npm install -g aws-cdk@2.1148.1']);
    expect(lines[0]).toBe('set -euo pipefail');
    expect(lines[1]).toBe('if [[ ! "$BRANCH" =~ ^feature\\/[^/]*$ ]]; then echo "$BRANCH is not a feature branch (feature/*): nothing to do"; exit 0; fi');
    expect(lines[2]).toBe('npm ci');
    expect(lines[3]).toContain('Object.assign(context, {"cdk-multi-env:feature-copy-of":"dev","cdk-multi-env:feature-ttl-hours":48}, { "cdk-multi-env:feature-branch": process.env.BRANCH })');
    expect(lines.slice(4, 6)).toEqual(['./scripts/test UNIT', 'npx cdk synth']);
    expect(script).toContain('arn:aws:iam::111111111111:role/cdk-hnb659fds-lookup-role-111111111111-eu-west-1');
    expect(script).toContain('if [ "$(echo "$IN_USE" | grep -c .)" -ge 3 ]; then echo "All 3 feature environments are in use: $(echo $IN_USE).');
    // A copy of Dev deploys as Dev does, in CloudFormation's express mode with its rollback kept.
    expect(lines.slice(-2)).toEqual(['cdk deploy --app cdk.out --express --rollback --require-approval never "$STAGE/*"', './scripts/test SMOKE']);
  });

  test('GIVEN a closed pull request THEN the teardown destroys only the branch\'s copy, and runs nothing of another branch', () => {
    const { pipeline, dev } = appWithDev();
    pipeline.addFeatureEnvironments(dev);
    const script = buildScript(Template.fromStack(cdk.Stack.of(pipeline)), 'Tears down');
    // Any pull request closed into main starts the teardown: the branch is checked before any of its code (npm ci's scripts included) runs.
    const lines = script.split('\n');
    expect(lines[1]).toContain('echo "$BRANCH is not a feature branch (feature/*): nothing to do"; exit 0');
    expect(lines[2]).toBe('npm ci');
    expect(installOf(Template.fromStack(cdk.Stack.of(pipeline)), 'Tears down')).toEqual(['npm install -g aws-cdk@2.1148.1']);
    expect(script.split('\n').slice(-1)).toEqual(['cdk destroy --app cdk.out --force "$STAGE/*"']);
  });

  test('GIVEN a feature lane THEN its builds may assume the Dev account\'s CDK bootstrap roles and nothing else', () => {
    const { pipeline, dev } = appWithDev();
    pipeline.addFeatureEnvironments(dev);
    const template = Template.fromStack(cdk.Stack.of(pipeline));
    // The partition written out: the environment's region (eu-west-1) is in the aws partition.
    const roles = ['deploy', 'file-publishing', 'image-publishing', 'lookup'].map(role => `arn:aws:iam::111111111111:role/cdk-hnb659fds-${role}-role-111111111111-eu-west-1`);
    const assumes = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter(p => p.Properties.Roles.some((r: any) => r.Ref.includes('FeatureLane')))
      .flatMap(p => p.Properties.PolicyDocument.Statement)
      .filter((s: any) => s.Action === 'sts:AssumeRole' && JSON.stringify(s.Resource).includes('cdk-hnb659fds'));
    expect(assumes).toEqual([{ Action: 'sts:AssumeRole', Effect: 'Allow', Resource: roles }, { Action: 'sts:AssumeRole', Effect: 'Allow', Resource: roles }]);
  });

  test('GIVEN a feature account THEN the builds assume that account\'s CDK bootstrap roles only, count its copies there, and the copy they synthesize is in it', () => {
    const { pipeline, dev } = appWithDev();
    const lane = pipeline.addFeatureEnvironments(dev, { featureAccount: '777777777777' });
    expect(lane.account).toBe('777777777777');
    const template = Template.fromStack(cdk.Stack.of(pipeline));
    const assumed = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter(p => p.Properties.Roles.some((r: any) => r.Ref.includes('FeatureLane')))
      .flatMap(p => p.Properties.PolicyDocument.Statement).filter((st: any) => st.Action === 'sts:AssumeRole');
    expect(assumed.flatMap((st: any) => st.Resource)).toEqual(expect.arrayContaining(['arn:aws:iam::777777777777:role/cdk-hnb659fds-deploy-role-777777777777-eu-west-1']));
    expect(JSON.stringify(assumed)).not.toContain('111111111111');
    const script = buildScript(template, 'Deploys and tests');
    expect(script).toContain('--role-arn arn:aws:iam::777777777777:role/cdk-hnb659fds-lookup-role-777777777777-eu-west-1');
    // What the build writes into cdk.context.json, given to the app as the CDK CLI would: the copy is in the feature account.
    const written = JSON.parse(/Object\.assign\(context, (\{[^}]*\})/.exec(script)![1]);
    const { dev: copy } = appWithDev({ ...written, 'cdk-multi-env:feature-branch': 'feature/x' });
    expect(copy.featureBranch).toBe('feature/x');
    expect([copy.foundation.account, copy.deploymentRoleArn]).toEqual(['777777777777', expect.stringContaining(':iam::777777777777:role/')]);
  });

  test('GIVEN a feature account that is not an account id, or is the tooling account THEN it is refused', () => {
    const { pipeline, dev } = appWithDev();
    expect(() => pipeline.addFeatureEnvironments(dev, { featureAccount: 'sandbox' }))
      .toThrow(/featureAccount is 'sandbox'; expected an AWS account id of 12 digits/);
    expect(() => appWithDev().pipeline.addFeatureEnvironments(appWithDev().dev, { featureAccount: '999999999999' })).toThrow(/featureAccount is 999999999999, the tooling account/);
  });

  test('GIVEN an app bootstrapped with a qualifier of its own THEN the lane assumes the roles of that bootstrap, and no template names the default one', () => {
    const { app, pipeline, dev } = appWithDev({ '@aws-cdk/core:bootstrapQualifier': 'acme1234' });
    pipeline.addFeatureEnvironments(dev);
    const template = Template.fromStack(cdk.Stack.of(pipeline));
    const assumed = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter(p => p.Properties.Roles.some((r: any) => r.Ref.includes('FeatureLaneDeployProject')))
      .flatMap(p => p.Properties.PolicyDocument.Statement).filter((st: any) => st.Action === 'sts:AssumeRole');
    expect(JSON.stringify(assumed)).toContain(':iam::111111111111:role/cdk-acme1234-deploy-role-111111111111-eu-west-1');
    expect(buildScript(template, 'Deploys and tests')).toContain('role/cdk-acme1234-lookup-role-111111111111-eu-west-1');
    const outdir = app.synth().directory;
    const templates = (fs.readdirSync(outdir, { recursive: true }) as string[]).filter(f => f.endsWith('.template.json') || f.endsWith('.yaml') || f.endsWith('.assets.json'));
    expect(templates.length).toBeGreaterThan(3);
    expect(templates.filter(f => fs.readFileSync(path.join(outdir, f), 'utf-8').includes('hnb659fds'))).toEqual([]);
  });

  describe('the copy a feature build synthesizes', () => {
    const context = { 'cdk-multi-env:feature-copy-of': 'dev', 'cdk-multi-env:feature-branch': 'feature/Login-Page', 'cdk-multi-env:feature-ttl-hours': 168 };

    test('is named after the branch everywhere: stage, stacks, configuration path, tags', () => {
      const { dev } = appWithDev(context);
      const suffix = featureSuffix('feature/Login-Page', 'dev');
      expect(suffix).toMatch(/^feature-login-page-[0-9a-f]{8}$/);
      expect(dev.node.id).toBe(`dev-${suffix}`);
      expect(dev.environmentName).toBe(`dev-${suffix}`);
      expect(dev.featureBranch).toBe('feature/Login-Page');
      expect(dev.foundation.stackName).toBe(`dev-${suffix}-Foundation`);
      expect(dev.config.pathPrefix).toBe(`/shop/dev-${suffix}/`);
      Template.fromStack(dev.foundation).hasResourceProperties('AWS::EC2::VPC', {
        Tags: Match.arrayWith([{ Key: 'Environment', Value: `dev-${suffix}` }, { Key: 'FeatureBranch', Value: 'feature/Login-Page' }]),
      });
    });

    test('is the cheapest shape of the tier: no NAT gateway, smallest sizes, destroyed with its stacks, off-hours scheduled, no second account baseline', () => {
      const { dev } = appWithDev({ ...context, 'cdk-multi-env:feature-branch': 'feature/x' });
      const template = Template.fromStack(dev.foundation);
      template.resourceCountIs('AWS::EC2::NatGateway', 0);
      expect([dev.profile.natGateways, dev.profile.sizing, dev.profile.removalPolicy, dev.profile.terminationProtection]).toEqual([0, 'SMALLEST', 'destroy', false]);
      expect(dev.costScheduler).toBeDefined();
      // The account's compliance baseline is the Dev environment's own: the copy has no baseline stack.
      expect(dev.complianceBaseline).toBeUndefined();
      expect(dev.node.tryFindChild('AccountBaseline')).toBeUndefined();
      expect([dev.profile.natGateways, dev.profile.sizing]).toEqual([FIXED_DEFAULTS.featureCopy.natGateways, FIXED_DEFAULTS.featureCopy.sizing]);
    });

    test('says so: the foundation carries a note that it is a feature copy, of which environment, for which branch', () => {
      const { dev } = appWithDev(context);
      Annotations.fromStack(dev.foundation).hasInfo(`/${dev.node.id}/Foundation`,
        Match.stringLikeRegexp("^a feature copy of 'dev' for branch feature/Login-Page, in a feature lane's build: no NAT gateway, the smallest sizes, .* torn down 168 hours after the last push$"));
    });

    test('is torn down after the time to live, counted from this synth (the last push)', () => {
      jest.useFakeTimers({ now: new Date('2030-05-06T10:20:30Z') });
      try {
        const { dev } = appWithDev(context);
        cdk.Stage.of(dev)!.synth();
        const expressions = Object.values(Template.fromStack(dev.foundation).findResources('AWS::Scheduler::Schedule'))
          .filter(s => s.Properties.Description.startsWith('Tears down')).map(s => s.Properties.ScheduleExpression).sort();
        expect(expressions).toEqual(['at(2030-05-13T10:20:30)', 'at(2030-05-13T10:20:30)', 'at(2030-05-13T11:20:30)']);
      } finally {
        jest.useRealTimers();
      }
    });

    test('leaves nothing behind: retained resources are deleted with their stack, and buckets are emptied first', () => {
      const dev = environment(new cdk.App({ context }), EnvironmentTier.DEV);
      const data = new cdk.Stack(dev, 'Data');
      new logs.LogGroup(data, 'Audit', { removalPolicy: cdk.RemovalPolicy.RETAIN });
      new s3.Bucket(data, 'Uploads', { removalPolicy: cdk.RemovalPolicy.RETAIN });
      new s3.Bucket(data, 'Reports', { removalPolicy: cdk.RemovalPolicy.DESTROY, autoDeleteObjects: true });
      const template = Template.fromStack(data);
      for (const type of ['AWS::Logs::LogGroup', 'AWS::S3::Bucket']) {
        for (const resource of Object.values(template.findResources(type))) expect([resource.DeletionPolicy, resource.UpdateReplacePolicy]).toEqual(['Delete', 'Delete']);
      }
      // Both buckets are emptied before deletion, the one that asked for it once.
      template.resourceCountIs('Custom::S3AutoDeleteObjects', 2);
    });

    test('the environment itself keeps the removal policies it was given', () => {
      const data = new cdk.Stack(environment(new cdk.App(), EnvironmentTier.DEV), 'Data');
      new s3.Bucket(data, 'Uploads', { removalPolicy: cdk.RemovalPolicy.RETAIN });
      const template = Template.fromStack(data);
      template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
      template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
    });

    test('a bad context is an error naming the keys', () => {
      expect(() => appWithDev({ ...context, 'cdk-multi-env:feature-ttl-hours': 0 })).toThrow(/cdk-multi-env:feature-ttl-hours is '0'; expected a branch and a whole number of hours/);
      expect(() => appWithDev({ ...context, 'cdk-multi-env:feature-account': '7777' })).toThrow(/feature copy in account '7777' \(cdk-multi-env:feature-account\); expected an AWS account id of 12 digits/);
    });
  });

  test('property: any branch name a Git host accepts maps to a valid environment name, and different branches to different names', () => {
    // git check-ref-format: no control characters, space, ~ ^ : ? * [ \, no '..' or '@{', no component starting with '.' or ending with '.lock'.
    const component = fc.stringMatching(/^[A-Za-z0-9_+#!,;=%&'()$é-][A-Za-z0-9_.+#!,;=%&'()$é-]{0,30}$/)
      .filter(c => !c.endsWith('.lock') && !c.endsWith('.') && !c.includes('..'));
    const branch = fc.array(component, { minLength: 1, maxLength: 4 }).map(parts => parts.join('/'));
    fc.assert(fc.property(fc.uniqueArray(branch, { minLength: 2, maxLength: 20 }), fc.constantFrom('dev', 'development-team-a'), (branches, base) => {
      const names = branches.map(b => `${base}-${featureSuffix(b, base)}`);
      for (const name of names) expect(name).toMatch(/^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$/);
      expect(new Set(names).size).toBe(branches.length);
    }), { numRuns: 300 });
  });

  test.each([
    [{ branches: ['*'] }, /branches has '\*', which matches the main branch 'main'/],
    [{ branches: ['**'] }, /branches has '\*\*', which matches the main branch 'main'; .*branches has '\*\*', which matches branches of the hotfix lane \('hotfix\/\*'\)/s],
    [{ branches: ['hotfix/**'] }, /branches has 'hotfix\/\*\*', which matches branches of the hotfix lane/],
    [{ branches: [] }, /branches is empty/],
    [{ maxEnvironments: 0 }, /maxEnvironments is 0; expected a whole number, 1 or more/],
    [{ timeToLive: cdk.Duration.hours(0) }, /timeToLive is 0 hours; expected whole hours, at least 1 hour/],
    [{ timeToLive: cdk.Duration.minutes(90) }, /timeToLive is 1 hour 30 minutes; expected whole hours/],
  ])('GIVEN %j THEN it is an error naming the option', (options, message) => {
    const { pipeline, dev } = appWithDev();
    expect(() => pipeline.addFeatureEnvironments(dev, options)).toThrow(message);
  });

  test('GIVEN an environment that does not deploy on every commit THEN it cannot be copied', () => {
    const { app, pipeline } = appWithDev();
    const qa = environment(app, EnvironmentTier.QA, { cidr: '10.1.0.0/16' });
    expect(() => pipeline.addFeatureEnvironments(qa)).toThrow(/environment 'qa' \(tier qa\) does not deploy on every commit/);
  });

  test('GIVEN no smoke test THEN the lane cannot test the copy as Dev is tested', () => {
    const app = new cdk.App();
    const dev = environment(app, EnvironmentTier.DEV);
    const pipeline = newPipeline(app, { tests: [{ kind: TestKind.UNIT, commands: ['npm test'] }] });
    expect(() => pipeline.addFeatureEnvironments(dev)).toThrow(/tests has no SMOKE test, which environment 'dev' runs after each deploy/);
  });

  test('a pipeline has one feature lane', () => {
    const { pipeline, dev } = appWithDev();
    pipeline.addFeatureEnvironments(dev);
    expect(() => pipeline.addFeatureEnvironments(dev)).toThrow(/addFeatureEnvironments was already called/);
  });
});
