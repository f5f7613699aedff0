/**
 * CodeBuild runs at once as many builds of a platform and compute type as the account's quota for
 * it allows in the region, shared with every other build there, and queues the others: "It is not
 * possible to predict the order in which queued builds start" (AWS CodeBuild User Guide, "Builds
 * in AWS CodeBuild", https://docs.aws.amazon.com/codebuild/latest/userguide/builds-working.html);
 * "For some platforms and compute types, the default is 20. For a new account, the quota can be as
 * low as 5" ("Quotas for AWS CodeBuild", https://docs.aws.amazon.com/codebuild/latest/userguide/limits.html).
 * A build that waits in its build for another action of its stage holds its place while it waits:
 * with no more places than waiting builds, they can hold them all while the builds they wait for
 * stay queued, until they time out. Synthesis cannot read the quota; it can say what the pipelines
 * need of it.
 */

/**
 * The least quota under which `waitingBuilds` builds that wait cannot hold every place, so that a
 * build they wait for can always start: one more. It rules out the deadlock, not the queueing.
 */
export function leastBuildQuota(waitingBuilds: number): number {
  return waitingBuilds + 1;
}

/** What the builds that wait need of the quota: the most of a stage of the main pipeline, and of a run of every lane. */
export interface WaitingBuilds {
  /** The builds of the main pipeline's busiest stage that wait, while one commit goes through and no hotfix. */
  readonly mostInAStage: number;
  /** Those of every stage of every lane together, when each stage is busy with another commit. */
  readonly inEveryLane: number;
}

/**
 * The quota of BUILD_GENERAL1_SMALL on Linux, aws-cdk-lib's default compute type, which every job's
 * project has: its name and code in Service Quotas, as public quota requests give them (the
 * response of `aws service-quotas request-service-quota-increase --service-code codebuild
 * --quota-code L-9D07B6EF` names it "Concurrently running builds for Linux/Small environment").
 */
const SMALL_BUILDS_QUOTA = { name: 'Concurrently running builds for Linux/Small environment', code: 'L-9D07B6EF' };

/**
 * The notice a pipeline whose builds wait gives at synth: the quota it needs in the tooling
 * account (`region`: the tooling stack's, or undefined where it is known only at deploy time).
 */
export function concurrencyNotice(waiting: WaitingBuilds, region: string | undefined): string {
  return `The pipelines need the tooling account's CodeBuild quota "${SMALL_BUILDS_QUOTA.name}" (BUILD_GENERAL1_SMALL, quota code ${SMALL_BUILDS_QUOTA.code}) `
    + `in ${region ?? 'the tooling stack\'s region'} to be at least ${leastBuildQuota(waiting.mostInAStage)} `
    + `for one commit at a time, and ${leastBuildQuota(waiting.inEveryLane)} for commits in quick succession: `
    + `${waiting.mostInAStage} builds of a stage (${waiting.inEveryLane} over a run of every lane) wait in their build for another `
    + 'action of their stage, holding their place, and below that quota the builds they wait for can stay queued until the waiting ones time out. '
    + 'AWS\'s default can be as low as 5 in a new account: request an increase in Service Quotas before the first run';
}
