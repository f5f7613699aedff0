import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { PipelineCommands, PipelineTest } from './pipeline-test';
import { WaveProjects, WaveProjectStep } from './wave-projects';
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

/** The steps of one environment inside its group's pipeline stage. */
export interface EnvironmentStageSteps {
  readonly plan: EnvironmentPlan;
  /** Data seeding and the tests after deploy. */
  readonly post: pipelines.Step[];
  /** The change review between each stack's change set and its execution. */
  readonly stackSteps: pipelines.StackSteps[];
}

/** The projects a wave of several environments shares, and the repository their steps run on. */
export interface SharedProjects {
  readonly projects: WaveProjects;
  readonly source: pipelines.FileSet;
}

/** The CDK Pipelines steps of one group of a wave: the environments deployed together in one pipeline stage. */
export interface GroupSteps {
  /** Before any environment of the group deploys: in the wave's first group, the tests before deploy of every environment of the wave, then the approval. */
  readonly pre: pipelines.Step[];
  readonly environments: EnvironmentStageSteps[];
  /** After every environment of the group is deployed and tested: in the wave's last group, the sign-off. */
  readonly post: pipelines.Step[];
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

/** A CodeBuild job of its own that runs the user's commands with the environment's variables and may assume its deployment role. */
function ownProjectStep(id: string, env: IsolatedEnvironment, commands: PipelineCommands): pipelines.CodeBuildStep {
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
 * The steps of one group of a wave (the groups are deployed one after another, the environments
 * of a group side by side), in the order the tier asks for: in the first group, the tests before
 * deploy of every environment of the wave, then the wave's one approval (the approver sees their
 * result); the deploys, where a change review places one approval per stack of the group between
 * the stack's change sets and their execution; data seeding and tests after, per environment; and
 * in the last group, the wave's one sign-off once every environment has passed them.
 *
 * A wave of one environment names its steps as CDK Pipelines names a stage's; in a larger wave,
 * a step of one environment in the wave's own pre steps starts with the environment's stage name,
 * as CDK Pipelines names the steps of a stage in a wave.
 */
export function stepsForGroup(groups: EnvironmentPlan[][], index: number, shared?: SharedProjects): GroupSteps {
  const wave = groups.flat();
  // In a wave of several environments, each kind of step runs in one project for them all.
  const commandStep = (id: string, env: IsolatedEnvironment, commands: PipelineCommands, kind: string): pipelines.Step => (shared
    ? new WaveProjectStep(id, shared.projects.projectFor(kind, commands), shared.source, { ...standardEnv(env), ...commands.env })
    : ownProjectStep(id, env, commands));
  const group = groups[index];
  const { approvalBeforeDeploy, approvalAfterDeploy, testsBeforeDeploy, testsAfterDeploy } = wave[0];
  const tier = wave[0].environment.tier.name;
  const prefix = (env: IsolatedEnvironment) => wave.length === 1 ? '' : `${env.stageName}.`;

  const pre: pipelines.Step[] = [];
  if (index === 0) {
    for (const plan of wave) {
      for (const kind of testsBeforeDeploy.filter(k => k !== TestKind.UNIT)) {
        pre.push(commandStep(`${prefix(plan.environment)}${TEST_STEP_NAMES[kind]}`, plan.environment, plan.tests.get(kind)!, TEST_STEP_NAMES[kind]));
      }
    }
    if (approvalBeforeDeploy === ApprovalGate.MANUAL_APPROVAL) {
      const approval = new pipelines.ManualApprovalStep('Approve', { comment: `Deploy to ${placesOf(wave, tier)}?` });
      pre.forEach(step => approval.addStepDependency(step));
      pre.push(approval);
    }
  }

  // One review per stack of the group: the same stack (by its id) of every environment.
  const reviews = new Map<string, pipelines.ManualApprovalStep>();
  if (approvalBeforeDeploy === ApprovalGate.CHANGE_REVIEW) {
    const stacksById = new Map<string, Stack[]>();
    for (const stack of group.flatMap(plan => stacksOf(plan.environment))) {
      stacksById.set(stack.node.id, [...stacksById.get(stack.node.id) ?? [], stack]);
    }
    for (const [id, stacks] of stacksById) {
      const first = stacks[0];
      reviews.set(id, new pipelines.ManualApprovalStep(`Review-${id}`, {
        comment: stacks.length === 1
          ? `Review change set PipelineChange of stack ${first.stackName} in account ${first.account} (${first.region}) before it is executed`
          : `Review change sets PipelineChange of stacks ${stacks.map(s => `${s.stackName} in account ${s.account} (${s.region})`).join(', ')} before they are executed`,
        reviewUrl: `https://${first.region}.console.aws.amazon.com/cloudformation/home?region=${first.region}#/stacks?filteringText=${first.stackName}`,
      }));
    }
  }
  const environments = group.map(plan => {
    const env = plan.environment;
    const stackSteps: pipelines.StackSteps[] = (reviews.size === 0 ? [] : stacksOf(env))
      .map(stack => ({ stack, changeSet: [reviews.get(stack.node.id)!] }));
    const post: pipelines.Step[] = [];
    const seed = plan.dataSeed && env.profile.reseedsData ? commandStep('SeedData', env, plan.dataSeed, 'SeedData') : undefined;
    if (seed) post.push(seed);
    for (const kind of testsAfterDeploy) {
      const test = commandStep(TEST_STEP_NAMES[kind], env, plan.tests.get(kind)!, TEST_STEP_NAMES[kind]);
      if (seed) test.addStepDependency(seed);
      post.push(test);
    }
    return { plan, post, stackSteps };
  });

  const post: pipelines.Step[] = [];
  if (index === groups.length - 1 && approvalAfterDeploy === ApprovalGate.MANUAL_APPROVAL) {
    post.push(new pipelines.ManualApprovalStep('SignOff', {
      comment: wave.length === 1
        ? `${wave[0].environment.environmentName} (${tier}) is deployed and tested: sign off to promote the change`
        : `${wave.map(p => p.environment.environmentName).join(', ')} (${tier}) are deployed and tested: sign off to promote the change`,
    }));
  }
  return { pre, environments, post };
}

/** Where a wave deploys, for an approval's comment. */
function placesOf(wave: EnvironmentPlan[], tier: string): string {
  if (wave.length === 1) {
    const env = wave[0].environment;
    return `${env.environmentName} (${tier}, account ${env.account})`;
  }
  return `${wave.map(p => `${p.environment.environmentName} (account ${p.environment.account}, ${p.environment.region})`).join(', ')}, tier ${tier}`;
}

/**
 * Every problem of a wave's plan (the same for each of its environments): missing commands,
 * approvers, alarms. `who` names the wave or its one environment.
 */
export function validatePlan(plan: EnvironmentPlan, who: string, restrictedApprovers: boolean, errors: ValidationErrors): void {
  const env = plan.environment;
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
