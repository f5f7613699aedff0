import * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * The newest Node.js runtime that the app's own aws-cdk-lib knows (`lambda.Runtime.ALL`), for the
 * library's inline functions.
 *
 * Not `lambda.Runtime.NODEJS_LATEST` nor `determineLatestNodeRuntime()`: aws-cdk-lib moves those
 * only when a runtime is in every region, so they lag behind the newest runtime it declares (2.258.0
 * declares nodejs24.x and answers nodejs22.x). cdk-nag's AwsSolutions-L1 holds a function to the
 * newest runtime of its family in that same `Runtime.ALL`
 * (https://github.com/cdklabs/cdk-nag/blob/main/src/rules/lambda/LambdaLatestVersion.ts), so a
 * fixed runtime becomes a finding on the day a user's aws-cdk-lib declares a newer one. Choosing
 * from the app's aws-cdk-lib keeps the function current with it, in every language: the bindings
 * run the same aws-cdk-lib.
 *
 * The inline handlers use only what every Node.js runtime since nodejs18.x has (the AWS SDK for
 * JavaScript v3 and `fetch`).
 */
export function newestNodeRuntime(): lambda.Runtime {
  const versioned = lambda.Runtime.ALL
    .filter(runtime => runtime.family === lambda.RuntimeFamily.NODEJS && !runtime.isVariable)
    .map(runtime => ({ runtime, major: Number(/^nodejs(\d+)\.x$/.exec(runtime.name)?.[1]) }))
    .filter(({ major }) => Number.isInteger(major));
  return versioned.reduce((newest, next) => next.major > newest.major ? next : newest).runtime;
}
