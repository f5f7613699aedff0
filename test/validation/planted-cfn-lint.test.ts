import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { cfnLint } from '../support/cfn-lint';

/**
 * Proves the cfn-lint gate of the test command bites: the same script, with the same
 * configuration, on a throwaway app. The first run creates cfn-lint's virtualenv.
 */
jest.setTimeout(300_000);

let outdir: string;
beforeEach(() => { outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfnlint-planted-')); });
afterEach(() => { fs.rmSync(outdir, { recursive: true, force: true }); });

/**
 * One stack in eu-west-1 with a queue and a function, synthesized as the CDK CLI does (path
 * metadata). The function's DependsOn its role repeats the GetAtt (W3005), as in the reference app:
 * acknowledged in the function's own template unless `acknowledged` is false.
 */
function synthesize(plant: (queue: sqs.CfnQueue) => void = () => {}, acknowledged = true): string {
  const app = new cdk.App({ outdir, context: { [cxapi.PATH_METADATA_ENABLE_CONTEXT]: true } });
  const stack = new cdk.Stack(app, 'Throwaway', { env: { account: '123456789012', region: 'eu-west-1' } });
  const queue = new sqs.Queue(stack, 'Queue');
  const handler = new lambda.Function(stack, 'Handler', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
  if (acknowledged) (handler.node.defaultChild as cdk.CfnResource).addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });
  plant(queue.node.defaultChild as sqs.CfnQueue);
  return app.synth().directory;
}

test('GIVEN a template with invalid properties WHEN linted THEN the gate fails and names each rule', () => {
  // GIVEN: a retention below SQS's 60-second minimum and a timeout that is not a number
  const assembly = synthesize(queue => {
    queue.addPropertyOverride('MessageRetentionPeriod', 30);
    queue.addPropertyOverride('VisibilityTimeout', 'soon');
  });

  // WHEN
  const result = cfnLint(assembly);

  // THEN
  expect(result.exitCode).not.toBe(0);
  expect(result.findings).toEqual(expect.arrayContaining([
    expect.objectContaining({ rule: 'E3034', level: 'Error', template: 'Throwaway.template.json', path: expect.stringMatching(/MessageRetentionPeriod$/) }),
    expect.objectContaining({ rule: 'E3012', level: 'Error', template: 'Throwaway.template.json', path: expect.stringMatching(/VisibilityTimeout$/) }),
  ]));
  expect(result.output).toContain('E3034');
});

test('GIVEN a template with a warning WHEN linted THEN the gate fails', () => {
  // GIVEN: an Fn::Sub without a variable to substitute
  const assembly = synthesize(queue => queue.addPropertyOverride('QueueName', { 'Fn::Sub': 'throwaway' }));

  const result = cfnLint(assembly);

  expect(result.exitCode).not.toBe(0);
  expect(result.findings).toEqual([expect.objectContaining({ rule: 'W1020', level: 'Warning', path: expect.stringMatching(/QueueName/) })]);
});

test('GIVEN a warning its resource does not acknowledge WHEN linted THEN the gate fails: the configuration ignores nothing', () => {
  const result = cfnLint(synthesize(undefined, false));

  expect(result.exitCode).not.toBe(0);
  expect(result.findings).toEqual([expect.objectContaining({ rule: 'W3005', level: 'Warning', path: expect.stringMatching(/^Resources\/Handler[0-9A-F]{8}\/DependsOn/) })]);
});

test('GIVEN a valid template WHEN linted THEN the gate passes, the W3005 its resource acknowledges included', () => {
  const result = cfnLint(synthesize());

  expect(result.findings).toEqual([]);
  expect(result.exitCode).toBe(0);
});
