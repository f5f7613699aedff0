import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { buildReferenceApp, REFERENCE_ENVIRONMENTS, TOOLING_ACCOUNT } from '../../examples/reference-app';
import { EnvironmentTier } from '../../src';
import { actionsOf, buildSpecOf, isAfter, Lane, lanesOf, statementsOf } from '../support/lanes';

/**
 * What a person who can push a hotfix or feature branch can cause, read from the reference app's
 * Tooling template: branch lanes never update a pipeline, never touch the main pipeline's
 * artifacts, and reach production only after an approval.
 */
const PROD_ACCOUNT = REFERENCE_ENVIRONMENTS.find(e => e.tier === EnvironmentTier.PROD)!.account;

function synthesize(environments = REFERENCE_ENVIRONMENTS) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'branch-lanes-'));
  const app = new cdk.App({ outdir });
  buildReferenceApp(app, environments);
  const assembly = app.synth();
  return { outdir, template: assembly.getStackByName('Tooling').template };
}

const current = synthesize();
const template = current.template;
const lanes = lanesOf(template);
const main = lanes.find(l => l.lane === 'main')!;
const branchLanes = lanes.filter(l => !l.protected);
const hotfix = lanes.find(l => l.lane === 'hotfix')!;
const features = lanes.filter(l => l.lane === 'feature');
const branchJobs = branchLanes.flatMap(lane => lane.jobs.map(job => ({ lane, job })));

/** The logical ids and literal names of a pipeline's artifact storage: buckets and keys, in every region. */
function artifactStorage(lane: Lane): string[] {
  const pipeline = template.Resources[lane.pipelineId].Properties;
  const stores = pipeline.ArtifactStores?.map((s: any) => s.ArtifactStore) ?? [pipeline.ArtifactStore];
  return stores.flatMap((store: any) => [store.Location, store.EncryptionKey.Id])
    .map((value: any) => value.Ref ?? value['Fn::GetAtt']?.[0] ?? JSON.stringify(value));
}

afterAll(() => fs.rmSync(current.outdir, { recursive: true, force: true }));

describe('the lanes of the reference app', () => {
  test('the main pipeline is the protected lane; the hotfix lane and the two feature pipelines run branch code', () => {
    expect(lanes.map(l => [l.lane, l.protected]).sort()).toEqual([['feature', false], ['feature', false], ['hotfix', false], ['main', true]]);
    expect(template.Resources[hotfix.pipelineId].Metadata['cdk-multi-env:lane'].branches).toEqual(['hotfix/*']);
    expect(features.every(l => template.Resources[l.pipelineId].Metadata['cdk-multi-env:lane'].branches[0] === 'feature/*')).toBe(true);
  });
});

describe('pipeline definitions come from the main branch only', () => {
  const selfUpdates = Object.entries<any>(template.Resources)
    .filter(([id, r]) => r.Type === 'AWS::CodeBuild::Project' && JSON.stringify(buildSpecOf(template, id, current.outdir)).includes('deploy Tooling'))
    .map(([id]) => id);

  test('exactly one job deploys the Tooling stack, and it is the main pipeline\'s', () => {
    expect(selfUpdates).toHaveLength(1);
    expect(main.jobs.map(j => j.projectId)).toContain(selfUpdates[0]);
    expect(branchJobs.map(({ job }) => job.projectId)).not.toContain(selfUpdates[0]);
  });

  test('the hotfix lane has no self-update stage and never restarts on a pipeline update', () => {
    const stages = template.Resources[hotfix.pipelineId].Properties.Stages.map((s: any) => s.Name);
    expect(stages).not.toContain('UpdatePipeline');
    expect(template.Resources[hotfix.pipelineId].Properties.RestartExecutionOnUpdate).toBe(false);
  });

  test('no branch-lane job may assume a role of the tooling account, or change a stack or pipeline', () => {
    for (const { job } of branchJobs) {
      for (const statement of statementsOf(template, job.roleId)) {
        const actions = actionsOf(statement);
        expect(actions.filter(a => /^(cloudformation|codepipeline|iam):/.test(a) || a === '*')).toEqual([]);
        if (actions.some(a => a.startsWith('sts:'))) {
          const resources = JSON.stringify(statement.Resource);
          expect(resources).not.toContain(`:iam::${TOOLING_ACCOUNT}:`);
          expect(resources).not.toContain('AWS::AccountId');
        }
      }
    }
  });

  test('GIVEN a hotfix branch cut before an environment was added WHEN the hotfix lane builds it THEN nothing it produces can change the main pipeline', () => {
    // The branch's app has one environment fewer (Demo): its own Tooling template drops a stage of the main pipeline.
    const older = synthesize(REFERENCE_ENVIRONMENTS.filter(e => e.tier !== EnvironmentTier.DEMO));
    try {
      const olderMain = lanesOf(older.template).find(l => l.lane === 'main')!;
      const stagesOf = (t: any, id: string) => t.Resources[id].Properties.Stages.map((s: any) => s.Name);
      expect(stagesOf(template, main.pipelineId)).toContain('Demo');
      expect(stagesOf(older.template, olderMain.pipelineId)).not.toContain('Demo');

      // What the hotfix lane (as main defines it) reads from the branch's cloud assembly: the templates its
      // CloudFormation actions deploy and the asset manifests its jobs publish. None is the Tooling template,
      // and each exists in the older assembly, so the lane still runs the older code, only where it deploys.
      const actions = template.Resources[hotfix.pipelineId].Properties.Stages.flatMap((s: any) => s.Actions);
      const templates = actions.filter((a: any) => a.ActionTypeId.Category === 'Deploy' && a.Configuration.TemplatePath)
        .map((a: any) => a.Configuration.TemplatePath.split('::')[1]);
      const manifests = hotfix.jobs.flatMap(job => JSON.stringify(buildSpecOf(template, job.projectId, current.outdir)).match(/[\w-]+\/[\w-]+\.assets\.json/g) ?? []);
      const read = [...new Set([...templates, ...manifests])];
      expect(read.length).toBeGreaterThan(0);
      expect(read.every((file: string) => /^assembly-(Hotfix|Prod|Prod-us-east-1)\//.test(file))).toBe(true);
      expect(read.filter((file: string) => !fs.existsSync(path.join(older.outdir, file)))).toEqual([]);
      expect(fs.existsSync(path.join(older.outdir, 'Tooling.template.json'))).toBe(true);

      // The stacks it deploys are the Hotfix and Prod environments' own, in their accounts.
      const stackNames = actions.filter((a: any) => a.ActionTypeId.Provider === 'CloudFormation').map((a: any) => a.Configuration.StackName);
      expect([...new Set(stackNames)].sort()).toEqual(['Hotfix-Foundation', 'Hotfix-Monitoring', 'Hotfix-Workload',
        'Prod-Foundation', 'Prod-FoundationBackupCopy', 'Prod-Monitoring', 'Prod-Workload',
        'Prod-us-east-1-Foundation', 'Prod-us-east-1-FoundationBackupCopy', 'Prod-us-east-1-Monitoring', 'Prod-us-east-1-Workload']);
    } finally {
      fs.rmSync(older.outdir, { recursive: true, force: true });
    }
  });
});

describe('branch lanes never touch the main pipeline\'s artifacts', () => {
  const mainStorage = artifactStorage(main);

  test('each lane has artifact storage of its own', () => {
    expect(mainStorage.length).toBeGreaterThan(0);
    for (const lane of branchLanes) {
      const own = artifactStorage(lane);
      // Only the cross-region replication buckets (and their keys) are CodePipeline's to share between
      // the pipelines of the account; they are written by the pipelines themselves, never by a job.
      const shared = own.filter(id => mainStorage.includes(id));
      expect(shared.every(id => /support|replication|alias/i.test(id))).toBe(true);
    }
  });

  test.each(branchJobs.map(({ lane, job }) => [`${lane.lane} ${job.stage}/${job.action}`, job]))(
    'the role of %s has no S3 or KMS permission on the main pipeline\'s buckets or keys', (_, job) => {
      for (const statement of statementsOf(template, job.roleId)) {
        if (!actionsOf(statement).some(a => /^(s3|kms):/.test(a))) continue;
        const resources = JSON.stringify(statement.Resource);
        expect(resources).not.toBe('"*"');
        for (const id of mainStorage) expect(resources).not.toContain(id);
      }
    });
});

describe('branch lanes reach production only after an approval', () => {
  const assumesProduction = (roleId: string) => statementsOf(template, roleId)
    .filter(s => actionsOf(s).includes('sts:AssumeRole'))
    .some(s => JSON.stringify(s.Resource).includes(`:iam::${PROD_ACCOUNT}:`));

  test('the hotfix lane\'s first approval is the hotfix environment\'s sign-off, before any production stage', () => {
    const stages = template.Resources[hotfix.pipelineId].Properties.Stages;
    const approval = stages[hotfix.firstApproval![0]];
    expect(approval.Name).toBe('Hotfix');
    expect(stages.findIndex((s: any) => s.Name === 'Prod')).toBeGreaterThan(hotfix.firstApproval![0]);
  });

  test('no branch-lane job before its lane\'s first approval may assume a role of the production account', () => {
    const early = branchJobs.filter(({ lane, job }) => !isAfter(job, lane.firstApproval));
    expect(early.length).toBeGreaterThan(3);
    expect(early.filter(({ job }) => assumesProduction(job.roleId)).map(({ job }) => `${job.stage}/${job.action}`)).toEqual([]);
  });

  test('production\'s assets are published in the Prod stage of the hotfix lane, by a job that may assume exactly Prod\'s publishing role', () => {
    const assets = hotfix.jobs.filter(job => job.stage === 'Assets');
    expect(assets.map(job => assumesProduction(job.roleId))).toEqual([false]);
    const publish = hotfix.jobs.find(job => job.stage === 'Prod' && job.action === 'PublishAssets')!;
    expect(isAfter(publish, hotfix.firstApproval)).toBe(true);
    const assumed = statementsOf(template, publish.roleId).filter(s => actionsOf(s).includes('sts:AssumeRole')).flatMap(s => [s.Resource].flat());
    expect(assumed).toEqual([{ 'Fn::Sub': `arn:\${AWS::Partition}:iam::${PROD_ACCOUNT}:role/cdk-hnb659fds-file-publishing-role-${PROD_ACCOUNT}-eu-west-1` }]);
    const commands: string[] = buildSpecOf(template, publish.projectId, current.outdir).phases.build.commands;
    expect(commands.length).toBe(2);
    expect(commands.every(c => c.startsWith('cdk-assets --path "assembly-Prod/ProdWorkload') && c.includes(`:${PROD_ACCOUNT}-eu-west-1`))).toBe(true);
  });

  test('the main pipeline still publishes every environment\'s assets in its Assets stage', () => {
    const assets = main.jobs.filter(job => job.stage === 'Assets');
    expect(assets.map(job => assumesProduction(job.roleId))).toEqual([true]);
  });
});

describe('the CDK CLI and cdk-assets are pinned in every job', () => {
  const installs = Object.keys(template.Resources)
    .filter(id => template.Resources[id].Type === 'AWS::CodeBuild::Project')
    .flatMap(id => {
      const spec = buildSpecOf(template, id, current.outdir);
      return [...spec.phases?.install?.commands ?? [], ...spec.phases?.build?.commands ?? []];
    })
    .filter((command: string) => /npm install -g (aws-cdk|cdk-assets)/.test(command));

  test('every install of the CLI or cdk-assets names an exact version', () => {
    expect(installs.length).toBeGreaterThanOrEqual(5);
    expect([...new Set(installs)].sort()).toEqual(['npm install -g aws-cdk@2.1148.1', 'npm install -g cdk-assets@4.7.3']);
  });

  const installed = (name: string) => JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf-8')).version;

  test('the default CLI version is the one the reference app is synthesized with (the aws-cdk dev dependency)', () => {
    expect(installs).toContain(`npm install -g aws-cdk@${installed('aws-cdk')}`);
  });

  test('the default cdk-assets version (the cdk-assets dev dependency) reads the asset manifests this aws-cdk-lib writes, and finds what the jobs publish', () => {
    expect(installs).toContain(`npm install -g cdk-assets@${installed('cdk-assets')}`);
    const publish = hotfix.jobs.find(job => job.action === 'PublishAssets')!;
    const commands: string[] = buildSpecOf(template, publish.projectId, current.outdir).phases.build.commands;
    for (const command of commands) {
      const [, manifest, selector] = command.match(/--path "([^"]+)" --verbose publish "([^"]+)"/)!;
      const listed = execFileSync(require.resolve('cdk-assets/bin/cdk-assets'), ['--path', path.join(current.outdir, manifest), 'ls'], { encoding: 'utf-8' });
      expect(listed).toContain(selector);
    }
  });
});
