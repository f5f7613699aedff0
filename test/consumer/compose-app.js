// Writes the app a new user types in from the README: its first example, with the validator snippet
// of "Checks the reference app passes" registering every validator on the same app. The code is
// the README's own (extracted, not copied), so the README cannot drift from what this test runs.
const fs = require('fs');

const readme = fs.readFileSync(process.argv[2], 'utf-8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map(m => m[1]);
const firstExample = blocks[[...readme.matchAll(/```ts\n/g)].findIndex(m => m.index > readme.indexOf('## First example'))];
const validators = blocks.find(b => b.includes('Validations.of(app).addPlugins('));
if (!firstExample || !validators) throw new Error('README: the first example or the validator snippet is missing');

const lines = block => block.split('\n');
const imports = [...new Set([...lines(validators), ...lines(firstExample)].filter(l => l.startsWith('import ')))];
const body = block => lines(block).filter(l => !l.startsWith('import '));
// One app: the snippet's, which registers the validators; the example's own `new cdk.App()` goes.
const app = [
  ...body(validators).filter(l => !l.startsWith('// ...')),
  ...body(firstExample).filter(l => !/^const app = new /.test(l)),
];
process.stdout.write([...imports, ...app].join('\n') + '\n');
