import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { PipelineCommands, PipelineTest } from './pipeline-test';
import { IsolatedEnvironment } from '../environment';
import { stacksOf } from '../private/stage-stacks';
import { ValidationErrors } from '../private/validation-errors';
import { ApprovalGate, TestKind } from '../tiers';
import { validateTierProfile } from '../tiers/profile-validation';

/** What the pipeline does around one environment's deploy, after the tier's defaults and the options are merged. */
export interface EnvironmentPlan {
  readonly environment: IsolatedEnvironment;
  readonly approvalBeforeDeploy: ApprovalGate;
  readonly approvalAfterDeploy: ApprovalGate;
  readonly testsBeforeDeploy: TestKind[];
  readonly testsAfterDeploy: TestKind[];
  readonly bakeTime: Duration;
  readonly bakeAlarmNames: string[];
  readonly approvers: iam.IGrantable[];
  /** The test commands of each kind this environment runs. */
  readonly tests: Map<TestKind, PipelineTest>;
  readonly dataSeed?: PipelineCommands;
  /** Whether the environment's options gave a UNIT test, which cannot run per environment. */
  readonly unitTestPerEnvironment: boolean;
}

/** The CDK Pipelines steps of one environment. */
export interface EnvironmentSteps {
  readonly pre: pipelines.Step[];
  readonly post: pipelines.Step[];
  readonly stackSteps: pipelines.StackSteps[];
}

/** The variables every step of an environment gets, so one test script serves every environment. */
function standardEnv(env: IsolatedEnvironment): Record<string, string> {
  return {
    ENVIRONMENT_NAME: env.environmentName,
    TIER: env.tier.name,
    TARGET_ACCOUNT: env.account!,
    TARGET_REGION: env.region!,
    DEPLOYMENT_ROLE_ARN: env.deploymentRoleArn,
  };
}

/** A CodeBuild job that runs the user's commands with the environment's variables and may assume its deployment role. */
function commandStep(id: string, env: IsolatedEnvironment, commands: PipelineCommands): pipelines.CodeBuildStep {
  return new pipelines.CodeBuildStep(id, {
    installCommands: commands.installCommands,
    commands: commands.commands,
    buildEnvironment: commands.buildImage ? { buildImage: commands.buildImage } : undefined,
    env: { ...standardEnv(env), ...commands.env },
    envFromCfnOutputs: commands.envFromOutputs,
    rolePolicyStatements: [new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [env.deploymentRoleArn] })],
  });
}

const TEST_STEP_NAMES: Record<TestKind, string> = {
  [TestKind.UNIT]: 'UnitTests',
  [TestKind.SMOKE]: 'SmokeTests',
  [TestKind.INTEGRATION]: 'IntegrationTests',
  [TestKind.PERFORMANCE]: 'PerformanceTests',
  [TestKind.DATA_MIGRATION]: 'DataMigrationTests',
  [TestKind.LOAD]: 'LoadTests',
  [TestKind.SECURITY]: 'SecurityTests',
};

/**
 * The steps before and after an environment's deploy, in the order the tier asks for:
 * tests before, then the approval (the approver sees their result); the deploy, where a change
 * review places an approval between each stack's change set and its execution; then data seeding,
 * tests after, and the sign-off once they pass.
 */
export function stepsFor(plan: EnvironmentPlan): EnvironmentSteps {
  const env = plan.environment;
  const pre: pipelines.Step[] = plan.testsBeforeDeploy
    .filter(kind => kind !== TestKind.UNIT)
    .map(kind => commandStep(TEST_STEP_NAMES[kind], env, plan.tests.get(kind)!));
  if (plan.approvalBeforeDeploy === ApprovalGate.MANUAL_APPROVAL) {
    const approval = new pipelines.ManualApprovalStep('Approve', {
      comment: `Deploy to ${env.environmentName} (${env.tier.name}, account ${env.account})?`,
    });
    pre.forEach(step => approval.addStepDependency(step));
    pre.push(approval);
  }

  const stacks = stacksOf(env);
  const stackSteps: pipelines.StackSteps[] = plan.approvalBeforeDeploy !== ApprovalGate.CHANGE_REVIEW ? [] : stacks
    .map(stack => ({
      stack,
      changeSet: [new pipelines.ManualApprovalStep(`Review-${stack.node.id}`, {
        comment: `Review change set PipelineChange of stack ${stack.stackName} in account ${env.account} (${env.region}) before it is executed`,
        reviewUrl: `https://${env.region}.console.aws.amazon.com/cloudformation/home?region=${env.region}#/stacks?filteringText=${stack.stackName}`,
      })],
    }));

  const post: pipelines.Step[] = [];
  const seed = plan.dataSeed && env.profile.reseedsData ? commandStep('SeedData', env, plan.dataSeed) : undefined;
  if (seed) post.push(seed);
  for (const kind of plan.testsAfterDeploy) {
    const test = commandStep(TEST_STEP_NAMES[kind], env, plan.tests.get(kind)!);
    if (seed) test.addStepDependency(seed);
    post.push(test);
  }
  if (plan.approvalAfterDeploy === ApprovalGate.MANUAL_APPROVAL) {
    const signOff = new pipelines.ManualApprovalStep('SignOff', {
      comment: `${env.environmentName} (${env.tier.name}) is deployed and tested: sign off to promote the change`,
    });
    post.forEach(step => signOff.addStepDependency(step));
    post.push(signOff);
  }
  return { pre, post, stackSteps };
}

/** Every problem of one environment's plan: missing commands, approvers, alarms. */
export function validatePlan(plan: EnvironmentPlan, restrictedApprovers: boolean, errors: ValidationErrors): void {
  const env = plan.environment;
  const who = `environment '${env.environmentName}' (tier ${env.tier.name})`;
  for (const [when, kinds] of [['before', plan.testsBeforeDeploy], ['after', plan.testsAfterDeploy]] as const) {
    for (const kind of kinds.filter(k => !plan.tests.has(k))) {
      errors.add('tests', `has no test of kind ${kind}, which ${who} runs ${when} deploy; add one, or set tests${when === 'before' ? 'Before' : 'After'}Deploy for this environment`);
    }
  }
  if (plan.unitTestPerEnvironment) {
    errors.add('tests', `has a UNIT test for ${who}; unit tests run once, in the synth step: give them in the pipeline's tests`);
  }
  const gates = [plan.approvalBeforeDeploy, plan.approvalAfterDeploy].filter(g => g !== ApprovalGate.NONE);
  // The tier's consistency rules (a production tier needs an approval, a change review comes
  // before the deploy, unit tests run before it) hold for the options too: one place decides them.
  // Restricted approvers are the tier's to decide, not an option: here they only ask for approvers.
  validateTierProfile({
    ...env.profile,
    restrictedApprovers: false,
    approvalBeforeDeploy: plan.approvalBeforeDeploy,
    approvalAfterDeploy: plan.approvalAfterDeploy,
    testsBeforeDeploy: plan.testsBeforeDeploy,
    testsAfterDeploy: plan.testsAfterDeploy,
    bakeTime: plan.bakeTime,
  }, errors);
  if (restrictedApprovers && gates.length > 0 && plan.approvers.length === 0) {
    errors.add('approvers', `is empty, but only named approvers may approve the gates of ${who}; give the IAM roles or users of the tooling account who may approve them`);
  }
  // A production environment without a gate is reported above, with what to set: approvers are right there.
  if (plan.approvers.length > 0 && gates.length === 0 && !env.profile.production) {
    errors.add('approvers', `are given, but ${who} has no approval gate; set approvalBeforeDeploy or approvalAfterDeploy, or remove approvers`);
  }
  if (plan.bakeTime.toSeconds() > 0 && plan.bakeAlarmNames.length === 0) {
    errors.add('bakeAlarmNames', `is empty, but ${who} bakes for ${plan.bakeTime.toMinutes()} minutes after deploy; name the alarms (in the environment's account and region) to watch, or set bakeTime to zero`);
  }
  if (plan.bakeTime.toSeconds() === 0 && plan.bakeAlarmNames.length > 0) {
    errors.add('bakeAlarmNames', `are given, but ${who} has no bake period (bakeTime is zero); set bakeTime, or remove bakeAlarmNames`);
  }
  if (plan.bakeTime.toSeconds() % 60 !== 0) {
    errors.add('bakeTime', `is ${plan.bakeTime.toHumanString()} for ${who}; CodePipeline waits in whole minutes`);
  }
  if (env.profile.reseedsData && !plan.dataSeed) {
    errors.add('dataSeed', `is missing, but ${who} re-seeds its data on every deploy; give the commands that seed it`);
  }
}
