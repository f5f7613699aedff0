import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct, IConstruct } from 'constructs';
import { JOB_TMP } from './job-temp';
import { singletonIn } from '../../private/singleton-in';

/** Where the build bundles the scripts (src/pipeline/review/), in the package. */
const BUNDLED = path.join(__dirname, '..', '..', '..', 'assets', 'pipeline', 'review');

/** The scripts that decide what an approver reads and what a build deletes. */
export enum GateScript {
  /** The change review (src/pipeline/review/review-script.ts). */
  REVIEW = 'review-script',
  /** The search for stacks the app no longer has (src/pipeline/review/orphan-script.ts). */
  ORPHAN = 'orphan-script',
}

/**
 * `fetch_gate_script DIR URL SHA256` copies a gate script's bundle from the pipeline's own assets
 * into DIR and fails the build unless its `index.js` is the one the pipeline's definition names.
 * `aws s3 cp --quiet` (https://docs.aws.amazon.com/cli/latest/reference/s3/cp.html) prints nothing
 * but errors; `unzip` and `sha256sum` are in CodeBuild's standard images.
 */
const FETCH = 'fetch_gate_script() { local dir="$1" url="$2" sum="$3"; rm -rf "$dir" "$dir.zip" && mkdir -p "$dir" '
  + '&& aws s3 cp --quiet "$url" "$dir.zip" && unzip -q -o "$dir.zip" -d "$dir" '
  + '|| { echo "Could not fetch the gate script $url: the pipeline\'s stack publishes it when it deploys"; return 1; }; '
  + 'echo "$sum  $dir/index.js" | sha256sum --check --status '
  + '|| { echo "The gate script $url is not the one this pipeline\'s definition names (index.js sha256 $sum): nothing runs"; return 1; }; }';

/**
 * The gate scripts of a pipeline's stack, as assets of that stack: published with it, and so
 * changed only by a deploy of the pipeline's own definition (main's self-update), never by the
 * commit under review. A hotfix or feature branch's synth output carries its own copy of the
 * library and could carry any script; the jobs do not read it. Each job fetches the bundle from the
 * stack's asset bucket and checks the SHA-256 of its `index.js` against the one written into its
 * build spec at synth, so that even someone who may write to the asset bucket cannot swap it.
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
    return `${JOB_TMP}/gate-scripts/${script}`;
  }

  private readonly assets = new Map<GateScript, s3assets.Asset>();

  /** The commands that fetch and check `scripts` (a build stops at the first that fails). */
  public fetchCommands(...scripts: GateScript[]): string[] {
    return [FETCH, ...scripts.map(script => {
      const asset = this.assetOf(script);
      return `fetch_gate_script "${GateScripts.directoryOf(script)}" "s3://${asset.s3BucketName}/${asset.s3ObjectKey}" ${sha256Of(script)}`;
    })];
  }

  /**
   * Permission to read `scripts`' bundles, and nothing else of the asset bucket: `s3:GetObject` on
   * the object ARN, the action and resource type `aws s3 cp` of one object needs
   * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html). Not the
   * asset's `grantRead()`, which also grants `s3:GetBucket*` and `s3:List*` on the whole bucket, every
   * environment's published assets included. No KMS permission:
   * the CDK bootstrap's asset key lets every principal of its account decrypt through S3
   * (`FileAssetsBucketEncryptionKey` in aws-cdk's lib/api/bootstrap/bootstrap-template.yaml:
   * `kms:CallerAccount` and `kms:ViaService` s3), and `AWS_MANAGED_KEY` needs none either.
   */
  public readStatement(...scripts: GateScript[]): iam.PolicyStatement {
    return new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: scripts.map(script => {
        const asset = this.assetOf(script);
        return asset.bucket.arnForObjects(asset.s3ObjectKey);
      }),
    });
  }

  private assetOf(script: GateScript): s3assets.Asset {
    let asset = this.assets.get(script);
    if (!asset) {
      asset = new s3assets.Asset(this, script, { path: path.join(BUNDLED, script) });
      this.assets.set(script, asset);
    }
    return asset;
  }
}

/** The SHA-256 of a bundled script's `index.js`, as `sha256sum` prints it. */
function sha256Of(script: GateScript): string {
  return crypto.createHash('sha256').update(fs.readFileSync(path.join(BUNDLED, script, 'index.js'))).digest('hex');
}
