import * as fs from 'fs';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { WITHOUT_CDK_INIT_FLAGS } from '../support/cdk-init-context';
import { checkedSynthesis, readReport, safetyViolations, stackIn } from '../support/safety';

const code = lambda.Code.fromInline('exports.handler = async () => {};');
const fn = (stack: cdk.Stack, props: Partial<lambda.FunctionProps> = {}) =>
  new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code, ...props });

describe('log-group-retention', () => {
  test('GIVEN a log group that keeps its logs forever WHEN synthesized THEN it violates, at RetentionInDays', () => {
    const found = safetyViolations(app => { new logs.LogGroup(stackIn(app, 'App'), 'Logs', { retention: logs.RetentionDays.INFINITE }); });
    expect(found).toEqual([{
      rule: 'log-group-retention', path: 'App/Logs/Resource', logicalId: 'Logs6819BB44', template: 'App.template.json', locations: ['Properties/RetentionInDays'],
    }]);
  });

  test('GIVEN a function with no log group of its own WHEN synthesized THEN it violates: Lambda would create one that keeps logs forever', () => {
    // Without cdk init's flags: under @aws-cdk/aws-lambda:useCdkManagedLogGroup aws-cdk-lib gives every
    // function its /aws/lambda/ log group, with a retention (the case below), so no function is left without one.
    const found = safetyViolations(app => { fn(stackIn(app, 'App')); }, undefined, WITHOUT_CDK_INIT_FLAGS);
    expect(found.map(f => [f.rule, f.path, f.locations])).toEqual([['log-group-retention', 'App/Fn/Resource', ['Properties/LoggingConfig/LogGroup']]]);
  });

  test('GIVEN a function with no log group of its own, under cdk init\'s flags WHEN synthesized THEN nothing violates: aws-cdk-lib creates its log group, with a retention', () => {
    const { found, logGroups } = checkedSynthesis(app => { fn(stackIn(app, 'App')); }, outdir => ({
      found: readReport(outdir),
      logGroups: Object.values(JSON.parse(fs.readFileSync(path.join(outdir, 'App.template.json'), 'utf-8')).Resources)
        .filter((r: any) => r.Type === 'AWS::Logs::LogGroup').map((r: any) => r.Properties),
    }));
    expect(logGroups).toEqual([{ LogGroupName: { 'Fn::Join': ['', ['/aws/lambda/', { Ref: 'Fn9270CBC0' }]] }, RetentionInDays: 731 }]);
    expect(found).toEqual([]);
  });

  test('GIVEN log groups with a retention, one given to a function and one named as a function\'s default WHEN synthesized THEN nothing violates', () => {
    const found = safetyViolations(app => {
      const stack = stackIn(app, 'App');
      fn(stack, { logGroup: new logs.LogGroup(stack, 'FnLogs', { retention: logs.RetentionDays.ONE_MONTH }) });
      const other = new lambda.Function(stack, 'Other', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code });
      new logs.LogGroup(stack, 'OtherLogs', { logGroupName: `/aws/lambda/${other.functionName}`, retention: logs.RetentionDays.ONE_WEEK });
    });
    expect(found).toEqual([]);
  });
});
