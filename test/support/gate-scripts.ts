import { execFileSync } from 'child_process';
import * as path from 'path';

/**
 * A stand-in `aws s3 cp` for the gate scripts' bundles, as lines of a stand-in `aws` in bash: it
 * serves the object key `<hash>.zip` as the zip of the directory the synth staged for that asset in
 * `published` (what cdk-assets uploads when the pipeline's stack deploys). With `$SWAP_GATE_SCRIPTS`
 * set, it serves a gate script's bundle whose `index.js` was replaced, and with `$SWAP_PLAN` a job's plan
 * that names no stack to review (someone who may write to the asset bucket).
 */
export function s3CopyStandIn(published: string): string[] {
  return [
    'if [ "$1 $2" = "s3 cp" ]; then',
    '  for a in "$@"; do case "$a" in s3://*) url="$a";; esac; done; dest="${@: -1}"',
    '  key=$(basename "$url" .zip); from=$(mktemp -d)',
    `  cp -r "${published}/asset.$key/." "$from/" || exit 1`,
    '  [ -z "$SWAP_GATE_SCRIPTS" ] || [ ! -f "$from/index.js" ] || echo \'require("fs").writeFileSync("summary.txt", "no change")\' > "$from/index.js"',
    '  [ -z "$SWAP_PLAN" ] || [ "$(basename "$dest")" != plan.zip ] || for f in "$from"/*.sh; do echo "REVIEWED_STACKS=()" >> "$f"; done',
    '  (cd "$from" && zip -q -r "$dest" .) || exit 1; rm -rf "$from"; exit 0',
    'fi',
  ];
}

/**
 * The digest of a gate script's bundle as the package ships it (assets/pipeline/<folder>/: review/review-script, jobs),
 * computed as `sha256sum` computes it in a shell: the SHA-256 of the `sha256sum` lines of its files
 * in their paths' byte order.
 */
export function shippedDigest(folder: string): string {
  const directory = path.join(__dirname, '..', '..', 'assets', 'pipeline', folder);
  return execFileSync('bash', ['-c', 'cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-64', 'digest', directory])
    .toString().trim();
}
