import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { CLI_DEFAULT_CONTEXT } from '../../bench/cli-context';
import { scaledEnvironments } from '../../bench/scaled-environments';
import { FEATURE_FLAGS } from '../../examples/feature-flags';
import { ReferenceEnvironment, buildReferenceApp } from '../../examples/reference-app';

/**
 * 200 environments: the bench's 96 (six tiers in 16 regions, each tier a wave), a second copy of
 * each in an account of its own, and eight more copies of Dev; each tier still one wave, of 32 to
 * 40 environments. Past what one pipeline can hold: synthesis refuses it before writing anything,
 * naming for each wave the limit (IAM's 512 characters of a role's path, which names the
 * environments a build serves), the size and what to do.
 */
function twoHundredEnvironments(): ReferenceEnvironment[] {
  const base = scaledEnvironments(16);
  const copy = (e: ReferenceEnvironment, i: number, suffix: string): ReferenceEnvironment => ({
    ...e,
    id: `${e.id}-${suffix}`,
    environmentName: `${e.environmentName ?? e.tier.name}-${suffix}`,
    account: `${e.account[0]}${String(500 + i).padStart(11, '0')}`,
    cidr: `172.${16 + Math.floor(i / 16)}.${(i % 16) * 16}.0/20`,
  });
  const copies = [...base.map((e, i) => copy(e, i, 'b')), ...base.filter(e => e.tier.name === 'dev').slice(0, 8).map((e, i) => copy(e, 96 + i, 'c'))];
  // In promotion order, each tier's environments together.
  return [...new Set(base.map(e => e.tier.name))].flatMap(tier => [...base, ...copies].filter(e => e.tier.name === tier));
}

test('a pipeline of 200 environments, six waves of 32 to 40, is refused at synth: each wave past the limit named with its size, the limit and what to do; no template is written', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'refused-200-'));
  try {
    const environments = twoHundredEnvironments();
    expect(environments).toHaveLength(200);
    const app = new cdk.App({ outdir, context: { ...FEATURE_FLAGS, ...CLI_DEFAULT_CONTEXT } });
    buildReferenceApp(app, environments);
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = String((e as Error).message);
    }
    expect(message).toMatch(/^\[Tooling\/Delivery\] MultiEnvPipeline 'Delivery': \d+ problems:/);
    const waves = [...message.matchAll(/environments of wave (\S+) \((\d+)\) are named in the IAM path of the roles of the builds that review, deploy and test them, which makes a path of (\d+) characters; IAM allows 512\. Give the environments shorter names, or spread them over more waves/g)];
    expect(waves.map(m => m[1])).toEqual(expect.arrayContaining(['Dev-wave', 'Prod-wave']));
    for (const [, , count, length] of waves) {
      expect(Number(count)).toBeGreaterThanOrEqual(32);
      expect(Number(length)).toBeGreaterThan(512);
    }
    expect(fs.readdirSync(outdir, { recursive: true }).map(String).filter(f => f.endsWith('.template.json'))).toEqual([]);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}, 180_000);
