// Lists every finding of the validation report of a synthesized app, one a line, sorted:
// <plugin> TAB <rule> TAB <construct path>. Acknowledged findings (suppressedViolations) are not
// findings. Exits 1 when there is no report. run.sh compares these lists between its runs.
const fs = require('fs');
const path = require('path');

const file = path.join(process.argv[2], 'validation-report.json');
if (!fs.existsSync(file)) {
  console.error(`no validation report in ${process.argv[2]}: the validators did not run`);
  process.exit(1);
}
const lines = [];
for (const plugin of JSON.parse(fs.readFileSync(file, 'utf-8')).pluginReports) {
  for (const violation of plugin.violations ?? []) {
    for (const construct of violation.violatingConstructs ?? []) {
      const at = construct.constructPath || construct.cloudFormationResource?.logicalId || '?';
      lines.push([plugin.pluginName, violation.ruleName, at].join('\t'));
    }
  }
}
process.stdout.write(lines.sort().map(l => `${l}\n`).join(''));
