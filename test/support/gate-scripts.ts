import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/**
 * A stand-in `aws s3 cp` for the gate scripts' bundles, as lines of a stand-in `aws` in bash: it
 * serves the object key `<hash>.zip` as the zip of the directory the synth staged for that asset in
 * `published` (what cdk-assets uploads when the pipeline's stack deploys). With `$SWAP_GATE_SCRIPTS`
 * set, it serves a bundle whose `index.js` was replaced (someone who may write to the asset bucket).
 */
export function s3CopyStandIn(published: string): string[] {
  return [
    'if [ "$1 $2" = "s3 cp" ]; then',
    '  for a in "$@"; do case "$a" in s3://*) url="$a";; esac; done; dest="${@: -1}"',
    '  key=$(basename "$url" .zip); from=$(mktemp -d)',
    `  cp -r "${published}/asset.$key/." "$from/" || exit 1`,
    '  [ -z "$SWAP_GATE_SCRIPTS" ] || echo \'require("fs").writeFileSync("summary.txt", "no change")\' > "$from/index.js"',
    '  (cd "$from" && zip -q -r "$dest" .) || exit 1; rm -rf "$from"; exit 0',
    'fi',
  ];
}

/** The SHA-256 of a gate script's `index.js` as the package ships it (assets/pipeline/review/<name>/). */
export function shippedSha256(name: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(path.join(__dirname, '..', '..', 'assets', 'pipeline', 'review', name, 'index.js'))).digest('hex');
}
