import { Aws, Stack, Stage } from 'aws-cdk-lib';

/** Every stack a stage deploys, also those nested in constructs (not those of stages nested in it). */
export function stacksOf(stage: Stage): Stack[] {
  return stage.node.findAll().filter((c): c is Stack => Stack.isStack(c) && Stage.of(c) === stage);
}

/** A stack's ARN up to its name, `arn:<partition>:cloudformation:<region>:<account>:stack/<name>` (its id follows). */
export function stackArnPrefix(stack: Stack): string {
  return `arn:${Aws.PARTITION}:cloudformation:${stack.region}:${stack.account}:stack/${stack.stackName}`;
}
