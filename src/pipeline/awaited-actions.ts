import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * The command that waits for `actions` of stage `stage` (action names, as CodePipeline lists them),
 * once the build has read `await_actions` (src/pipeline/jobs/await-actions.sh): a build whose action
 * starts beside the actions of its stage it depends on, rather than after them, waits until each has
 * succeeded in this pipeline execution, and fails, running nothing, as soon as one of them failed.
 * The build has been provisioned and has run its install phase meanwhile, so the wait replaces
 * CodeBuild's provisioning rather than adding to it.
 */
export function awaitCommand(stage: string, actions: string[]): string {
  return `await_actions "${stage}" ${actions.map(a => `"${a}"`).join(' ')}`;
}

/** A build command that waits for actions: its stage and the actions, as `awaitCommand` writes them. */
export const AWAIT_COMMAND = /^await_actions "([^"]+)" ((?:"[^"]+" ?)+)$/;

/**
 * Permission to list a pipeline's action executions (`name`: its name, as given at synth: a job's
 * build spec that named the pipeline by reference would make the pipeline and the job's project
 * depend on each other). ListActionExecutions authorizes on the pipeline
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodepipeline.html).
 */
export function listActionExecutions(scope: Stack, name: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['codepipeline:ListActionExecutions'],
    resources: [scope.formatArn({ service: 'codepipeline', resource: name })],
  });
}
