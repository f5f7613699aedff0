import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct, IConstruct } from 'constructs';
import { directoryDigest, fetchBundleCommand, readBundles } from './checked-bundle';
import { JOB_TMP } from './job-temp';
import { singletonIn } from '../../private/singleton-in';

/** Where the build puts the scripts (src/pipeline/review/ bundled, src/pipeline/jobs/ copied), in the package. */
const BUNDLED = path.join(__dirname, '..', '..', '..', 'assets', 'pipeline');

/** The scripts the pipeline's jobs run, each a folder of the package's assets/pipeline/. */
export enum GateScript {
  /** The change review (src/pipeline/review/review-script.ts, bundled). */
  REVIEW = 'review/review-script',
  /** The search for stacks the app no longer has (src/pipeline/review/orphan-script.ts, bundled). */
  ORPHAN = 'review/orphan-script',
  /** The jobs' bash functions (src/pipeline/jobs/), which call the two scripts above from beside them. */
  JOBS = 'jobs',
}

/** A file of the jobs' bash functions (src/pipeline/jobs/<name>.sh). */
export enum JobScript {
  /** `with_role`. */
  ASSUME_ROLE = 'assume-role',
  /** `await_actions`, `await_ready`, `signal_ready`. */
  AWAIT_ACTIONS = 'await-actions',
  /** `await_beside`. */
  BESIDE = 'beside',
  /** `review_change`, `check_reviewed`. */
  CHANGE_REVIEW = 'change-review',
  /** `search_orphans`, `delete_orphans`, `list_orphans`. */
  ORPHANS = 'orphans',
}

/**
 * The gate scripts of a pipeline's stack, as assets of that stack: published with it, and so
 * changed only by a deploy of the pipeline's own definition (main's self-update), never by the
 * commit under review. A hotfix or feature branch's synth output carries its own copy of the
 * library and could carry any script; the jobs do not read it. Each job fetches the bundle from the
 * stack's asset bucket and checks the digest of its files against the one written into its
 * build spec at synth (`FETCH_BUNDLE`), so that even someone who may write to the asset bucket cannot swap it.
 *
 * Written by hand: CDK Pipelines' `CodeBuildStep` runs what its input holds, and its assets reach
 * the environments, not the pipeline's own jobs.
 */
export class GateScripts extends Construct {
  /** The gate scripts of the stack `scope` is in. */
  public static of(scope: IConstruct): GateScripts {
    return singletonIn(Stack.of(scope), 'GateScripts', (stack, id) => new GateScripts(stack, id));
  }

  /** Where a job finds a script once fetched, in double quotes: `node "<directory>/index.js"`. */
  public static directoryOf(script: GateScript): string {
    return `${JOB_TMP}/gate-scripts/${path.basename(script)}`;
  }

  /** The command that reads a file of the jobs' bash functions into the build's shell, once fetched. */
  public static source(file: JobScript): string {
    return `. "${GateScripts.directoryOf(GateScript.JOBS)}/${file}.sh"`;
  }

  private readonly assets = new Map<GateScript, s3assets.Asset>();

  /**
   * The commands that fetch and check `scripts`, once the build has defined `FETCH_BUNDLE` (a build
   * stops at the first that fails).
   */
  public fetchCommands(...scripts: GateScript[]): string[] {
    return scripts.map(script =>
      fetchBundleCommand(GateScripts.directoryOf(script), this.assetOf(script), directoryDigest(path.join(BUNDLED, script))));
  }

  /** Permission to read `scripts`' bundles, and nothing else of the asset bucket (`readBundles`). */
  public readStatement(...scripts: GateScript[]): iam.PolicyStatement {
    return readBundles(scripts.map(script => this.assetOf(script)));
  }

  private assetOf(script: GateScript): s3assets.Asset {
    let asset = this.assets.get(script);
    if (!asset) {
      asset = new s3assets.Asset(this, path.basename(script), { path: path.join(BUNDLED, script) });
      this.assets.set(script, asset);
    }
    return asset;
  }
}
