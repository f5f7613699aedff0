import * as cdk from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { EnvironmentTier } from '../../src';
import { environment } from '../support/environments';
import { newPipeline } from '../support/pipelines';

/**
 * Bad input fails as aws-cdk-lib's own validation errors do: a `ValidationError` that starts with
 * the path of the construct at fault. Its stack starts at the code that passed the bad input (here,
 * this file), so that Node and ts-node show the user's own line, never one of the library's
 * sources (which its package does not ship) or of aws-cdk-lib's.
 */
function thrownBy(run: () => void): Error {
  try {
    run();
  } catch (e) {
    return e as Error;
  }
  throw new Error('nothing was thrown');
}

/** The file of a stack's first frame. */
function firstFrame(error: Error): string {
  const frame = error.stack!.split('\n').find(line => line.startsWith('    at '));
  return frame ?? 'no frame';
}

describe('a bad input', () => {
  test('at construction: a ValidationError naming the construct, thrown from the caller\'s line', () => {
    const app = new cdk.App();
    const pipeline = newPipeline(app);
    pipeline.addEnvironment(environment(app, EnvironmentTier.DEV));
    const prod = environment(app, EnvironmentTier.PROD, { cidr: '10.1.0.0/16' });
    const error = thrownBy(() => pipeline.addEnvironment(prod, { bakeAlarmNames: ['errors'] }));
    expect(error.name).toBe('ValidationError');
    expect(error.message).toMatch(/^\[Tooling\/Delivery\] MultiEnvPipeline 'Delivery': addEnvironment 'prod': approvers is empty/);
    expect(error.stack).toMatch(/^ValidationError: \[Tooling\/Delivery\] /);
    expect(firstFrame(error)).toContain(__filename);
    expect(error.stack).not.toMatch(/[/\\]src[/\\]/);
  });

  test('found at synth: thrown from the line that synthesizes the app, with no frame of aws-cdk-lib', () => {
    const app = new cdk.App();
    const pipeline = newPipeline(app);
    pipeline.addEnvironment(environment(app, EnvironmentTier.DEV));
    const onCall = iam.Role.fromRoleName(cdk.Stack.of(pipeline), 'OnCall', 'on-call');
    pipeline.addEnvironment(environment(app, EnvironmentTier.HOTFIX, { cidr: '10.1.0.0/16' }), { approvers: [onCall] });
    const error = thrownBy(() => app.synth());
    expect(error.name).toBe('ValidationError');
    expect(error.message).toMatch(/^\[Tooling\/Delivery\] MultiEnvPipeline 'Delivery': hotfix environment 'hotfix' has no production environment to reach/);
    expect(firstFrame(error)).toContain(__filename);
    expect(error.stack).not.toMatch(/node_modules[/\\]aws-cdk-lib/);
  });

  test('of a value object (no construct yet): a ValidationError without a path', () => {
    const error = thrownBy(() => EnvironmentTier.custom({ name: 'perf', basedOn: EnvironmentTier.DEV, maxAzs: 0 }));
    expect(error.name).toBe('ValidationError');
    expect(error.message).toBe("EnvironmentTier.custom 'perf': maxAzs is 0; expected a whole number from 1 to 6");
    expect(firstFrame(error)).toContain(__filename);
  });
});
