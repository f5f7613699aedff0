// Reads the validation report of a synthesized app and lists every finding on a resource the library
// made, that is any finding outside the user's own stack of the README's first example (Dev/Api).
// Exits 1 when there is one, or when there is no report at all.
const fs = require('fs');
const path = require('path');

const [outdir, ...userPaths] = process.argv.slice(2);
const file = path.join(outdir, 'validation-report.json');
if (!fs.existsSync(file)) {
  console.error(`no validation report in ${outdir}: the validators did not run`);
  process.exit(1);
}
const report = JSON.parse(fs.readFileSync(file, 'utf-8'));
const ofLibrary = [];
let total = 0;
for (const plugin of report.pluginReports) {
  for (const violation of plugin.violations ?? []) {
    for (const construct of violation.violatingConstructs ?? []) {
      total++;
      const at = construct.constructPath ?? construct.resourceLogicalId ?? '?';
      if (!userPaths.some(p => at === p || at.startsWith(`${p}/`))) {
        ofLibrary.push(`${plugin.pluginName ?? plugin.summary?.pluginName}: ${violation.ruleName} on ${at}`);
      }
    }
  }
}
console.log(`${report.pluginReports.length} validators, ${total} findings, ${ofLibrary.length} on resources the library made`);
for (const finding of ofLibrary) console.log(`  ${finding}`);
process.exit(ofLibrary.length === 0 ? 0 : 1);
