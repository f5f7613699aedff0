// Pins the package.json that `cdk init` wrote in the current folder to what scripts/newest/ records:
// every package it names, in its section, at the recorded version, which must satisfy cdk init's
// range; and the validators, as a user adds them (npm install cdk-nag @cdklabs/cdk-validator-cfnguard),
// at the versions this repository tests (its own lock), so that a finding is about the library.
// The result must name exactly scripts/newest/package.json's packages: `npm ci` then installs its
// lock. Exits 1, saying what differs, otherwise (npx projen upgrade:newest moves the record).
//
//   node pin-app.js <repository root>
const fs = require('fs');
const path = require('path');

const root = process.argv[2];
const semver = require(path.join(root, 'node_modules', 'semver'));
const recorded = require(path.join(root, 'scripts', 'newest', 'package.json'));
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf-8'));
const sections = ['dependencies', 'devDependencies'];
const problems = [];
for (const section of sections) {
  for (const [name, range] of Object.entries(pkg[section] ?? {})) {
    const version = recorded[section]?.[name];
    if (!version || !semver.satisfies(version, range)) {
      problems.push(`cdk init names ${name} ${range} in ${section}; scripts/newest records ${version ?? 'none'} there`);
    } else {
      pkg[section][name] = version;
    }
  }
}
for (const validator of ['cdk-nag', '@cdklabs/cdk-validator-cfnguard']) {
  const tested = require(path.join(root, 'node_modules', validator, 'package.json')).version;
  if (recorded.dependencies?.[validator] !== tested) {
    problems.push(`scripts/newest records ${validator} ${recorded.dependencies?.[validator]}; this repository tests ${tested}`);
  }
  pkg.dependencies = { ...pkg.dependencies, [validator]: tested };
}
const named = p => sections.flatMap(s => Object.entries(p[s] ?? {}).map(([n, v]) => `  ${s} ${n} ${v}`)).sort().join('\n');
if (problems.length === 0 && named(pkg) !== named(recorded)) {
  problems.push(`the app names other packages than scripts/newest/package.json:\n${named(pkg)}\nthere:\n${named(recorded)}`);
}
if (problems.length > 0) {
  console.error(`${problems.join('\n')}\nrun npx projen upgrade:newest`);
  process.exit(1);
}
fs.writeFileSync('package.json', JSON.stringify(pkg, null, 2) + '\n');
console.log(named(pkg));
