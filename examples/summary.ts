import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { fixedMonthlyCost, LIST_PRICES } from './list-prices';
import { ApprovalGate, IsolatedEnvironment, TierProfile } from '../src';

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

const usd = (amount: number) => `$${amount.toFixed(2)}`;

/** What the reference app's environments are and what it synthesized, for a person to read. */
export function summarize(assembly: cxapi.CloudAssembly, environments: IsolatedEnvironment[]): string {
  const envRows = environments.map(e => {
    const p = e.profile;
    return [
      e.environmentName, e.tier.name, p.deployment, gates(p),
      [...p.testsBeforeDeploy.map(k => `${k} before`), ...p.testsAfterDeploy.map(k => `${k} after`)].join(', '),
      minutes(p.bakeTime), p.scaleDownOffHours ? 'yes' : 'no', `${p.logRetention}d`, p.removalPolicy, p.backup, p.access, p.alarmSeverity,
    ];
  });
  const stackRows: string[][] = [];
  const costRows: string[][] = [];
  for (const e of environments) {
    const stage = e.synth();
    for (const s of stage.stacks) {
      const resources = Object.keys(s.template.Resources ?? {}).length;
      const bytes = fs.statSync(path.join(stage.directory, s.templateFile)).size;
      const where = `${s.environment.account}/${s.environment.region}`;
      stackRows.push([s.stackName, where, String(resources), `${(bytes / 1024).toFixed(1)} KiB`, s.terminationProtection ? 'yes' : 'no']);
    }
    const c = fixedMonthlyCost(stage.stacks.map(s => s.template));
    const counts = [e.profile.maxAzs, c.natGateways, c.interfaceEndpointAzs, c.kmsKeys, c.secrets].map(String);
    costRows.push([e.environmentName, ...counts, usd(c.monthly)]);
  }
  return [
    `cdk-multi-env reference app: ${environments.length} environments, synthesized into ${path.relative(process.cwd(), assembly.directory) || '.'}/`,
    '',
    'Environments and what their tiers decide:',
    table(['env', 'tier', 'deploys', 'gates', 'tests', 'bake', 'off-hours', 'logs', 'removal', 'backup', 'access', 'alarms'], envRows),
    `Stacks synthesized (${stackRows.length}):`,
    table(['stack', 'account/region', 'resources', 'template', 'protected'], stackRows),
    `Fixed monthly cost before any workload runs (list prices, ${LIST_PRICES.region}, ${LIST_PRICES.hoursPerMonth} h/month; traffic-billed items not included):`,
    table(['env', 'AZs', 'NAT gateways', 'interface endpoint AZs', 'KMS keys', 'secrets', 'per month'], costRows),
  ].join('\n');
}
