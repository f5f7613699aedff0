/**
 * Keeps template snapshots stable across releases: asset hashes (which change with any byte of an
 * asset or of the CDK's own bundled assets) and the versions of aws-cdk-lib and of this library are
 * replaced by markers, so a snapshot diff shows a change in what the library synthesizes and
 * nothing else. Modelled on cdk-monitoring-constructs' test/setup.
 */
import { readFileSync } from 'fs';
import { join } from 'path';

const ASSET_HASH = /[0-9a-f]{64}/;
const ASSET_HASHES = /[0-9a-f]{64}/g;
const versionOf = (pkgJson: string): string => JSON.parse(readFileSync(pkgJson, 'utf-8')).version;
const VERSIONS = [
  { version: versionOf(require.resolve('aws-cdk-lib/package.json')), marker: '[AWS-CDK-LIB VERSION]' },
  { version: versionOf(join(__dirname, '..', '..', 'package.json')), marker: '[CDK-MULTI-ENV VERSION]' },
].filter(v => v.version !== '0.0.0');

function needsMasking(value: string): boolean {
  return ASSET_HASH.test(value) || VERSIONS.some(v => value.includes(v.version));
}

module.exports = {
  test: (value: unknown): boolean => typeof value === 'string' && needsMasking(value),
  serialize: (value: string): string => {
    let masked = value.replace(ASSET_HASHES, '[ASSET HASH]');
    for (const v of VERSIONS) masked = masked.split(v.version).join(v.marker);
    // As Jest's snapshot format prints any other string (escapeString: false): lines kept, so a build spec reads line by line.
    return `"${masked}"`;
  },
};
