import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as iam from 'aws-cdk-lib/aws-iam';
import { buildHeadroom } from '../../bench/headroom';
import { EnvironmentTier, TestKind } from '../../src';
import { ACTION_CONFIGURATION_VALUE_LIMIT, BUILD_SPEC_LIMIT, checkPipelineLimits, policySizes, referenceLengthsOf, resolvedLength } from '../../src/pipeline/private/pipeline-limits';
import { ValidationErrors } from '../../src/private/validation-errors';
import { renderValue } from '../../src/validation/private/template-values';
import { environment } from '../support/environments';
import { actionOf, ALL_TESTS, newPipeline } from '../support/pipelines';

/**
 * What CodeBuild and CodePipeline refuse when the tooling stack deploys is refused at synth: the
 * limits as AWS states them (src/pipeline/private/pipeline-limits.ts cites each), the sizes measured
 * on the synthesized template at their longest once CloudFormation resolves them.
 */
const regions = ['eu-west-1', 'eu-central-1', 'us-east-1', 'us-west-2', 'eu-west-2', 'eu-north-1', 'ap-southeast-2', 'ap-south-1', 'ca-central-1', 'sa-east-1'];

/**
 * Synthesizes the app `build` makes into a folder of its own: the message of the error synthesis
 * throws (empty if none), and the templates it wrote.
 */
function synthesized(build: (app: cdk.App) => void): { message: string; templates: string[] } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-limits-'));
  try {
    const app = new cdk.App({ outdir });
    build(app);
    let message = '';
    try {
      app.synth();
    } catch (error) {
      message = (error as Error).message;
    }
    return { message, templates: fs.readdirSync(outdir).filter(f => f.endsWith('.template.json')) };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

describe('the limits AWS enforces on the pipeline', () => {
  test('GIVEN a test whose commands would make its build spec longer than CodeBuild takes WHEN synthesized THEN it is refused, naming the project, its size, the limit and what to do; no tooling template is written', () => {
    const { message, templates } = synthesized(app => {
      const pipeline = newPipeline(app, { tests: [...ALL_TESTS.filter(t => t.kind !== TestKind.SMOKE), { kind: TestKind.SMOKE, commands: [`./scripts/smoke ${'--check /path '.repeat(2_000)}`] }] });
      pipeline.addEnvironment(environment(app, EnvironmentTier.DEV));
    });
    expect(message).toMatch(new RegExp(
      '^\\[Tooling/Delivery\\] MultiEnvPipeline \'Delivery\': build project Tooling/Delivery/PipelineDefinition/dev/TestsAfter/Resource has a build spec of '
      + '[\\d,]+ characters; CodeBuild refuses more than 25,600: put fewer environments in each wave \\(addWave\\), move long commands into a script of the repository, '
      + 'or split the app'));
    // CDK Pipelines draws its graph (a .dot file) while it builds; the template that would fail is never written.
    expect(templates).toEqual([]);
  });

  test('GIVEN a tooling stack whose template would be past CloudFormation\'s 1 MB WHEN synthesized THEN it is refused, naming the stack, its size, the limit and what to do; no template is written', () => {
    const { message, templates } = synthesized(app => {
      const pipeline = newPipeline(app);
      pipeline.addEnvironment(environment(app, EnvironmentTier.DEV));
      // Something else of the pipeline's stack, large: a resource with 1,000,000 characters of metadata.
      new cdk.CfnResource(cdk.Stack.of(pipeline), 'Large', { type: 'AWS::CloudFormation::WaitConditionHandle' }).addMetadata('Padding', 'x'.repeat(1_000_000));
    });
    expect(message).toMatch(new RegExp(
      '^\\[Tooling/Delivery\\] MultiEnvPipeline \'Delivery\': stack Tooling has a template of 1,\\d{3},\\d{3} characters \\(indented\\); CloudFormation refuses more than 1,000,000: '
        + 'put fewer environments in each wave \\(addWave\\), move other resources out of the pipeline\'s stack, or split the app into several apps with a pipeline each; '
        + 'without indentation \\(suppressTemplateIndentation\\) it would be 1,\\d{3},\\d{3}$'));
    expect(templates).toEqual([]);
  });

  test('GIVEN an indented tooling template past half of CloudFormation\'s 1 MB WHEN synthesized THEN a warning says how large it is, and how large without indentation', () => {
    const app = new cdk.App();
    const pipeline = newPipeline(app);
    pipeline.addEnvironment(environment(app, EnvironmentTier.DEV));
    new cdk.CfnResource(cdk.Stack.of(pipeline), 'Large', { type: 'AWS::CloudFormation::WaitConditionHandle' }).addMetadata('Padding', 'x'.repeat(600_000));
    const warnings = app.synth().getStackByName('Tooling').messages.filter(m => m.level === 'warning').map(m => String(m.entry.data));
    expect(warnings).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(
      '^The template of the pipeline\'s stack is 6\\d{2},\\d{3} characters, indented: 6\\d% of CloudFormation\'s 1,000,000. '
      + 'Without indentation it would be 6\\d{2},\\d{3} \\(6\\d%\\): set suppressTemplateIndentation: true in the stack\'s props'))]));

    // Written without indentation, or indented but small, it says nothing.
    for (const [suppress, padding] of [[true, 600_000], [false, 1_000]] as const) {
      const other = new cdk.App();
      const quiet = newPipeline(other, {}, { suppressTemplateIndentation: suppress });
      quiet.addEnvironment(environment(other, EnvironmentTier.DEV));
      new cdk.CfnResource(cdk.Stack.of(quiet), 'Large', { type: 'AWS::CloudFormation::WaitConditionHandle' }).addMetadata('Padding', 'x'.repeat(padding));
      expect(other.synth().getStackByName('Tooling').messages.map(m => String(m.entry.data)).filter(m => m.includes('suppressTemplateIndentation'))).toEqual([]);
    }
  });

  test('the jobs\' build specs are written as JSON on one line: the compact form of the build spec\'s object', () => {
    const app = new cdk.App();
    const pipeline = newPipeline(app);
    pipeline.addEnvironment(environment(app, EnvironmentTier.DEV));
    const projects = Template.fromStack(cdk.Stack.of(pipeline)).findResources('AWS::CodeBuild::Project', { Properties: { Name: Match.stringLikeRegexp('-dev-') } });
    expect(Object.keys(projects).length).toBeGreaterThan(0);
    // A build spec with a token in it (the artifact bucket's name) is an Fn::Join of such a string's parts: read here with `${Ref}` for the token.
    const specs = Object.values(projects).map(p => renderValue(p.Properties.Source.BuildSpec));
    expect(specs.some(spec => spec.includes('${'))).toBe(true);
    for (const spec of specs) {
      expect(spec).toBe(JSON.stringify(JSON.parse(spec)));
      expect(JSON.parse(spec)).toHaveProperty('version', '0.2');
    }
  });

  test('GIVEN ten production environments in waves of five WHEN synthesized THEN every build spec and action value is within the limits, as measured', () => {
    const app = new cdk.App();
    const prod = regions.map((region, i) => environment(app, EnvironmentTier.PROD, {
      environmentName: `production-${region}`, region, availabilityZones: ['a', 'b', 'c'].map(zone => `${region}${zone}`), cidr: `10.${i}.0.0/16`,
    }));
    const pipeline = newPipeline(app);
    const approvers = [iam.Role.fromRoleName(cdk.Stack.of(pipeline), 'A', 'a')];
    pipeline.addWave('ProdA', prod.slice(0, 5), { approvers, bakeAlarmNames: ['errors'] });
    pipeline.addWave('ProdB', prod.slice(5), { approvers, bakeAlarmNames: ['errors'] });
    const template = Template.fromStack(cdk.Stack.of(pipeline)).toJSON();
    // Measured as the bench's headroom table measures them.
    const { buildSpec, actionValue } = buildHeadroom(template);
    expect(buildSpec.characters).toBeLessThanOrEqual(BUILD_SPEC_LIMIT);
    expect(actionValue.characters).toBeLessThanOrEqual(ACTION_CONFIGURATION_VALUE_LIMIT);
  });

  test('a QA wave\'s sign-off names its environments while they fit in an approval\'s comment, and counts them when they do not', () => {
    const app = new cdk.App();
    // Names of 28 characters: long enough together for the comment.
    const names = Array.from({ length: 16 }, (_, i) => `quality-assurance-environ-${String(i).padStart(2, '0')}`);
    // Side by side in a wave: each in an account of its own.
    const qa = names.map((environmentName, i) => environment(app, EnvironmentTier.QA, { environmentName, account: String(222222222200 + i), cidr: `10.${i}.0.0/16` }));
    const pipeline = newPipeline(app);
    pipeline.addWave('QA', qa);
    const template = Template.fromStack(cdk.Stack.of(pipeline)).toJSON();
    const comment: string = actionOf(template, 'QA', 'SignOff').Configuration.CustomData;
    // Listed, they would make a comment longer than CodePipeline's 500 characters.
    expect(`${names.join(', ')} (qa) are deployed and tested: sign off to promote the change`.length).toBeGreaterThan(500);
    expect(comment).toBe('The 16 environments of this wave (qa) are deployed and tested: sign off to promote the change');
  });
});

describe('the check itself, on resources one past each limit', () => {
  const stack = new cdk.Stack(new cdk.App(), 'Tooling');
  new codebuild.CfnProject(stack, 'Big', {
    artifacts: { type: 'NO_ARTIFACTS' },
    environment: { type: 'LINUX_CONTAINER', image: 'i', computeType: 'BUILD_GENERAL1_SMALL' },
    serviceRole: 'r',
    source: { type: 'NO_SOURCE', buildSpec: { 'Fn::Join': ['', ['x'.repeat(BUILD_SPEC_LIMIT), { Ref: 'AWS::NoValue' }, 'y']] } as any },
  });
  const action = (name: string, category: string, configuration: object) => ({ name, actionTypeId: { category, owner: 'AWS', provider: 'p', version: '1' }, configuration });
  new codepipeline.CfnPipeline(stack, 'Pipeline', {
    roleArn: 'r',
    stages: [{
      name: 'Prod',
      actions: [
        action('Review', 'Approval', { CustomData: `${'x'.repeat(500 - 250 - 64 + 1)}#{Review_Prod.REVIEW_SUMMARY}#{Review_Prod.REVIEW_DIGEST}` }),
        // An approval naming the orphan listing's summary, which the listing cuts to 250 characters.
        action('Approve', 'Approval', { CustomData: `${'x'.repeat(500 - 250 + 1)}#{ListOrphans_Prod.ORPHANS}` }),
        action('FitsApprove', 'Approval', { CustomData: `${'x'.repeat(500 - 250)}#{ListOrphans_Prod.ORPHANS}` }),
        action('Deploy', 'Build', { ProjectName: 'p', EnvironmentVariables: 'v'.repeat(ACTION_CONFIGURATION_VALUE_LIMIT + 1) }),
        action('Fits', 'Build', { EnvironmentVariables: 'v'.repeat(ACTION_CONFIGURATION_VALUE_LIMIT) }),
      ],
    }],
  });

  test('names each resource past a limit, with its size', () => {
    const errors = new ValidationErrors('MultiEnvPipeline \'Delivery\'');
    checkPipelineLimits(stack, errors);
    expect(() => errors.throwIfAny()).toThrow([
      'MultiEnvPipeline \'Delivery\': 4 problems:',
      '  - build project Tooling/Big has a build spec of 25,601 characters; CodeBuild refuses more than 25,600: put fewer environments in each wave (addWave), move long commands into a script of the repository, or split the app into several apps with a pipeline each',
      '  - action Prod/Review of Tooling/Pipeline has a value of 501 characters for CustomData once the review\'s or the orphan listing\'s summary is in it; CodePipeline refuses more than 500: put fewer environments in each wave (addWave), or split the app into several apps with a pipeline each',
      '  - action Prod/Approve of Tooling/Pipeline has a value of 501 characters for CustomData once the review\'s or the orphan listing\'s summary is in it; CodePipeline refuses more than 500: put fewer environments in each wave (addWave), or split the app into several apps with a pipeline each',
      '  - action Prod/Deploy of Tooling/Pipeline has a value of 1,001 characters for EnvironmentVariables; CodePipeline refuses more than 1,000: put fewer environments in each wave (addWave), or split the app into several apps with a pipeline each',
    ].join('\n'));
  });
});

describe('a value\'s length once CloudFormation resolves it, at most', () => {
  test.each<[string, unknown, number]>([
    ['a string', 'echo hello', 10],
    ['a join of strings and the partition', { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::b']] }, 4 + 10 + 7],
    ['a join with a separator', { 'Fn::Join': [', ', ['a', 'b', 'c']] }, 7],
    ['a resource\'s name', { 'Fn::Join': ['', ['x', { Ref: 'Bucket' }]] }, 1 + 255],
    ['a resource\'s attribute', { 'Fn::GetAtt': ['Role', 'Arn'] }, 512],
    ['a Sub with pseudo parameters and a variable', { 'Fn::Sub': ['arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Name}', { Name: 'deploy' }] }, 4 + 10 + 6 + 12 + 6 + 6],
    ['a Sub with a literal ${!}', { 'Fn::Sub': 'a${!Literal}' }, 12],
  ])('%s', (_name, value, length) => {
    expect(resolvedLength(value)).toBe(length);
  });

  // A template that names its own resources: a named and an unnamed CodeBuild project, a role on a path, a named pipeline.
  const template = {
    Resources: {
      Named: { Type: 'AWS::CodeBuild::Project', Properties: { Name: 'Tooling-Delivery-Prod-Deploy' } },
      Unnamed: { Type: 'AWS::CodeBuild::Project', Properties: {} },
      Role: { Type: 'AWS::IAM::Role', Properties: { Path: '/cdk-multi-env/shop/' } },
      Pipeline: { Type: 'AWS::CodePipeline::Pipeline', Properties: { Name: 'Tooling-Delivery' } },
    },
  };
  test.each<[string, unknown, number]>([
    // arn:<partition 10>:codebuild:<region 14>:<account 12>:project/<name>
    ['a named project\'s ARN', { 'Fn::GetAtt': ['Named', 'Arn'] }, 'arn::codebuild:::project/'.length + 10 + 14 + 12 + 'Tooling-Delivery-Prod-Deploy'.length],
    ['an unnamed project\'s name: at most 150 characters', { Ref: 'Unnamed' }, 150],
    // arn:<partition 10>:iam::<account 12>:role<path><name of at most 64>
    ['a role\'s ARN, its path given, its name made up', { 'Fn::GetAtt': ['Role', 'Arn'] }, 'arn::iam:::role/cdk-multi-env/shop/'.length + 10 + 12 + 64],
    ['a named pipeline\'s name', { 'Fn::Join': ['', ['arn:aws:codepipeline:eu-west-1:999999999999:', { Ref: 'Pipeline' }]] }, 'arn:aws:codepipeline:eu-west-1:999999999999:Tooling-Delivery'.length],
    ['any other resource\'s attribute, at the generic bound', { 'Fn::GetAtt': ['Bucket', 'Arn'] }, 512],
  ])('with the template\'s own resources: %s', (_name, value, length) => {
    expect(resolvedLength(value, referenceLengthsOf(template))).toBe(length);
  });
});

describe('IAM\'s policy sizes, refused at synth', () => {
  test('GIVEN a role of the tooling stack whose inline policies would be past IAM\'s 10,240 characters WHEN synthesized THEN it is refused, naming the role, its size, the limit and what to do; no template is written', () => {
    const { message, templates } = synthesized(app => {
      const pipeline = newPipeline(app);
      pipeline.addEnvironment(environment(app, EnvironmentTier.DEV));
      const role = new iam.Role(cdk.Stack.of(pipeline), 'Wide', { assumedBy: new iam.AccountRootPrincipal() });
      // 200 statements of about 90 characters each. aws-cdk-lib moves what does not fit into managed "overflow" policies, but
      // leaves 11,186 characters in the role's own policy (no reference in it: that is its exact size) and 6,702 in the first
      // overflow policy, past IAM's 10,240 and 6,144.
      for (let i = 0; i < 200; i++) role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:aws:s3:::bucket-${i}/*`], sid: `Read${i}` }));
    });
    expect(message).toBe([
      '[Tooling/Delivery] MultiEnvPipeline \'Delivery\': 2 problems:',
      '  - the inline policies of role WideC9DF38FA in Tooling are 11,186 characters at their longest; IAM refuses more than 10,240: put fewer environments in each wave (addWave), '
          + 'move other resources out of the pipeline\'s stack, or split the app into several apps with a pipeline each',
      '  - managed policy WideOverflowPolicy1157F841A in Tooling is 6,702 characters at its longest; IAM refuses more than 6,144: put fewer environments in each wave (addWave), '
          + 'move other resources out of the pipeline\'s stack, or split the app into several apps with a pipeline each',
    ].join('\n'));
    expect(templates).toEqual([]);
  });

  test('measures each role\'s inline policies together, and each managed policy, on the template', () => {
    const sizes = policySizes({
      Resources: {
        Role: { Type: 'AWS::IAM::Role', Properties: { Policies: [{ PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] } }] } },
        Extra: { Type: 'AWS::IAM::Policy', Properties: { Roles: [{ Ref: 'Role' }], PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: { 'Fn::GetAtt': ['Q', 'Arn'] } }] } } },
        Managed: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: { Statement: [] } } },
      },
    });
    const own = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }).length;
    const extra = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: 'x'.repeat(512) }] }).length;
    expect(sizes).toEqual([
      { principal: 'Role', kind: 'role inline', characters: own + extra, limit: 10_240 },
      { principal: 'Managed', kind: 'managed', characters: JSON.stringify({ Statement: [] }).length, limit: 6_144 },
    ]);
  });
});
