import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';

/**
 * `fetch_bundle DIR URL DIGEST` copies a zipped directory from the pipeline's own assets into DIR
 * and fails the build unless the directory's digest (`directoryDigest`) is the one the pipeline's
 * definition names, so that even someone who may write to the asset bucket cannot swap what a job
 * runs or reads. `aws s3 cp --quiet` (https://docs.aws.amazon.com/cli/latest/reference/s3/cp.html)
 * prints nothing but errors; `unzip` and `sha256sum` are in CodeBuild's standard images.
 */
export const FETCH_BUNDLE = 'fetch_bundle() { local dir="$1" url="$2" sum="$3"; rm -rf "$dir" "$dir.zip" && mkdir -p "$dir" '
  + '&& aws s3 cp --quiet "$url" "$dir.zip" && unzip -q -o "$dir.zip" -d "$dir" '
  + '|| { echo "Could not fetch $url: the pipeline\'s stack publishes it when it deploys"; return 1; }; '
  + '[ "$(cd "$dir" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-64)" = "$sum" ] '
  + '|| { echo "$url is not the one this pipeline\'s definition names (digest $sum): nothing runs"; return 1; }; }';

/** The command that fetches `asset` into `directory` (in double quotes' syntax) and checks it against `digest` (`directoryDigest`). */
export function fetchBundleCommand(directory: string, asset: s3assets.Asset, digest: string): string {
  return `fetch_bundle "${directory}" "s3://${asset.s3BucketName}/${asset.s3ObjectKey}" ${digest}`;
}

/**
 * The digest `fetch_bundle` checks: the SHA-256 of the `sha256sum` lines of every file under
 * `directory` (`<64 hex digits>  ./<path>`), in the byte order of their paths (`LC_ALL=C sort`).
 */
export function directoryDigest(directory: string): string {
  const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
    .flatMap(entry => entry.isDirectory() ? files(path.join(dir, entry.name)) : [path.join(dir, entry.name)]);
  const lines = files(directory)
    .map(file => `./${path.relative(directory, file).split(path.sep).join('/')}`)
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
    .map(relative => `${crypto.createHash('sha256').update(fs.readFileSync(path.join(directory, relative))).digest('hex')}  ${relative}\n`);
  return crypto.createHash('sha256').update(lines.join('')).digest('hex');
}

/**
 * Permission to read `assets`' objects, and nothing else of the asset bucket: `s3:GetObject` on the
 * object ARN, the action and resource type `aws s3 cp` of one object needs
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html). Not the
 * asset's `grantRead()`, which also grants `s3:GetBucket*` and `s3:List*` on the whole bucket, every
 * environment's published assets included. No KMS permission: the CDK bootstrap's asset key lets
 * every principal of its account decrypt through S3 (`FileAssetsBucketEncryptionKey` in aws-cdk's
 * lib/api/bootstrap/bootstrap-template.yaml: `kms:CallerAccount` and `kms:ViaService` s3), and
 * `AWS_MANAGED_KEY` needs none either.
 */
export function readBundles(assets: s3assets.Asset[]): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: assets.map(asset => asset.bucket.arnForObjects(asset.s3ObjectKey)) });
}
