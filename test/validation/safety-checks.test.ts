import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { buildReferenceApp } from '../../examples/reference-app';
import { SafetyChecks } from '../../src';
import { AS_SUBPROCESS, safetyViolations, stackIn } from '../support/safety';

describe('SafetyChecks', () => {
  test('names itself and its nine rules', () => {
    const checks = new SafetyChecks();
    expect(checks.name).toBe('SafetyChecks');
    expect(checks.ruleIds).toEqual([
      'no-wildcard-action', 'trust-within-app', 'production-data-retained', 'bucket-public-access-and-tls', 'log-group-retention', 'branch-lane-isolation', 'feature-lane-account', 'iam-definitions', 'environment-stack-tags',
    ]);
  });

  test('GIVEN the reference app (seven environments, the pipeline with its hotfix and feature lanes) WHEN synthesized THEN nothing violates', () => {
    let templates: string[] = [];
    const found = safetyViolations(app => {
      buildReferenceApp(app);
      // Which templates the plugin was handed: every stack of the app.
      const checks = new SafetyChecks();
      cdk.Validations.of(app).addPlugins({ name: 'templates', validate: context => { templates = context.templatePaths.map(t => path.basename(t)); return checks.validate(context); } });
    });
    expect(found).toEqual([]);
    // The Tooling stack and each environment's: its foundation, workload, monitoring and its account's baseline (each
    // environment is alone in its account and region), and a production environment's backup copy.
    expect(templates).toHaveLength(1 + 7 * 4 + 2);
    expect(templates).toContain('Tooling.template.json');
    expect(templates.filter(t => t.startsWith('ProdFoundationBackupCopy'))).toHaveLength(1);
  });

  test('GIVEN a feature branch\'s copy of Dev in the reference app WHEN synthesized THEN nothing violates', () => {
    const context = { 'cdk-multi-env:feature-copy-of': 'Dev', 'cdk-multi-env:feature-branch': 'feature/login', 'cdk-multi-env:feature-ttl-hours': 168 };
    expect(safetyViolations(app => { buildReferenceApp(app); }, {}, context)).toEqual([]);
  });

  test('GIVEN a violation WHEN synthesized THEN the report gives the rule, its description and fix, the resource, its template and construct path, and fails', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'safety-checks-report-'));
    const printed = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const app = new cdk.App({ outdir, context: AS_SUBPROCESS });
      cdk.Validations.of(app).addPlugins(new SafetyChecks());
      new iam.Role(stackIn(app, 'App'), 'Role', { assumedBy: new iam.AccountPrincipal('123456789012') });
      app.synth();
      expect(process.exitCode).toBe(1);
      const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf-8'));
      expect(report.pluginReports).toEqual([expect.objectContaining({
        pluginName: 'SafetyChecks',
        conclusion: 'failure',
        violations: [expect.objectContaining({
          ruleName: 'trust-within-app',
          description: expect.stringMatching(/^A role trusts a principal outside the accounts of the app/),
          suggestedFix: expect.stringContaining('trustedAccounts'),
          severity: 'error',
          violatingConstructs: [expect.objectContaining({
            constructPath: 'App/Role/Resource',
            cloudFormationResource: {
              // Absolute in aws-cdk-lib 2.258.0; relative to the cloud assembly in newer versions (2.276.0).
              templatePath: expect.stringMatching(/(^|\/)App\.template\.json$/),
              logicalId: 'Role1ABCC5F0',
              propertyPaths: ['Properties/AssumeRolePolicyDocument/Statement/0/Principal/AWS'],
            },
          })],
        })],
      })]);
    } finally {
      printed.mockRestore();
      process.exitCode = 0;
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('GIVEN a rule acknowledged with a reason WHEN synthesized THEN its violations are suppressed', () => {
    const found = safetyViolations(app => {
      new iam.Role(stackIn(app, 'App'), 'Role', { assumedBy: new iam.AccountPrincipal('123456789012') });
      cdk.Validations.of(app).acknowledge({ id: 'SafetyChecks::trust-within-app', reason: 'the auditors\' account reads the app' });
    });
    expect(found).toEqual([]);
  });

  test('GIVEN templates with aws:cdk:path metadata (as the CDK CLI writes them) WHEN a resource violates THEN the plugin reads its construct path from the template', () => {
    const app = new cdk.App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'safety-checks-metadata-')), context: { 'aws:cdk:enable-path-metadata': true } });
    try {
      new iam.Role(stackIn(app, 'App'), 'Role', { assumedBy: new iam.AnyPrincipal() });
      const templatePath = app.synth().getStackByName('App').templateFullPath;
      const report = new SafetyChecks().validate({ templatePaths: [templatePath], appConstruct: app });
      expect(report.success).toBe(false);
      expect(report.violations.map(v => [v.ruleName, v.violatingResources])).toEqual([['trust-within-app', [{
        templatePath, resourceLogicalId: 'Role1ABCC5F0', constructPath: 'App/Role/Resource', locations: ['Properties/AssumeRolePolicyDocument/Statement/0/Principal/AWS'],
      }]]]);
    } finally {
      fs.rmSync(app.outdir, { recursive: true, force: true });
    }
  });
});
