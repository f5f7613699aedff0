import * as fs from 'fs';
import * as path from 'path';
import { EnvironmentTier, FeatureEnvironmentOptions } from '../../src';
import { environment } from '../support/environments';
import { newPipeline } from '../support/pipelines';
import { checkedSynthesis, readReport } from '../support/safety';

/** An app with Dev, QA and a pipeline with a feature lane of `options`; what SafetyChecks reports of it, and how it ranks the rule. */
function featureLane(options: FeatureEnvironmentOptions) {
  return checkedSynthesis(app => {
    const dev = environment(app, EnvironmentTier.DEV, { environmentName: 'dev' });
    const qa = environment(app, EnvironmentTier.QA, { environmentName: 'qa', cidr: '10.1.0.0/16' });
    const pipeline = newPipeline(app);
    pipeline.addEnvironment(dev);
    pipeline.addEnvironment(qa);
    pipeline.addFeatureEnvironments(dev, options);
  }, outdir => {
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf-8'));
    const safety = report.pluginReports.find((p: any) => p.pluginName === 'SafetyChecks');
    return {
      found: readReport(outdir).filter(f => f.rule === 'feature-lane-account'),
      status: safety.conclusion,
      severities: safety.violations.map((v: any) => `${v.ruleName}: ${v.severity}`),
    };
  });
}

describe('SafetyChecks feature-lane-account', () => {
  test('GIVEN feature copies in Dev\'s account THEN both of the lane\'s jobs are reported, as a warning that does not fail synthesis', () => {
    const { found, status, severities } = featureLane({});
    expect(found.map(f => f.path).sort()).toEqual([
      'Tooling/Delivery/FeatureLane/DeployProject/Role/Resource', 'Tooling/Delivery/FeatureLane/TeardownProject/Role/Resource',
    ]);
    // Each of the four CDK bootstrap roles of Dev's account: the deploy role administers it.
    expect(found[0].locations!.map(l => l.replace(/^.*: sts:AssumeRole on /, ''))).toEqual(['deploy', 'file-publishing', 'image-publishing', 'lookup']
      .map(role => `arn:aws:iam::111111111111:role/cdk-hnb659fds-${role}-role-111111111111-eu-west-1 (account 111111111111, which holds an environment of the app)`));
    expect(severities).toEqual(['feature-lane-account: warning']);
    expect(status).toBe('success');
  });

  test('GIVEN a feature account of their own THEN nothing is reported', () => {
    const { found, severities } = featureLane({ featureAccount: '777777777777' });
    expect(found).toEqual([]);
    expect(severities).toEqual([]);
  });

  test('GIVEN a feature account that holds another environment (QA\'s) THEN it is reported too', () => {
    const { found } = featureLane({ featureAccount: '222222222222' });
    expect(found.length).toBe(2);
    expect(found[0].locations!.every(l => l.includes('(account 222222222222, which holds an environment of the app)'))).toBe(true);
  });
});
