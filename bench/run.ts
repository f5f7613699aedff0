import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cxapi from 'aws-cdk-lib/cx-api';
import * as ts from 'typescript';
import { deliveryRunningCost } from './delivery-cost';
import { allStacks, buildHeadroom, CLOUDFORMATION_LIMITS, CODEPIPELINE_LIMITS, IAM_LIMITS, pipelineHeadroom, policyHeadroom, stackHeadroom } from './headroom';
import { estimatePipeline, PIPELINE_MODEL, PipelineEstimate } from './pipeline-model';
import { BenchResults, renderMarkdown } from './report';
import { ONE_PER_TIER } from './scaled-environments';
import { growth, spread } from './stats';
import { FixedCost, fixedMonthlyCost, LIST_PRICES, PRICE_TABLE } from '../examples/list-prices';
import { mainPipeline } from '../examples/pipeline-path';

/**
 * The bench: `npx projen bench`. Synthesizes the reference app, the same app on plain CDK
 * Pipelines, an app with one empty stack and the reference app with 12, 24 and 48 environments,
 * each several times in a fresh Node process, interleaved (A, B, C, A, B, C...) so that a noisy
 * machine slows every variant alike. Then reads the synthesized templates for their headroom
 * under CloudFormation's limits, the pipeline's path to production and the fixed monthly cost.
 * Writes bench/results.json (every figure) and bench/results.md (the tables the README shows,
 * which it also copies into the README between its bench markers).
 *
 * BENCH_RUNS sets the runs per variant (default 5); BENCH_GROWTH_RUNS those of the 12-, 24- and
 * 48-environment apps (default 3: they take longest, and a slope needs fewer repetitions).
 * The empty app, plain CDK Pipelines and the reference app run twice over: on the pinned aws-cdk-lib
 * (the peer dependency's floor) and on the newest 2.x on the registry, what a user installs today.
 * `npx projen bench --render` only writes the tables again from bench/results.json.
 */

const ROOT = path.join(__dirname, '..');
const WORK = path.join(ROOT, 'node_modules', '.cache', 'cdk-multi-env-bench');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const GROWTH_RUNS = Number(process.env.BENCH_GROWTH_RUNS ?? 3);

interface Variant {
  readonly id: string;
  readonly label: string;
  readonly app: 'empty' | 'library' | 'library-accounts' | 'plain';
  readonly regions: number;
  readonly environments: number;
  readonly runs: number;
  /** Which aws-cdk-lib the app loads: the project's pin (the peer dependency's floor), or the newest 2.x a user installs today. */
  readonly cdk: 'pinned' | 'newest';
  /** Environment variables of the process, besides this one's. */
  readonly env?: Record<string, string>;
}

const VARIANTS: Variant[] = [
  { id: 'empty', label: 'one empty stack (Node and aws-cdk-lib)', app: 'empty', regions: 1, environments: 0, runs: RUNS, cdk: 'pinned' },
  { id: 'plain', label: 'plain CDK Pipelines', app: 'plain', regions: 1, environments: 6, runs: RUNS, cdk: 'pinned' },
  { id: 'library', label: 'cdk-multi-env', app: 'library', regions: 1, environments: 6, runs: RUNS, cdk: 'pinned' },
  { id: 'library-12', label: 'cdk-multi-env', app: 'library', regions: 2, environments: 12, runs: GROWTH_RUNS, cdk: 'pinned' },
  { id: 'library-24', label: 'cdk-multi-env', app: 'library', regions: 4, environments: 24, runs: GROWTH_RUNS, cdk: 'pinned' },
  { id: 'library-48', label: 'cdk-multi-env', app: 'library', regions: 8, environments: 48, runs: GROWTH_RUNS, cdk: 'pinned' },
  { id: 'plain-48', label: 'plain CDK Pipelines', app: 'plain', regions: 8, environments: 48, runs: GROWTH_RUNS, cdk: 'pinned' },
  { id: 'library-96', label: 'cdk-multi-env', app: 'library', regions: 16, environments: 96, runs: GROWTH_RUNS, cdk: 'pinned' },
  { id: 'plain-96', label: 'plain CDK Pipelines', app: 'plain', regions: 16, environments: 96, runs: GROWTH_RUNS, cdk: 'pinned' },
  // The largest app again with an account per environment (the bench's app keeps one per tier): the limits that grow with accounts.
  { id: 'library-96-accounts', label: 'cdk-multi-env, an account per environment', app: 'library-accounts', regions: 16, environments: 96, runs: GROWTH_RUNS, cdk: 'pinned' },
  // The first three again on the newest aws-cdk-lib: what a user installing today pays.
  { id: 'empty@newest', label: 'one empty stack (Node and aws-cdk-lib)', app: 'empty', regions: 1, environments: 0, runs: RUNS, cdk: 'newest' },
  { id: 'plain@newest', label: 'plain CDK Pipelines', app: 'plain', regions: 1, environments: 6, runs: RUNS, cdk: 'newest' },
  { id: 'library@newest', label: 'cdk-multi-env', app: 'library', regions: 1, environments: 6, runs: RUNS, cdk: 'newest' },
  // The newest's built-in CloudFormation validation of every template, switched off: its share of the time.
  { id: 'library@newest-no-validation', label: 'cdk-multi-env, CDK_VALIDATION=false', app: 'library', regions: 1, environments: 6, runs: RUNS, cdk: 'newest', env: { CDK_VALIDATION: 'false' } },
];

/** What one child process reported, and how long it took from spawn to exit. */
interface Run {
  readonly wallMs: number;
  readonly loadedMs: number;
  readonly builtMs: number;
  readonly synthMs: number;
  readonly cpuMs: number;
  readonly stacks: number;
  readonly maxRssKb: number;
  /** The version of the aws-cdk-lib the process loaded. */
  readonly cdkVersion: string;
}

/**
 * Compiles the children (bench/synth-app.ts, bench/synth-empty.ts and what they import: examples/,
 * src/) to JavaScript once, so that every measured process is plain Node: under ts-node, compiling
 * the library's sources on each start would cost seconds and hundreds of MB that a user's synth
 * does not pay. Each file is transpiled on its own (tsconfig.dev.json has isolatedModules, so that
 * is safe; `npx tsc --noEmit -p tsconfig.dev.json` checks the types). Node resolves aws-cdk-lib
 * and constructs from the output's folder upwards: the pinned copy sits under node_modules/, so it
 * loads the project's own; the newest copy sits in the folder scripts/install-newest-cdk.sh
 * installed the newest aws-cdk-lib into, so it loads that one.
 */
function compileChildren(outDir: string): string {
  fs.rmSync(outDir, { recursive: true, force: true });
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.dev.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: d => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
  })!;
  const compilerOptions: ts.CompilerOptions = {
    ...config.options,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    inlineSourceMap: false,
    inlineSources: false,
    sourceMap: false,
  };
  const sources = ['src', 'examples', 'bench'].flatMap(dir => fs.readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf-8' })
    .filter(f => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map(f => path.join(dir, f)));
  for (const source of sources) {
    const { outputText } = ts.transpileModule(fs.readFileSync(path.join(ROOT, source), 'utf-8'), { compilerOptions, fileName: source });
    const target = path.join(outDir, source.replace(/\.ts$/, '.js'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, outputText);
  }
  // The reference app's functions are file assets, found beside examples/reference-app; the pipeline's
  // bundled job scripts are found beside src/, as in the package.
  fs.cpSync(path.join(ROOT, 'examples', 'functions'), path.join(outDir, 'examples', 'functions'), { recursive: true });
  fs.cpSync(path.join(ROOT, 'assets'), path.join(outDir, 'assets'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'examples', 'cdk.json'), path.join(outDir, 'examples', 'cdk.json'));
  return path.join(outDir, 'bench');
}

/** Installs the newest aws-cdk-lib 2.x (scripts/install-newest-cdk.sh) and returns the folder it is in. */
function installNewestCdk(): string {
  const result = spawnSync('bash', [path.join(ROOT, 'scripts', 'install-newest-cdk.sh')], { encoding: 'utf-8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) throw new Error(`scripts/install-newest-cdk.sh failed (exit ${result.status})`);
  return result.stdout.trim();
}

/** The version of the aws-cdk-lib in a node_modules folder. */
function cdkVersionIn(nodeModules: string): string {
  return JSON.parse(fs.readFileSync(path.join(nodeModules, 'aws-cdk-lib', 'package.json'), 'utf-8')).version;
}

/** A compiled copy of the measured apps, and the aws-cdk-lib version it loads. */
interface Children {
  readonly dir: string;
  readonly cdkVersion: string;
}

function outdirOf(variant: Variant): string {
  return path.join(WORK, 'out', variant.id);
}

function runOnce(children: Record<Variant['cdk'], Children>, variant: Variant): Run {
  const outdir = outdirOf(variant);
  fs.rmSync(outdir, { recursive: true, force: true });
  const args = variant.app === 'empty'
    ? [path.join(children[variant.cdk].dir, 'synth-empty.js'), outdir]
    : [path.join(children[variant.cdk].dir, 'synth-app.js'), variant.app, String(variant.regions), outdir];
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, {
    env: { ...process.env, ...variant.env },
    encoding: 'utf-8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${variant.id}: the synth failed (exit ${result.status}):\n${result.stderr}`);
  const run: Run = { wallMs, ...JSON.parse(result.stdout.trim().split('\n').pop()!) };
  const expected = children[variant.cdk].cdkVersion;
  if (run.cdkVersion !== expected) throw new Error(`${variant.id}: loaded aws-cdk-lib ${run.cdkVersion}, expected the ${variant.cdk} ${expected}`);
  return run;
}

const mb = (kb: number) => kb / 1024;
const s = (ms: number) => ms / 1000;

function main(): void {
  if (process.argv.includes('--render')) {
    // Only the tables again, from the last run's results.json (after changing bench/report.ts).
    const last: BenchResults = JSON.parse(fs.readFileSync(path.join(__dirname, 'results.json'), 'utf-8'));
    writeReport(last);
    return;
  }
  fs.mkdirSync(WORK, { recursive: true });
  const newestDir = installNewestCdk();
  const compileStarted = Date.now();
  const children = {
    pinned: { dir: compileChildren(path.join(WORK, 'js')), cdkVersion: cdkVersionIn(path.join(ROOT, 'node_modules')) },
    newest: { dir: compileChildren(path.join(newestDir, 'bench-js')), cdkVersion: cdkVersionIn(path.join(newestDir, 'node_modules')) },
  };
  const compileSeconds = (Date.now() - compileStarted) / 1000;
  process.stderr.write(`bench: compiled the synth apps in ${compileSeconds.toFixed(1)} s; ${RUNS} runs per variant, ${GROWTH_RUNS} for the grown apps\n`);

  // Interleaved: every round runs each variant that still needs runs, in the same order.
  const runs = new Map<string, Run[]>(VARIANTS.map(v => [v.id, []]));
  const rounds = Math.max(...VARIANTS.map(v => v.runs));
  for (let round = 1; round <= rounds; round++) {
    for (const variant of VARIANTS.filter(v => v.runs >= round)) {
      const run = runOnce(children, variant);
      runs.get(variant.id)!.push(run);
      process.stderr.write(`bench: round ${round}/${rounds} ${variant.id.padEnd(10)} ${s(run.wallMs).toFixed(1).padStart(5)} s (CPU ${s(run.cpuMs).toFixed(1).padStart(5)} s) ${mb(run.maxRssKb).toFixed(0).padStart(5)} MB\n`);
    }
  }

  const synthesis = VARIANTS.map(v => {
    const r = runs.get(v.id)!;
    return {
      id: v.id,
      label: v.label,
      environments: v.environments,
      stacks: r[0].stacks,
      wallSeconds: spread(r.map(x => s(x.wallMs))),
      cpuSeconds: spread(r.map(x => s(x.cpuMs))),
      loadSeconds: spread(r.map(x => s(x.loadedMs))),
      buildSeconds: spread(r.map(x => s(x.builtMs - x.loadedMs))),
      synthSeconds: spread(r.map(x => s(x.synthMs - x.builtMs))),
      peakMemoryMb: spread(r.map(x => mb(x.maxRssKb))),
      samples: r,
    };
  });
  const byId = (id: string) => synthesis.find(x => x.id === id)!;
  const grown = synthesis.filter(x => VARIANTS.find(v => v.id === x.id)!.app === 'library' && !x.id.includes('@newest'));
  const xs = grown.map(x => x.environments);

  const assemblyOf = (id: string) => new cxapi.CloudAssembly(outdirOf(VARIANTS.find(v => v.id === id)!));
  const library = assemblyOf('library');
  const plain = assemblyOf('plain');

  // Template headroom: every stack of the reference app, the tooling stack as environments grow.
  const headroom = {
    limits: CLOUDFORMATION_LIMITS,
    pipelineLimits: CODEPIPELINE_LIMITS,
    stacks: allStacks(library).map(stackHeadroom),
    plainStacks: allStacks(plain).map(stackHeadroom),
    plainPipelines: pipelineHeadroom(plain.getStackByName('Tooling').template),
    iamLimits: IAM_LIMITS,
    tooling: [...grown, byId('library-96-accounts'), byId('plain'), byId('plain-48'), byId('plain-96')].map(g => {
      const assembly = assemblyOf(g.id);
      const tooling = assembly.getStackByName('Tooling');
      const stacks = allStacks(assembly);
      const largest = stacks.map(stackHeadroom).reduce((a, b) => (b.worstShare > a.worstShare ? b : a));
      const policies = stacks.flatMap(policyHeadroom);
      const largestPolicy = policies.reduce((a, b) => (b.share > a.share ? b : a));
      return {
        app: g.label,
        environments: g.environments,
        tooling: stackHeadroom(tooling),
        largest,
        pipelines: pipelineHeadroom(tooling.template),
        builds: buildHeadroom(tooling.template),
        stacksOverHalf: stacks.map(stackHeadroom).filter(h => h.worstShare > 0.5),
        largestPolicy,
        policiesOverHalf: policies.filter(p => p.share > 0.5),
      };
    }),
  };

  // The pipeline's path to production.
  const estimate = (assembly: cxapi.CloudAssembly): PipelineEstimate =>
    estimatePipeline(assembly.getStackByName('Tooling').template, assembly.directory, 'Prod');
  const pipeline = { model: PIPELINE_MODEL, library: estimate(library), plain: estimate(plain) };
  // At 48 and 96 environments, each tier one wave: to the end of the last production stage (the rest of production after its pilot).
  const lastProduction = (assembly: cxapi.CloudAssembly) => {
    const stages = mainPipeline(assembly.getStackByName('Tooling').template).Stages.map(stage => stage.Name);
    const production = stages.filter(name => /^prod/i.test(name));
    return production[production.length - 1];
  };
  const atScale = (environments: number) => {
    const estimateAt = (assembly: cxapi.CloudAssembly) => estimatePipeline(assembly.getStackByName('Tooling').template, assembly.directory, lastProduction(assembly));
    return { environments, library: estimateAt(assemblyOf(`library-${environments}`)), plain: estimateAt(assemblyOf(`plain-${environments}`)) };
  };
  const pipelineAtScale = [atScale(48), atScale(96)];

  // Fixed monthly cost: each environment's foundation, and the tooling account of each app.
  const foundationOf = (id: string) => library.getNestedAssembly(`assembly-${id}`).getStackByName(`${id}-Foundation`).template;
  const toolingStacksOf = (assembly: cxapi.CloudAssembly) => assembly.stacks.map(x => x.template);
  const everyTemplate = [library, plain, assemblyOf('library-48'), assemblyOf('plain-48')].flatMap(a => allStacks(a).map(x => x.template));
  const everything = fixedMonthlyCost(everyTemplate);
  const cost = {
    prices: { ...LIST_PRICES, table: PRICE_TABLE.map(({ units, ...row }) => row) },
    environments: ONE_PER_TIER.map(e => ({
      environment: e.id,
      tier: e.tier.name,
      azs: e.tier.profile.maxAzs,
      ...withoutLists(fixedMonthlyCost([foundationOf(e.id)])),
    })),
    pipeline: {
      library: withoutLists(fixedMonthlyCost(toolingStacksOf(library))),
      plain: withoutLists(fixedMonthlyCost(toolingStacksOf(plain))),
    },
    // The delivery record and metrics, at 20 commits a day.
    delivery: deliveryRunningCost(library.getStackByName('Tooling').template, 20),
    usageBilledTypes: everything.usageBilled,
    sizeBilledTypes: everything.sizeBilled,
    unclassifiedTypes: everything.unclassified,
  };

  const results: BenchResults = {
    generated: new Date().toISOString(),
    machine: { node: process.version, platform: `${process.platform}/${process.arch}`, cpus: os.cpus().length },
    cdkVersions: { pinned: children.pinned.cdkVersion, newest: children.newest.cdkVersion },
    runs: { perVariant: RUNS, grownApps: GROWTH_RUNS, order: 'interleaved: one run of each variant per round' },
    synthesis: synthesis.map(x => {
      // Against plain CDK Pipelines with as many environments, where the bench has it.
      const newest = x.id.includes('@newest');
      const baseline = synthesis.find(y => y.id === (x.environments === 6 ? (newest ? 'plain@newest' : 'plain') : `plain-${x.environments}`));
      return {
        ...x,
        vsPlain: baseline ? x.wallSeconds.median / baseline.wallSeconds.median : undefined,
        cpuVsPlain: baseline ? x.cpuSeconds.median / baseline.cpuSeconds.median : undefined,
      };
    }),
    growth: {
      environments: xs,
      wallSeconds: growth(xs, grown.map(x => x.wallSeconds.median)),
      cpuSeconds: growth(xs, grown.map(x => x.cpuSeconds.median)),
      peakMemoryMb: growth(xs, grown.map(x => x.peakMemoryMb.median)),
    },
    headroom,
    pipeline,
    pipelineAtScale,
    cost,
    compileSeconds,
    // Since this process started: ts-node's start-up included.
    benchSeconds: process.uptime(),
  };

  fs.writeFileSync(path.join(__dirname, 'results.json'), JSON.stringify(results, undefined, 2) + '\n');
  writeReport(results);
}

function writeReport(results: BenchResults): void {
  const markdown = renderMarkdown(results);
  fs.writeFileSync(path.join(__dirname, 'results.md'), markdown);
  updateReadme(markdown);
  process.stdout.write(markdown);
}

function withoutLists(cost: FixedCost) {
  const { usageBilled, sizeBilled, unclassified, ...rest } = cost;
  return rest;
}

/** Copies the tables between the README's bench markers, so the README shows the last run. */
function updateReadme(markdown: string): void {
  const file = path.join(ROOT, 'README.md');
  const readme = fs.readFileSync(file, 'utf-8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const i = readme.indexOf(start);
  const j = readme.indexOf(end);
  if (i < 0 || j < i) {
    process.stderr.write(`bench: README.md has no ${start} ... ${end} block; not updated\n`);
    return;
  }
  // The README's section is '## Benchmarks': one heading level down for the tables' own headings.
  const body = markdown.replace(/^# .*\n+/, '').replace(/^## /gm, '### ');
  fs.writeFileSync(file, `${readme.slice(0, i + start.length)}\n${body}${readme.slice(j)}`);
}

main();
