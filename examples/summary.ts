import * as fs from 'fs';
import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { FixedCost, fixedMonthlyCost, LIST_PRICES, PRICE_TABLE, unitsOf } from './list-prices';
import { actionsByRunOrder, buildSpecOf, buildsOf, isBatch, PathToProduction, PipelineAction, PipelineStage, placesInRunOrder } from './pipeline-path';
import { ReferenceApp } from './reference-app';
import { ApprovalGate, TierProfile } from '../src';
import { DELIVERY_METRIC_SOURCES, DELIVERY_WINDOWS_DAYS } from '../src/pipeline/metrics/metric-names';
import { orphanModeOf } from '../src/pipeline/orphan-cleanup';
import { STEP_ANNOUNCEMENT } from '../src/pipeline/test-builds';

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
const pathRow = (p: PathToProduction) => [p.codeBuildJobs, p.sequentialActions, p.approvals].map(String);

/** The pipeline's path to production next to plain CDK Pipelines' for the same app. */
export interface PipelineComparison {
  readonly library: PathToProduction;
  readonly plainCdkPipelines: PathToProduction;
}

/**
 * An action as the summary shows it: its name, and for the library's batches the steps each build
 * runs and the number of builds: `TestsAfter (SeedData, LoadTests + SecurityTests) x2`.
 */
function describeAction(template: any, stage: PipelineStage, action: PipelineAction): string {
  if (!isBatch(action)) return action.Name;
  const commands: string[] = buildSpecOf(template, stage, action).phases.build.commands;
  // Steps side by side as `LoadTests + SecurityTests`.
  const steps = commands.map(c => STEP_ANNOUNCEMENT.exec(c)?.[1]?.split(', ').join(' + ')).filter(Boolean);
  const builds = buildsOf(template, stage, action);
  return `${action.Name}${steps.length > 0 ? ` (${steps.join(', ')})` : ''}${builds > 1 ? ` x${builds}` : ''}`;
}

/**
 * The actions of one run order: those started together that wait for others after them (`>>`),
 * those that run side by side joined by `+`.
 */
function runOrderOf(template: any, stage: PipelineStage, actions: PipelineAction[]): string {
  const places = placesInRunOrder(template, stage, actions);
  const byPlace = new Map<number, string[]>();
  for (const a of actions) byPlace.set(places.get(a.Name)!, [...byPlace.get(places.get(a.Name)!) ?? [], describeAction(template, stage, a)]);
  return [...byPlace.keys()].sort((a, b) => a - b).map(l => byPlace.get(l)!.join(' + ')).join(' >> ');
}

/** The stages and actions of every pipeline of a stack, one line per stage. */
function lanes(template: any): string {
  const lines: string[] = [];
  for (const [id, r] of Object.entries<any>(template.Resources)) {
    if (r.Type !== 'AWS::CodePipeline::Pipeline') continue;
    const git = r.Properties.Triggers?.[0]?.GitConfiguration;
    const push = git?.Push?.[0]?.Branches?.Includes?.join(', ');
    const pullRequest = git?.PullRequest?.[0]?.Branches?.Includes?.join(', ');
    const lane = id.includes('Hotfix') ? 'Hotfix lane' : id.includes('FeatureLaneDeploy') ? 'Feature lane'
      : id.includes('FeatureLaneTeardown') ? 'Feature teardown' : 'Main pipeline';
    const trigger = push ? `pushes to ${push}` : pullRequest ? `pull requests into ${pullRequest} closed` : 'commits to main';
    lines.push(`${lane} (${trigger}):`);
    for (const stage of r.Properties.Stages) {
      const steps = actionsByRunOrder(stage).map(group => runOrderOf(template, stage, group));
      const extras = [stage.OnSuccess ? 'alarm-watched bake' : '', stage.OnFailure ? 'retried on failure' : ''].filter(Boolean);
      lines.push(`  ${stage.Name.padEnd(14)} ${steps.join(' > ')}${extras.length ? `  [${extras.join(', ')}]` : ''}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** The API call each kind of target's evening schedule makes, and how the summary names the kind. */
const SCHEDULED_KINDS: Record<string, string> = {
  'ssm:startAutomationExecution': 'EC2 by tag',
  'rds:stopDBInstance': 'RDS',
  'rds:stopDBCluster': 'Aurora',
  'autoscaling:updateAutoScalingGroup': 'Auto Scaling',
  'ecs:updateService': 'ECS',
};

/** What the off-hours schedules of these templates scale down, by kind: `RDS 1, ECS 1`. */
function scheduledKinds(templates: any[]): string {
  const counts = new Map<string, number>();
  for (const t of templates) {
    for (const r of Object.values<any>(t.Resources ?? {})) {
      if (r.Type !== 'AWS::Scheduler::Schedule' || !r.Properties.Description?.startsWith('Scale down at')) continue;
      const arn: string = JSON.stringify(r.Properties.Target.Arn);
      const kind = Object.entries(SCHEDULED_KINDS).find(([call]) => arn.includes(`aws-sdk:${call}"`))?.[1];
      if (kind) counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
  }
  return counts.size === 0 ? '-' : Object.values(SCHEDULED_KINDS).filter(k => counts.has(k)).map(k => `${k} ${counts.get(k)}`).join(', ');
}

/** What the reference app's environments are and what it synthesized, for a person to read. */
export function summarize(assembly: cxapi.CloudAssembly, reference: ReferenceApp, comparison: PipelineComparison): string {
  const environments = reference.environments;
  const tooling = assembly.getStackByName('Tooling');
  const features = reference.pipeline.features;
  const envRows = environments.map(e => {
    const p = e.profile;
    return [
      e.environmentName, e.tier.name, `${p.deployment}${p.expressDeployments ? ', express mode' : ''}`, gates(p),
      [...p.testsBeforeDeploy.map(k => `${k} before`), ...p.testsAfterDeploy.map(k => `${k} after`)].join(', '),
      minutes(p.bakeTime), `${p.logRetention}d`, p.removalPolicy, p.backup, p.access, p.alarmSeverity,
      p.driftDetection.toMinutes({ integral: false }) === 0 ? 'none' : `every ${p.driftDetection.toHumanString()}`,
    ];
  });
  const hoursRows = environments.map(e => {
    const hours = e.costScheduler?.schedule.hoursPerWeek ?? 168;
    const when = e.costScheduler
      ? `${e.costScheduler.schedule.days.join(',')} ${e.costScheduler.schedule.start}-${e.costScheduler.schedule.stop} ${e.costScheduler.schedule.timeZone}`
      : 'always on';
    return [e.environmentName, when, scheduledKinds(e.synth().stacks.map(s => s.template)), String(hours), `${Math.round(100 * (168 - hours) / 168)}%`];
  });
  // What runs after the deploy, on a schedule or at the end of each deploy build.
  const afterDeployRows = environments.map(e => {
    const templates = e.synth().stacks.filter(s => s.environment.region === e.region).map(s => s.template);
    const drift = templates.flatMap(t => Object.values<any>(t.Resources ?? {}))
      .filter(r => r.Type === 'AWS::Scheduler::Schedule' && JSON.stringify(r.Properties.Target.Arn).includes('detectStackDrift')).length;
    const mode = orphanModeOf(e, e.profile.approvalBeforeDeploy);
    // Termination protection keeps every stack of the environment: an orphan is reported, never deleted.
    const orphans = e.profile.terminationProtection ? 'listed, kept (termination protection)'
      : { delete: 'deleted after the deploy', approved: 'deleted after the approval that lists them', report: 'reported', list: 'listed' }[mode];
    const inspector = templates.some(t => Object.values<any>(t.Resources ?? {}).some(r => r.Type === 'AWS::InspectorV2::CisScanConfiguration'));
    return [
      e.environmentName,
      drift > 0 ? `${drift} stacks every ${e.profile.driftDetection.toHumanString()}` : 'none',
      orphans,
      e.bootstrapCleanup ? `weekly, after ${e.bootstrapCleanup.gracePeriod.toHumanString()}` : '-',
      inspector ? 'on, weekly CIS scan' : '-',
    ];
  });
  const stackRow = (s: cxapi.CloudFormationStackArtifact) => {
    const resources = Object.keys(s.template.Resources ?? {}).length;
    const bytes = fs.statSync(path.join(s.assembly.directory, s.templateFile)).size;
    const where = `${s.environment.account}/${s.environment.region}`;
    return [s.stackName, where, String(resources), `${(bytes / 1024).toFixed(1)} KiB`, s.terminationProtection ? 'yes' : 'no'];
  };
  const stackRows: string[][] = [stackRow(tooling)];
  const costs: [string, number, FixedCost][] = [];
  for (const e of environments) {
    const stage = e.synth();
    stackRows.push(...stage.stacks.map(stackRow));
    // The account's compliance baseline (its stack of its own) counts with the environment that holds it.
    const fixed = [e.foundation, ...(e.complianceBaseline ? [Stack.of(e.complianceBaseline)] : [])];
    costs.push([e.environmentName, e.profile.maxAzs, fixedMonthlyCost(fixed.map(s => stage.getStackByName(s.stackName).template))]);
  }
  // One column per priced resource type that any environment has.
  const priced = PRICE_TABLE.filter(row => costs.some(([, , c]) => unitsOf(c, row.type) > 0));
  const costRows = costs.map(([name, azs, c]) => [name, String(azs), ...priced.map(row => String(unitsOf(c, row.type))), usd(c.monthly)]);
  return [
    `cdk-multi-env reference app: ${environments.length} environments, synthesized into ${path.relative(process.cwd(), assembly.directory) || '.'}/`,
    '',
    'Environments and what their tiers decide:',
    table(['env', 'tier', 'deploys', 'gates', 'tests', 'bake', 'logs', 'removal', 'backup', 'access', 'alarms', 'drift check'], envRows),
    'Hours per week the scheduled resources run, and the share of compute hours the schedule saves:',
    table(['env', 'running', 'scheduled', 'hours/week', 'saved'], hoursRows),
    'After the deploy: drift detection, stacks the app no longer has, the bootstrap\'s old assets (cdk gc), Amazon Inspector:',
    table(['env', 'drift detection', 'stacks the app no longer has', 'bootstrap clean-up', 'Inspector'], afterDeployRows),
    `Stacks synthesized (${stackRows.length}):`,
    table(['stack', 'account/region', 'resources', 'template', 'protected'], stackRows),
    'Pipelines (actions joined by + run in parallel, > in sequence, >> started together, each waiting in its build for the one before; in parentheses the steps a job runs, in order; xN: one build per environment):',
    lanes(tooling.template),
    ...(features ? [
      `Feature environments: a copy of ${features.environment.environmentName} per branch matching ${features.branches.join(', ')}, at most ${features.maxEnvironments} at once, `
        + `each torn down when its pull request closes or ${features.timeToLive.toHumanString()} after its last push.`,
      '',
    ] : []),
    'Path of a commit to production, this library against plain CDK Pipelines defaults for the same app:',
    table(['', 'CodeBuild jobs', 'actions in sequence', 'approvals'], [
      ['cdk-multi-env', ...pathRow(comparison.library)],
      ['plain CDK Pipelines', ...pathRow(comparison.plainCdkPipelines)],
    ]),
    ...deliveryMetricsRows(tooling.template),
    `Fixed monthly cost of each environment's foundation and account baseline before any workload runs (list prices of ${LIST_PRICES.read}, ${LIST_PRICES.region}, ${LIST_PRICES.hoursPerMonth} h/month; traffic-billed items not included):`,
    table(['env', 'AZs', ...priced.map(row => (row.item.endsWith('s') ? `${row.item}es` : `${row.item}s`)), 'per month'], costRows),
  ].join('\n');
}

/** Where each delivery metric comes from: the function that publishes them, as the tooling template configures it. */
function deliveryMetricsRows(template: any): string[] {
  const fn = Object.values<any>(template.Resources).find(r => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.DELIVERY_METRICS_NAMESPACE);
  if (!fn) return [];
  const variables = fn.Properties.Environment.Variables;
  const pipelines = Object.keys(JSON.parse(variables.DELIVERY_PIPELINES).pipelines).join(', ');
  return [
    `Delivery metrics: every hour, in namespace ${variables.DELIVERY_METRICS_NAMESPACE}, for the last ${DELIVERY_WINDOWS_DAYS.join(' and ')} days, from the events of ${pipelines} in the delivery record (log group ${variables.DELIVERY_LOG_GROUP.Ref}):`,
    table(['metric', 'computed from'], Object.entries(DELIVERY_METRIC_SOURCES).map(([metric, source]) => [metric, source])),
  ];
}
