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

/**
 * The command that waits, in a build of a test batch that starts beside its environments' deploy
 * (action `action` of stage `stage`), until the deploy build of the build's own environment has
 * deployed the stacks the tests need (`signal_ready`), while it goes on with the stacks no test
 * needs; or until the deploy has succeeded. It fails, running nothing, as soon as the deploy failed.
 * The two builds of an environment are told apart from the others of their batches by the same
 * identifier (`CodeBuildJob.buildPerEnvironment`).
 */
export function awaitReadyCommand(stage: string, action: string): string {
  return `await_ready "${stage}" "${action}"`;
}

/**
 * The action variable that tells a build which pipeline execution it runs in, as the jobs' bash
 * functions read it (`EXECUTION_ID`): the waits, the signal, the change review and its check.
 */
export const EXECUTION_VARIABLE = { EXECUTION_ID: '#{codepipeline.PipelineExecutionId}' };

/** The command a deploy build runs once the stacks its environment's tests need are deployed. */
export const SIGNAL_READY = 'signal_ready';

/**
 * Where in the pipeline's artifact bucket the deploy builds signal (`signal_ready`, in
 * src/pipeline/jobs/await-actions.sh, which reads it as `$READY_PREFIX`), under the execution's id:
 * one empty object per environment, named by its builds' identifier. Longer than 20 characters, so
 * that no pipeline's own folder of artifacts in the bucket can be it: CodePipeline names that folder
 * after the pipeline ("A folder to contain the pipeline artifacts is created for you based on the
 * name of the pipeline", CodePipeline API reference, ArtifactStore), by its first 20 characters
 * (awsdocs/aws-cloudformation-user-guide#733), and the bucket's policy lets only the deploy builds
 * put objects under this prefix: a pipeline named like it could not write its artifacts.
 */
export const READY_PREFIX = 'deploys-ready-for-tests';

/**
 * A build command that waits for actions (`await_actions`) or for its environment's deploy to be
 * ready for the tests (`await_ready`): the command, its stage and the actions, as `awaitCommand`
 * and `awaitReadyCommand` write them.
 */
export const AWAIT_COMMAND = /^await_(actions|ready) "([^"]+)" ((?:"[^"]+" ?)+)$/;

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
