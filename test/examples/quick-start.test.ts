import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';

/**
 * The README's first example is the quick-start app in examples/: the same code, and it
 * synthesizes, with no AWS credentials, the way a user runs it (its own process, aws-cdk-lib
 * synthesizing the app when the process ends, as under `cdk synth`). Transpiled only, as `cdk
 * init`'s tsx runs an app: the typecheck task type-checks examples/ once for the test command.
 */
jest.setTimeout(120_000);

const root = path.join(__dirname, '..', '..');
const file = path.join(root, 'examples', 'quick-start.ts');

test('is the README\'s first example, with this repository\'s sources for the package', () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf-8');
  const section = readme.slice(readme.indexOf('## First example'));
  const example = /```ts\n([\s\S]*?)```/.exec(section)![1];
  const lines = fs.readFileSync(file, 'utf-8').split('\n');
  const code = lines.slice(lines.findIndex(line => !line.startsWith('//'))).join('\n'); // without the file's header
  expect(code.replace("from '../src';", "from 'cdk-multi-env';")).toBe(example);
});

test('synthesizes Dev\'s stacks, with no AWS credentials', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'quick-start-'));
  try {
    const run = spawnSync('npx', ['ts-node', '--transpile-only', '--project', 'tsconfig.dev.json', file], {
      cwd: root,
      env: { ...process.env, CDK_OUTDIR: outdir, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '' },
      encoding: 'utf-8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const dev = new CloudAssembly(outdir).getNestedAssembly('assembly-Dev');
    expect(dev.stacks.map(s => s.stackName).sort()).toEqual(['Dev-Api', 'Dev-Foundation', 'Dev-Monitoring', 'shop-baseline-111111111111-eu-west-1']);
    const parameters = Object.values(dev.getStackByName('Dev-Foundation').template.Resources as Record<string, any>)
      .filter(r => r.Type === 'AWS::SSM::Parameter').map(r => [r.Properties.Name, r.Properties.Value]);
    expect(parameters).toContainEqual(['/shop/dev/log-level', 'debug']);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});
