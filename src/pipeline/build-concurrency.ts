import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { CodeBuildJob } from './codebuild-job';

/**
 * CodeBuild runs at once as many builds of a platform and compute type as the account's quota for
 * it allows in the region, shared with every other build there, and queues the others: "It is not
 * possible to predict the order in which queued builds start" (AWS CodeBuild User Guide, "Builds
 * in AWS CodeBuild", https://docs.aws.amazon.com/codebuild/latest/userguide/builds-working.html);
 * "For some platforms and compute types, the default is 20. For a new account, the quota can be as
 * low as 5" ("Quotas for AWS CodeBuild", https://docs.aws.amazon.com/codebuild/latest/userguide/limits.html),
 * and public reports of new accounts show 1, even 0 ("Cannot have more than 0 builds in queue for
 * the account"). A build that waits in its build for another action of its stage holds its place
 * while it waits: with no more places than waiting builds, they can hold them all while the builds
 * they wait for stay queued, until they time out. Synthesis cannot read the quota; it can say what
 * the pipelines need of it, quota by quota: where every quota has a place beyond its waiting builds,
 * any build waited for can start, whatever its quota.
 */

/**
 * The least quota under which `waitingBuilds` builds that wait cannot hold every place, so that a
 * build they wait for can always start: one more. It rules out the deadlock, not the queueing.
 */
export function leastBuildQuota(waitingBuilds: number): number {
  return waitingBuilds + 1;
}

/**
 * The quotas of the build environments a job's project can have, by environment type and compute
 * type: aws-cdk-lib's default compute type for a Linux image, BUILD_GENERAL1_SMALL, and for an ARM
 * image (a test's `buildImage`), BUILD_GENERAL1_LARGE; another image's quota is named by its type.
 * Their names and codes in Service Quotas, as public quota requests and listings give them (`aws
 * service-quotas list-service-quotas --service-code codebuild`). The commands of the note take the
 * parameters botocore's service-quotas model defines: GetServiceQuota requires ServiceCode and
 * QuotaCode, RequestServiceQuotaIncrease those and DesiredValue.
 */
const QUOTAS: Record<string, { name: string; code: string }> = {
  'LINUX_CONTAINER/BUILD_GENERAL1_SMALL': { name: 'Concurrently running builds for Linux/Small environment', code: 'L-9D07B6EF' },
  'ARM_CONTAINER/BUILD_GENERAL1_LARGE': { name: 'Concurrently running builds for ARM/Large environment', code: 'L-596BEAB4' },
};

/** The builds that wait, of one quota: the most of one stage of any lane, and those of every stage of every lane together. */
export interface WaitingBuilds {
  /** The quota's key: environment type and compute type (`LINUX_CONTAINER/BUILD_GENERAL1_SMALL`). */
  readonly quota: string;
  /** The most that wait in one stage: one commit at a time, in either lane. */
  readonly mostInAStage: number;
  /** Those of every stage of every lane: each stage busy with another commit. */
  readonly inEveryLane: number;
}

/**
 * The builds that wait in the stages of a MultiEnvPipeline's lanes (`lanes`: each lane's stages,
 * each a list of steps), by quota; once CDK Pipelines has turned the steps into actions.
 */
export function waitingBuildsOf(lanes: pipelines.Step[][][]): WaitingBuilds[] {
  const byQuota = new Map<string, { mostInAStage: number; inEveryLane: number }>();
  for (const stage of lanes.flat()) {
    const inStage = new Map<string, number>();
    for (const job of stage.filter((s): s is CodeBuildJob => s instanceof CodeBuildJob && s.waitingBuilds > 0)) {
      inStage.set(job.quota, (inStage.get(job.quota) ?? 0) + job.waitingBuilds);
    }
    for (const [quota, builds] of inStage) {
      const seen = byQuota.get(quota) ?? { mostInAStage: 0, inEveryLane: 0 };
      byQuota.set(quota, { mostInAStage: Math.max(seen.mostInAStage, builds), inEveryLane: seen.inEveryLane + builds });
    }
  }
  return [...byQuota].map(([quota, counts]) => ({ quota, ...counts }));
}

/** The id of the note by which a pipeline whose builds wait states the quotas it needs; acknowledged once they are raised. */
export const BUILD_CONCURRENCY_NOTICE = 'cdk-multi-env:buildConcurrencyQuota';

/**
 * Tells, on the main CodePipeline pipeline (`scope`), the quotas the lanes' waiting builds need in
 * the tooling account, each quota named with its code and the commands that read and raise it; the
 * CDK CLI prints it on every synth (INFO) until it is acknowledged. Nothing where no build waits.
 * A note with an id, not a warning: aws-cdk-lib (2.27x) reports warnings as findings of the app's
 * validation report, which fail a strict synth, and a new app made from the README must have no
 * finding on what the library makes (test/consumer/run.sh). A team that has raised the quota
 * acknowledges the note on the MultiEnvPipeline, its parent (`Annotations.of(pipeline).acknowledgeInfo(...)`):
 * aws-cdk-lib honours an acknowledgement made before a message is added on the acknowledged
 * construct's children, not on the construct itself (`Acknowledgements.searchPaths` in aws-cdk-lib's
 * core/lib/annotations), and this one is added at synth.
 */
export function noteBuildConcurrency(scope: Construct, lanes: pipelines.Step[][][]): void {
  const waiting = waitingBuildsOf(lanes);
  if (waiting.length === 0) return;
  const region = Stack.of(scope).region;
  const where = Token.isUnresolved(region) ? 'the tooling stack\'s region' : region;
  const regionOption = Token.isUnresolved(region) ? '' : ` --region ${region}`;
  const needs = waiting.map(w => {
    const known = QUOTAS[w.quota];
    const quota = known ? `"${known.name}" (${w.quota}, quota code ${known.code})` : `of concurrent builds for ${w.quota}`;
    const commands = known ? ` (read it: aws service-quotas get-service-quota --service-code codebuild --quota-code ${known.code}${regionOption}; `
      + `raise it: aws service-quotas request-service-quota-increase --service-code codebuild --quota-code ${known.code} --desired-value ${leastBuildQuota(w.inEveryLane)}${regionOption})` : '';
    const builds = (n: number) => `${n} build${n === 1 ? '' : 's'}`;
    return `the quota ${quota} at least ${leastBuildQuota(w.mostInAStage)} for one commit at a time and ${leastBuildQuota(w.inEveryLane)} for commits in quick succession: `
      + `up to ${builds(w.mostInAStage)} of a stage (${builds(w.inEveryLane)} over a run of every lane) wait in their build for another action of their stage${commands}`;
  });
  Annotations.of(scope).addInfoV2(BUILD_CONCURRENCY_NOTICE, `This app's pipelines need, of the tooling account's CodeBuild quotas in ${where}, ${needs.join('; and ')}. `
    + 'A waiting build holds its place, and with a lower quota the builds it waits for can stay queued until the waiting ones time out. '
    + 'The quota is shared with every other build of the account in the region, which adds to the need; a new account\'s can be 5, 1 or even 0. '
    + `Raise it before the first run, then acknowledge this note (${BUILD_CONCURRENCY_NOTICE}) on the MultiEnvPipeline`);
}
