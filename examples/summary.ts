import * as fs from 'fs';
import { Duration } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { ApprovalGate, EnvironmentTier, TierProfile } from '../src';

/** A plain-text table: a header row, then one row per entry, columns padded to the widest cell. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map(w => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

function gates(p: TierProfile): string {
  const parts = [];
  if (p.approvalBeforeDeploy !== ApprovalGate.NONE) parts.push(`${p.approvalBeforeDeploy} before`);
  if (p.approvalAfterDeploy !== ApprovalGate.NONE) parts.push(`${p.approvalAfterDeploy} after`);
  if (parts.length === 0) return 'none';
  return parts.join(', ') + (p.restrictedApprovers ? ' (named approvers)' : '');
}

function minutes(d: Duration): string {
  const m = d.toMinutes();
  return m === 0 ? '-' : `${m} min`;
}

/** What the reference app's tiers imply and what it synthesized, for a person to read. */
export function summarize(assembly: cxapi.CloudAssembly, tiers: EnvironmentTier[]): string {
  const tierRows = tiers.map(t => {
    const p = t.profile;
    return [
      t.name, p.deployment, gates(p),
      [...p.testsBeforeDeploy.map(k => `${k} before`), ...p.testsAfterDeploy.map(k => `${k} after`)].join(', '),
      minutes(p.bakeTime), `${p.maxAzs}/${p.natGateways}`, p.sizing, p.scaleDownOffHours ? 'yes' : 'no',
      `${p.logRetention}d`, p.removalPolicy, p.backup, p.access, p.alarmSeverity,
    ];
  });
  const stackRows = assembly.stacks.map(s => {
    const resources = Object.keys(s.template.Resources ?? {}).length;
    const bytes = fs.statSync(`${assembly.directory}/${s.templateFile}`).size;
    return [s.hierarchicalId, s.stackName, `${s.environment.account}/${s.environment.region}`, String(resources), `${(bytes / 1024).toFixed(1)} KiB`, s.terminationProtection ? 'yes' : 'no'];
  });
  return [
    'cdk-multi-env reference app',
    '',
    'Tiers and the defaults they decide (AZs/NAT = availability zones / NAT gateways):',
    table(['tier', 'deploys', 'gates', 'tests', 'bake', 'AZs/NAT', 'sizing', 'off-hours', 'logs', 'removal', 'backup', 'access', 'alarms'], tierRows),
    `Stacks synthesized (${stackRows.length}):`,
    table(['stack', 'name', 'account/region', 'resources', 'template', 'protected'], stackRows),
  ].join('\n');
}
