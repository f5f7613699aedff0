import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { APPROVAL_COMMENT_LIMIT, DIGEST_LENGTH, SUMMARY_LIMIT } from './approval-limits';
import { ChangeReviewJob, OtherLane } from './change-review-job';
import { DEPLOY_JOB, EnvironmentBuilds } from './environment-builds';
import { OrphanListingJob } from './orphan-cleanup';
import { OrphanMode } from './orphan-mode';
import { PipelineCommands, PipelineTest } from './pipeline-test';
import { BuildSteps, checkOneBuild, everyStep, NamedCommands, TestBuilds } from './test-builds';
import { IsolatedEnvironment } from '../environment';
import { firstWithin } from '../private/first-within';
import { ValidationErrors } from '../private/validation-errors';
import { ApprovalGate, DeploymentMode, DeploymentWindow, TestKind } from '../tiers';
import { validateTierProfile } from '../tiers/profile-validation';

/** What the pipeline does around one environment's deploy, after the tier's defaults and the options are merged. */
export interface EnvironmentPlan {
  readonly environment: IsolatedEnvironment;
  readonly approvalBeforeDeploy: ApprovalGate;
  readonly approvalAfterDeploy: ApprovalGate;
  readonly testsBeforeDeploy: TestKind[];
  readonly testsAfterDeploy: TestKind[];
  readonly bakeTime: Duration;
  readonly deploymentWindow?: DeploymentWindow;
  readonly bakeAlarmNames: string[];
  readonly approvers: iam.IGrantable[];
  /** The test commands of each kind this environment runs. */
  readonly tests: Map<TestKind, PipelineTest>;
  readonly dataSeed?: PipelineCommands;
  /** Whether the environment's options gave a UNIT test, which cannot run per environment. */
  readonly unitTestPerEnvironment: boolean;
  /** What its deploy builds do with the stacks it deployed earlier that the app no longer has. */
  readonly orphanMode: OrphanMode;
}

/**
 * What the jobs of a lane run on: the cloud assembly (deploys, reviews), the repository (tests; a
 * full clone, whose history the review reads), the CLI they install, and the other lane, whose
 * production deploys the lane's reviews must not undo.
 */
export interface LaneInputs {
  readonly assembly: pipelines.FileSet;
  readonly source: pipelines.FileSet;
  readonly cdkCliVersion: string;
  readonly otherLane?: OtherLane;
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

/** The steps of one pipeline stage of a wave. */
export interface WaveStage {
  /** The group of the wave the stage deploys, or (`gateOnly`) gates. */
  readonly group: number;
  /**
   * Whether the stage holds the wave's gate alone (its approval, or its change review's approval
   * and, where the stage before does not run it, the review), apart from the first group's deploy: where the wave has a deployment window, which
   * holds back the deploys but not the approval.
   */
  readonly gateOnly: boolean;
  readonly steps: pipelines.Step[];
}

/** Whether a wave waits for an approval (or a change review's) before its first deploy. */
export function hasGateBeforeDeploy(plan: EnvironmentPlan): boolean {
  return plan.approvalBeforeDeploy !== ApprovalGate.NONE;
}

/**
 * The job before a wave's approval (`wave`: its environments' plans; `waveName`: its name, or its
 * one environment's stage name): its change review where the approval asks for one; else, where
 * the approval covers deleting the stacks the app no longer has, the job that lists them; otherwise none.
 */
export function gateJobOf(id: GateJobIds, waveName: string, wave: EnvironmentPlan[],
  inputs: LaneInputs): ChangeReviewJob | OrphanListingJob | undefined {
  const environments = wave.map(p => p.environment);
  if (wave[0].approvalBeforeDeploy === ApprovalGate.CHANGE_REVIEW) {
    return new ChangeReviewJob(id.review, waveName, environments, inputs.assembly, inputs.source, inputs.otherLane);
  }
  if (wave[0].approvalBeforeDeploy === ApprovalGate.MANUAL_APPROVAL && wave.some(p => p.orphanMode === OrphanMode.APPROVED)) {
    return new OrphanListingJob(id.listing, waveName, environments, inputs.assembly);
  }
  return undefined;
}

/** The ids a gate job takes: a change review's, an orphan listing's. */
export interface GateJobIds {
  readonly review: string;
  readonly listing: string;
}

/**
 * The jobs before approvals a wave's steps take part in: its own, and the next wave's, which runs
 * beside this wave's last deploy.
 */
export interface WaveGateJobs {
  readonly own?: ChangeReviewJob | OrphanListingJob;
  /** Whether the stage before the wave runs `own` (beside its deploy); else it runs just before the approval. */
  readonly ownInStageBefore: boolean;
  readonly next?: ChangeReviewJob | OrphanListingJob;
}

/**
 * The steps of each group of a wave, one pipeline stage each (the groups are deployed one after
 * another, the environments of a group side by side), in the order the tier asks for. In the
 * wave's first group, the wave's one approval, or where a change review is asked for, its one
 * approval of the whole wave's change (reviewed, or the stacks the app no longer has listed, beside
 * the stage before's deploy where there is one, so that no one waits for it; else just before the
 * approval); where the wave's deploys wait
 * for a deployment window (`windowed`), the approval is a stage of its own. Then batches of
 * builds, one build per environment of the group: the tests before deploy (`TestsBefore`), the
 * deploy (`Deploy`), then the data seed and the tests after deploy (`TestsAfter`); on the way to
 * production all started together, each waiting in its build for the one it follows (the tests
 * after deploy, for their environment's deploy build to have deployed the stacks they need: it goes
 * on with the stacks no test needs while they run); after production, one after another. The user's commands run only in the test batches, whose role cannot deploy;
 * the deploy batches run only the library's commands. Beside the last
 * group's deploy, the next wave's change review or orphan listing. In the wave's last group, the one sign-off once
 * every environment has passed its tests. Whatever the number of environments, a stage has at most
 * seven actions.
 */
export function stepsForWave(groups: EnvironmentPlan[][], inputs: LaneInputs, windowed: boolean, reviews: WaveGateJobs): WaveStage[] {
  const wave = groups.flat();
  const { approvalBeforeDeploy, approvalAfterDeploy } = wave[0];
  const tier = wave[0].environment.tier.name;
  const stages: WaveStage[] = [];
  const stage = (group: number, gateOnly: boolean): pipelines.Step[] => {
    const steps: pipelines.Step[] = [];
    stages.push({ group, gateOnly, steps });
    return steps;
  };
  const after = <T extends pipelines.Step>(steps: pipelines.Step[], step: T, before: pipelines.Step[]): T => {
    before.forEach(b => step.addStepDependency(b));
    steps.push(step);
    return step;
  };
  let gate: pipelines.Step[] = [];
  const review = reviews.own instanceof ChangeReviewJob ? reviews.own : undefined;
  const orphanListing = reviews.own instanceof OrphanListingJob ? reviews.own : undefined;
  if (hasGateBeforeDeploy(wave[0])) {
    const steps = stage(0, windowed);
    if (approvalBeforeDeploy === ApprovalGate.MANUAL_APPROVAL) {
      // The approval covers deleting the stacks the app no longer has: it names them.
      if (orphanListing && !reviews.ownInStageBefore) after(steps, orphanListing, []);
      gate = [after(steps, new pipelines.ManualApprovalStep('Approve', {
        comment: orphanListing
          ? fitted(places => `Deploy to ${places}? Stacks the app no longer has, deleted after the deploy: ${orphanListing.summary}`, wave, tier, SUMMARY_LIMIT)
          : fitted(places => `Deploy to ${places}?`, wave, tier, 0),
      }), orphanListing && !reviews.ownInStageBefore ? [orphanListing] : [])];
    }
    if (approvalBeforeDeploy === ApprovalGate.CHANGE_REVIEW) {
      if (!reviews.ownInStageBefore) after(steps, review!, []);
      gate = [after(steps, new pipelines.ManualApprovalStep('Review', {
        comment: fitted(places => `Review ${places}: ${review!.summary}. Full review: the link. `
          + `Review digest ${review!.digest}: a deploy stops if its stacks or files differ from it`, wave, tier, SUMMARY_LIMIT + DIGEST_LENGTH),
        reviewUrl: review!.reviewUrl,
      }), reviews.ownInStageBefore ? [] : [review!])];
    }
  }
  const build = buildSteps(wave[0]);
  groups.forEach((group, index) => {
    const gated = index === 0 && stages.length > 0 && !stages[0].gateOnly;
    const steps = gated ? stages[0].steps : stage(index, false);
    const waitsFor = index === 0 ? gate : [];
    const environments = group.map(p => p.environment);
    const deployInputs = { assembly: inputs.assembly, cdkCliVersion: inputs.cdkCliVersion, review, orphanMode: wave[0].orphanMode, orphanListing };
    // The user's commands run in builds of their own, which cannot deploy: the tests before deploy,
    // then the deploy, then the data seed and the tests after deploy, while the deploy goes on with
    // the stacks no test needs. On the way to production, each starts with the stage and waits in
    // its build for the one before it: its provisioning and installs overlap the one before, off
    // the path to production. After production there is no such path to shorten, and a build that
    // waits is billed and holds its place in CodeBuild's concurrent-build quota while it waits: each
    // starts once the one before it has ended.
    const beside = wave[0].environment.profile.deployment !== DeploymentMode.AFTER_PRODUCTION;
    const testedBefore = build.before.length > 0 ? after(steps, new TestBuilds('TestsBefore', environments, inputs.source, [build.before]), waitsFor) : undefined;
    const deployedAfter = testedBefore && !beside ? [testedBefore] : waitsFor;
    const deployed = after(steps, new EnvironmentBuilds(DEPLOY_JOB, environments, build, deployInputs), deployedAfter);
    if (testedBefore && beside) deployed.startBesideAndAwait(testedBefore);
    const afterGroups = [...build.seed ? [[build.seed]] : [], ...build.after.length > 0 ? [build.after] : []];
    const tested = afterGroups.length === 0 ? []
      : [after(steps, new TestBuilds('TestsAfter', environments, inputs.source, afterGroups), beside ? waitsFor : [deployed])];
    if (beside) tested.forEach(t => t.startBesideAndAwaitReady(deployed));
    if (index === groups.length - 1 && reviews.next) after(steps, reviews.next, waitsFor);
    if (index === groups.length - 1 && approvalAfterDeploy === ApprovalGate.MANUAL_APPROVAL) {
      after(steps, new pipelines.ManualApprovalStep('SignOff', {
        comment: wave.length === 1
          ? `${wave[0].environment.environmentName} (${tier}) is deployed and tested: sign off to promote the change`
          : withinLimit([
            `${wave.map(p => p.environment.environmentName).join(', ')} (${tier}) are deployed and tested: sign off to promote the change`,
            `The ${wave.length} environments of this wave (${tier}) are deployed and tested: sign off to promote the change`,
          ], 0),
      }), [deployed, ...tested]);
    }
  });
  return stages;
}

/** What a plan's test builds run around the deploy: the tests before, the data seed (where the tier re-seeds), the tests after. */
function buildSteps(plan: EnvironmentPlan): BuildSteps {
  return {
    before: commandsBefore(plan),
    seed: plan.dataSeed && plan.environment.profile.reseedsData ? { name: 'SeedData', commands: plan.dataSeed } : undefined,
    after: plan.testsAfterDeploy.map(kind => ({ name: TEST_STEP_NAMES[kind], commands: plan.tests.get(kind)! })),
  };
}

/** The tests before deploy of a plan, in the tier's order. */
function commandsBefore(plan: EnvironmentPlan): NamedCommands[] {
  return plan.testsBeforeDeploy.filter(k => k !== TestKind.UNIT).map(kind => ({ name: TEST_STEP_NAMES[kind], commands: plan.tests.get(kind)! }));
}

/**
 * An approval's comment naming where the wave deploys, within CodePipeline's limit once `reserved`
 * characters of variables are resolved in it: with each environment's account and region, or
 * else by name, or else (a wave too large to list) counted.
 */
function fitted(comment: (places: string) => string, wave: EnvironmentPlan[], tier: string, reserved: number): string {
  return withinLimit([
    placesOf(wave, tier),
    `${wave.map(p => p.environment.environmentName).join(', ')} (tier ${tier})`,
    `the ${wave.length} environments of this wave (tier ${tier})`,
  ].map(comment), reserved);
}

/** The first of an approval's comments, most telling first, that keeps within CodePipeline's limit once `reserved` characters of variables are resolved in it. */
function withinLimit(candidates: string[], reserved: number): string {
  return firstWithin(candidates, APPROVAL_COMMENT_LIMIT - reserved);
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
    deploymentWindow: plan.deploymentWindow,
  }, errors);
  if (restrictedApprovers && gates.length > 0 && plan.approvers.length === 0) {
    errors.add('approvers', `is empty, but only named approvers may approve the gates of ${who}; set approvers in the options of addEnvironment or addWave: the IAM roles or users of the tooling account who may approve them`);
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
  if (plan.testsBeforeDeploy.every(k => plan.tests.has(k)) && plan.testsAfterDeploy.every(k => plan.tests.has(k))) {
    // The tests before deploy share one build; the data seed and the tests after deploy another.
    const { before, seed, after } = buildSteps(plan);
    checkOneBuild('tests', before, who, errors);
    checkOneBuild('tests', everyStep({ before: [], seed, after }), who, errors);
  }
  if (env.profile.reseedsData && !plan.dataSeed) {
    errors.add('dataSeed', `is missing, but ${who} re-seeds its data on every deploy; give the commands that seed it`);
  }
}
