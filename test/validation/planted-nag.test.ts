import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { addValidators } from '../../examples/validators';
import { AS_SUBPROCESS } from '../support/safety';

/**
 * The validators the reference app passes are registered as validation plugins: a finding fails
 * synthesis (exit code 1) and lands in the assembly's validation-report.json. Planted here: a
 * bucket without server access logs, which each of cdk-nag's four packs reports.
 */
describe('cdk-nag as validation plugins', () => {
  afterEach(() => { process.exitCode = 0; }); // aws-cdk-lib sets it to 1 when a plugin fails

  function synthWithValidators(plant: (stack: cdk.Stack) => void): any {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'planted-nag-'));
    const app = new cdk.App({ outdir, context: AS_SUBPROCESS });
    addValidators(app);
    plant(new cdk.Stack(app, 'Throwaway', { env: { account: '123456789012', region: 'eu-west-1' } }));
    app.synth();
    const file = path.join(outdir, 'validation-report.json');
    const report = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined;
    fs.rmSync(outdir, { recursive: true, force: true });
    return report;
  }

  test('a planted finding is caught by each of the four packs, and synthesis exits 1', () => {
    const report = synthWithValidators(stack => new s3.Bucket(stack, 'Unlogged', { enforceSSL: true, versioned: true }));
    expect(process.exitCode).toBe(1);
    const failed = report.pluginReports.filter((r: any) => r.conclusion === 'failure');
    const rules = (name: string) => failed.find((r: any) => r.pluginName === name)?.violations.map((v: any) => v.ruleName) ?? [];
    expect(rules('AwsSolutions')).toContain('AwsSolutions-S1');
    expect(rules('NIST.800.53.R5')).toContain('NIST.800.53.R5-S3BucketLoggingEnabled');
    expect(rules('HIPAA.Security')).toContain('HIPAA.Security-S3BucketLoggingEnabled');
    expect(rules('PCI.DSS.321')).toContain('PCI.DSS.321-S3BucketLoggingEnabled');
  });

  test('an acknowledgement with a reason clears exactly the finding it names', () => {
    const report = synthWithValidators(stack => {
      const bucket = new s3.Bucket(stack, 'Acknowledged', { enforceSSL: true, versioned: true });
      cdk.Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S1', reason: 'A planted finding, acknowledged to show that an acknowledgement with a reason clears it' });
    });
    const awsSolutions = report.pluginReports.find((r: any) => r.pluginName === 'AwsSolutions');
    expect(awsSolutions?.violations.map((v: any) => v.ruleName) ?? []).not.toContain('AwsSolutions-S1');
    const nist = report.pluginReports.find((r: any) => r.pluginName === 'NIST.800.53.R5');
    expect(nist.violations.map((v: any) => v.ruleName)).toContain('NIST.800.53.R5-S3BucketLoggingEnabled');
  });
});
