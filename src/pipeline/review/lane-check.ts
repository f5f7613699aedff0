// Part of the change review's script (see review-script.ts): whether the commit under review
// contains every commit the other lane has taken to production. Runs in the review job, with the
// AWS CLI and git it has.
import { spawnSync } from 'child_process';

/** The other lane, as the review job is told of it. */
export interface LaneToCheck {
  /** How the review calls it: `hotfix lane`, `main pipeline`. */
  readonly label: string;
  readonly pipelineName: string;
  /** Its source action, whose revision is the commit an execution deploys. */
  readonly sourceAction: string;
  /** Its stages that deploy production. */
  readonly productionStages: string[];
}

/** A commit the other lane took to production that the commit under review does not contain. */
export interface MissingCommit {
  readonly commit: string;
  /** The other lane's pipeline execution that deployed it. */
  readonly execution: string;
}

/** What the check found. */
export interface LaneCheckResult {
  readonly lane: string;
  /** The commit under review. */
  readonly commit: string;
  /** The commits the other lane took to production (that CodePipeline still lists). */
  readonly checked: string[];
  readonly missing: MissingCommit[];
}

/** Runs a command; its exit status and output. */
export type Run = (command: string, args: string[]) => { status: number | null; stdout: string; stderr: string };

const run: Run = (command, args) => {
  const result = spawnSync(command, args, { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? String(result.error ?? '') };
};

/** CodePipeline keeps a year of executions; the last thousand of each kind are plenty to find the other lane's production deploys. */
const MAX_ITEMS = '1000';

/**
 * The commits the other lane deployed to production (a `Deploy` action that succeeded in one of
 * its production stages, by execution), and whether the commit under review contains each of them
 * (`git merge-base --is-ancestor` in a full clone of the commit under review: a commit it does not
 * contain is either not an ancestor or not in the clone at all).
 */
export function checkLane(other: LaneToCheck, repository: string, exec: Run = run): LaneCheckResult {
  const aws = (args: string[]): any => {
    const result = exec('aws', ['codepipeline', ...args, '--pipeline-name', other.pipelineName, '--max-items', MAX_ITEMS, '--output', 'json']);
    if (result.status !== 0) throw new Error(`aws codepipeline ${args[0]} of ${other.label} ${other.pipelineName} failed: ${result.stderr.trim()}`);
    return JSON.parse(result.stdout);
  };
  const head = exec('git', ['-C', repository, 'rev-parse', 'HEAD']);
  if (head.status !== 0) throw new Error(`${repository} is not a clone of the repository (git rev-parse HEAD: ${head.stderr.trim()}); the review needs the commit's history`);
  const commit = head.stdout.trim();

  const deployedBy = new Set<string>(
    (aws(['list-action-executions']).actionExecutionDetails ?? [])
      .filter((d: any) => d.actionName === 'Deploy' && d.status === 'Succeeded' && other.productionStages.includes(d.stageName))
      .map((d: any) => d.pipelineExecutionId),
  );
  const commits = new Map<string, string>(); // commit -> the latest execution that deployed it
  for (const execution of aws(['list-pipeline-executions']).pipelineExecutionSummaries ?? []) {
    if (!deployedBy.has(execution.pipelineExecutionId)) continue;
    const revision = (execution.sourceRevisions ?? []).find((r: any) => r.actionName === other.sourceAction)?.revisionId;
    if (revision && !commits.has(revision)) commits.set(revision, execution.pipelineExecutionId);
  }
  const missing = [...commits].filter(([deployed]) => exec('git', ['-C', repository, 'merge-base', '--is-ancestor', deployed, commit]).status !== 0)
    .map(([deployed, execution]) => ({ commit: deployed, execution }));
  return { lane: other.label, commit, checked: [...commits.keys()], missing };
}
