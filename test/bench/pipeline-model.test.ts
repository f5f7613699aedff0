import { estimatePipeline, PIPELINE_MODEL } from '../../bench/pipeline-model';

const codeBuild = (name: string, project: string, runOrder = 1) => ({
  Name: name, RunOrder: runOrder, ActionTypeId: { Category: 'Build', Provider: 'CodeBuild' }, Configuration: { ProjectName: { Ref: project } },
});
const deploy = (name: string, mode: string, runOrder: number) => ({
  Name: name, RunOrder: runOrder, ActionTypeId: { Category: 'Deploy', Provider: 'CloudFormation' }, Configuration: { ActionMode: mode },
});
const project = (buildSpec = '{}', computeType = 'BUILD_GENERAL1_SMALL') => ({
  Type: 'AWS::CodeBuild::Project', Properties: { Environment: { ComputeType: computeType }, Source: { BuildSpec: buildSpec } },
});

/** A pipeline: synth, two asset jobs in parallel, then Prod with two tests in parallel, an approval and a bake, then Demo. */
function template(computeType = 'BUILD_GENERAL1_SMALL') {
  const assets = (n: number) => JSON.stringify({ phases: { build: { commands: Array(n).fill('cdk-assets --path "x.assets.json" publish "a:b"') } } }, undefined, 2);
  return {
    Resources: {
      Synth: project(),
      AssetA: project(assets(1)),
      AssetB: project(assets(3)),
      Test: project(),
      Seed: project('{}', computeType),
      Pipeline: {
        Type: 'AWS::CodePipeline::Pipeline',
        Properties: {
          Stages: [
            { Name: 'Source', Actions: [{ Name: 'repo', ActionTypeId: { Category: 'Source', Provider: 'CodeStarSourceConnection' } }] },
            { Name: 'Build', Actions: [codeBuild('Synth', 'Synth')] },
            { Name: 'Assets', Actions: [codeBuild('A', 'AssetA'), codeBuild('B', 'AssetB')] },
            {
              Name: 'Prod',
              Actions: [
                deploy('App.Prepare', 'CHANGE_SET_REPLACE', 1),
                { Name: 'Review', RunOrder: 2, ActionTypeId: { Category: 'Approval', Provider: 'Manual' } },
                deploy('App.Deploy', 'CHANGE_SET_EXECUTE', 3),
                codeBuild('Smoke', 'Test', 4), codeBuild('Load', 'Test', 4),
              ],
              OnSuccess: { Conditions: [{ Result: 'ROLLBACK', Rules: [{ Configuration: { AlarmName: 'errors', WaitTime: '30' } }] }] },
            },
            { Name: 'Demo', Actions: [codeBuild('Seed', 'Seed')] },
          ],
        },
      },
    },
  };
}

describe('estimatePipeline', () => {
  const m = PIPELINE_MODEL;
  const estimate = estimatePipeline(template(), '/nonexistent', 'Prod');

  test('counts the jobs to production and per commit, the sequence and the approvals', () => {
    expect(estimate.codeBuildJobs).toBe(5);
    expect(estimate.codeBuildJobsPerCommit).toBe(6);
    expect(estimate.sequentialActions).toBe(1 + 1 + 1 + 4);
    expect(estimate.approvals).toBe(1);
  });

  test('the critical path takes the longest action of each run order: the asset job with three assets', () => {
    expect(estimate.criticalPath.map(a => `${a.stage}/${a.action}`)).toEqual([
      'Source/repo', 'Build/Synth', 'Assets/B', 'Prod/App.Prepare', 'Prod/Review', 'Prod/App.Deploy', 'Prod/Smoke',
    ]);
    const seconds = m.sourceSeconds + (m.codeBuildProvisioningSeconds + m.synthSeconds)
      + (m.codeBuildProvisioningSeconds + m.assetJobInstallSeconds + 3 * m.perAssetSeconds)
      + m.createChangeSetSeconds + m.approvalSeconds + m.executeChangeSetSeconds + (m.codeBuildProvisioningSeconds + m.shellStepSeconds);
    expect(estimate.leadTimeToProdMinutes).toBeCloseTo(seconds / 60, 10);
    expect(estimate.bakeMinutes).toBe(30);
  });

  test('every job is billed in whole minutes, at least one, at its compute type\'s price', () => {
    for (const job of estimate.jobs) {
      expect(job.billedMinutes).toBe(Math.max(1, Math.ceil(job.seconds / 60)));
    }
    const minutes = estimate.jobs.reduce((sum, j) => sum + j.billedMinutes!, 0);
    expect(estimate.billedBuildMinutesPerCommit).toBe(minutes);
    expect(estimate.codeBuildUsdPerCommit).toBeCloseTo(minutes * m.pricePerBuildMinute.BUILD_GENERAL1_SMALL, 10);
    const medium = estimatePipeline(template('BUILD_GENERAL1_MEDIUM'), '/nonexistent', 'Prod');
    expect(medium.computeTypes).toEqual(['BUILD_GENERAL1_SMALL', 'BUILD_GENERAL1_MEDIUM']);
    expect(medium.codeBuildUsdPerCommit).toBeGreaterThan(estimate.codeBuildUsdPerCommit);
  });

  test('a compute type with no price, or no production stage, is an error that says what to do', () => {
    expect(() => estimatePipeline(template('BUILD_GENERAL1_2XLARGE'), '/nonexistent', 'Prod')).toThrow(/no price for compute type BUILD_GENERAL1_2XLARGE; add it/);
    expect(() => estimatePipeline(template(), '/nonexistent', 'Production')).toThrow(/no stage 'Production'/);
  });
});
