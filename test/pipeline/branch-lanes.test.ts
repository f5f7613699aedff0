import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { planOf } from '../../bench/job-plans';
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
    // The one read of a pipeline: Prod's review lists the main pipeline's executions, to check that the hotfix undoes none of its production deploys.
    const readsExecutions = ['codepipeline:ListActionExecutions', 'codepipeline:ListPipelineExecutions'];
    for (const { job } of branchJobs) {
      for (const statement of statementsOf(template, job.roleId)) {
        const actions = actionsOf(statement);
        expect(actions.filter(a => (/^(cloudformation|codepipeline|iam):/.test(a) && !readsExecutions.includes(a)) || a === '*')).toEqual([]);
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

      // What the hotfix lane (as main defines it) takes from the branch's cloud assembly: the stacks its jobs
      // deploy and review, by their path. None is the Tooling stack, and each is in the older assembly too, so
      // the lane still runs the older code, only where it deploys: the Hotfix and Prod environments' own stacks.
      const deployed = hotfixStacks();
      expect([...deployed].sort()).toEqual(['Hotfix/AccountBaseline', 'Hotfix/Foundation', 'Hotfix/Monitoring', 'Hotfix/Workload',
        'Prod-us-east-1/AccountBaseline', 'Prod-us-east-1/Foundation', 'Prod-us-east-1/FoundationBackupCopy', 'Prod-us-east-1/Monitoring', 'Prod-us-east-1/Workload',
        'Prod/AccountBaseline', 'Prod/Foundation', 'Prod/FoundationBackupCopy', 'Prod/Monitoring', 'Prod/Workload']);
      const olderStacks = new Set(new cxapi.CloudAssembly(older.outdir).stacksRecursively.map(stack => stack.hierarchicalId));
      expect([...deployed].filter(stack => !olderStacks.has(stack))).toEqual([]);
      expect(olderStacks.has('Tooling')).toBe(true);
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

  test('no lane has an Assets stage: production\'s assets are published by production\'s deploy jobs, after the approval', () => {
    for (const lane of lanes) {
      expect(template.Resources[lane.pipelineId].Properties.Stages.map((s: any) => s.Name)).not.toContain('Assets');
    }
    const publishers = hotfix.jobs.filter(job => statementsOf(template, job.roleId)
      .some(s => JSON.stringify(s).includes(`:iam::${PROD_ACCOUNT}:role/cdk-hnb659fds-*`) && JSON.stringify(s.Condition).includes('file-publishing')));
    expect(publishers.map(job => `${job.stage}/${job.action}`)).toEqual(['Prod/Deploy', 'Prod-us-east-1/Deploy']);
    expect(publishers.every(job => isAfter(job, hotfix.firstApproval))).toBe(true);
  });
});

describe('the CDK CLI is pinned in every job, and selects exactly the stacks each deploy names', () => {
  const installs = Object.keys(template.Resources)
    .filter(id => template.Resources[id].Type === 'AWS::CodeBuild::Project')
    .flatMap(id => {
      const spec = buildSpecOf(template, id, current.outdir);
      return [...spec.phases?.install?.commands ?? [], ...spec.phases?.build?.commands ?? []];
    })
    .flatMap((command: string) => command.match(/npm install -g aws-cdk\S*/g) ?? []);

  test('every install of the CLI names an exact version', () => {
    expect(installs.length).toBeGreaterThanOrEqual(5);
    expect([...new Set(installs)]).toEqual(['npm install -g aws-cdk@2.1148.1']);
  });

  const installed = (name: string) => JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf-8')).version;

  test('the default CLI version is the one the reference app is synthesized with (the aws-cdk dev dependency)', () => {
    expect(installs).toContain(`npm install -g aws-cdk@${installed('aws-cdk')}`);
  });

  test('that CLI, given the stacks of a deploy build, selects exactly those stacks of the cloud assembly', () => {
    const builds = main.jobs.filter(job => job.action === 'Deploy')
      .flatMap(job => stacksOfBuilds(job.projectId));
    // Six environments: each one deploy of the stacks its tests need, and one of the monitoring stack while they run.
    expect(builds.length).toBe(12);
    // `cdk list` adds the stacks the selected ones depend on, which `cdk deploy --exclusively` leaves out.
    const assembly = new cxapi.CloudAssembly(current.outdir);
    const byPath = new Map(assembly.stacksRecursively.map(stack => [stack.hierarchicalId, stack]));
    const withDependencies = (paths: string[]): string[] => [...new Set(paths.flatMap(p => [p, ...withDependencies(byPath.get(p)!.dependencies
      .filter(cxapi.CloudFormationStackArtifact.isCloudFormationStackArtifact).map(d => d.hierarchicalId))]))];
    for (const stacks of builds) {
      const listed = execFileSync(require.resolve('aws-cdk/bin/cdk'), ['list', '--app', current.outdir, '--no-notices', ...stacks], { encoding: 'utf-8' });
      // Each stack as `path (name)`; in CI the CLI may print other lines (warnings) too.
      const selected = listed.split('\n').map(line => /^(\S+\/\S+) \(\S+\)$/.exec(line.trim())?.[1]).filter(Boolean);
      expect(stacks.every(stack => byPath.has(stack))).toBe(true);
      expect(selected.sort()).toEqual(withDependencies(stacks).sort());
    }
  });
});

/**
 * The stacks each `cdk deploy` of each build of a deploy's batch names, as the build reads them from the job's plan: the
 * stacks the tests need (`STACKS`), then where there are any, those no test needs (`REST_STACKS`).
 */
function stacksOfBuilds(projectId: string): string[][] {
  const spec = buildSpecOf(template, projectId, current.outdir);
  return spec.batch['build-list'].flatMap((b: any) => {
    const plan = planOf(spec, current.outdir, b.identifier);
    return [plan.STACKS, ...plan.REST_STACKS ? [plan.REST_STACKS] : []].map(stacks => (stacks as string).split(' ').filter(Boolean));
  });
}

/** The stacks the hotfix lane's deploy builds name. */
function hotfixStacks(): Set<string> {
  return new Set(hotfix.jobs.filter(job => job.action === 'Deploy').flatMap(job => stacksOfBuilds(job.projectId).flat()));
}
