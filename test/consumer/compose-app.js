// Writes the app a new user types in from the README: its first example and the pipeline example of
// "The pipeline", with the validator snippet of "Checks the reference app passes" registering every
// validator on the same app. The code is the README's own (extracted, not copied), so the README
// cannot drift from what this test runs.
const fs = require('fs');

const readme = fs.readFileSync(process.argv[2], 'utf-8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map(m => m[1]);
/** The first ts block of a section of the README (none when the README has no such section). */
function firstBlockOf(heading) {
  const at = readme.indexOf(`\n${heading}\n`);
  return at < 0 ? undefined : blocks[[...readme.matchAll(/```ts\n/g)].findIndex(m => m.index > at)];
}
const firstExample = firstBlockOf('## First example');
const pipelineExample = firstBlockOf('## The pipeline');
const validators = blocks.find(b => b.includes('Validations.of(app).addPlugins('));
if (!firstExample || !pipelineExample?.includes('new MultiEnvPipeline(') || !validators) {
  throw new Error('README: the first example, the pipeline example or the validator snippet is missing');
}

const lines = block => block.split('\n');
const body = block => lines(block).filter(l => !l.startsWith('import '));

/** One import per module: the names the blocks import from it, together (two imports of one name do not compile). */
function mergedImports(...sources) {
  const named = new Map();
  const whole = new Set();
  for (const line of sources.flatMap(lines).filter(l => l.startsWith('import '))) {
    const [, names, from] = /^import \{ (.+) \} from '(.+)';$/.exec(line) ?? [];
    if (!from) whole.add(line);
    else named.set(from, new Set([...named.get(from) ?? [], ...names.split(', ')]));
  }
  return [...whole, ...[...named].map(([from, names]) => `import { ${[...names].sort().join(', ')} } from '${from}';`)];
}

/** `text` with `from` replaced by `to`, which must be there. */
function replaced(text, from, to) {
  if (!text.includes(from)) throw new Error(`README: the first example no longer has ${from}`);
  return text.replace(from, to);
}

// The environments the pipeline example declares, made as the first example makes Dev: their own
// tier, account and address range, and three zones (production's tiers use three). A Hotfix
// environment and feature copies of Dev join them, so that the app has every lane the pipeline can
// have (test/consumer/simulate.ts checks them in IAM).
const dev = /^const dev = new IsolatedEnvironment\(app, 'Dev', \{$[\s\S]*?^\}\);$/m.exec(firstExample)?.[0];
if (!dev) throw new Error('README: the first example no longer makes Dev as const dev = new IsolatedEnvironment(app, \'Dev\', { ... });');
const environmentLike = (name, id, tier, account, cidr) => [
  ['const dev', `const ${name}`], ['\'Dev\'', `'${id}'`], ['EnvironmentTier.DEV', `EnvironmentTier.${tier}`], ['\'111111111111\'', `'${account}'`], ['\'10.10.0.0/16\'', `'${cidr}'`],
  ['[\'eu-west-1a\', \'eu-west-1b\']', '[\'eu-west-1a\', \'eu-west-1b\', \'eu-west-1c\']'],
].reduce((text, [from, to]) => replaced(text, from, to), dev);
const declared = {
  app: [],
  dev: [],
  qa: lines(environmentLike('qa', 'QA', 'QA', '222222222222', '10.20.0.0/16')),
  prod: lines(environmentLike('prod', 'Prod', 'PROD', '444444444444', '10.40.0.0/16')),
};
const pipeline = body(pipelineExample).flatMap(l => {
  const [, name] = /^declare const (\w+): /.exec(l) ?? [];
  if (!name) return [l];
  if (!declared[name]) throw new Error(`README: the pipeline example declares ${name}, which this app does not make`);
  return declared[name];
});
const lanes = [
  ...lines(environmentLike('hotfix', 'Hotfix', 'HOTFIX', '666666666666', '10.60.0.0/16')),
  'pipeline.addEnvironment(hotfix, { approvers: [iam.Role.fromRoleName(tooling, \'OnCall\', \'on-call\')] });',
  // In a sandbox account of their own, as "Feature environments" recommends (SafetyChecks warns otherwise).
  'pipeline.addFeatureEnvironments(dev, { featureAccount: \'777777777777\' });',
];

// One app: the snippet's, which registers the validators; the example's own `new cdk.App()` goes.
const app = [
  ...body(validators).filter(l => !l.startsWith('// ...')),
  ...body(firstExample).filter(l => !/^const app = new /.test(l)),
  ...pipeline,
  ...lanes,
];
process.stdout.write([...mergedImports(validators, firstExample, pipelineExample), ...app].join('\n') + '\n');
