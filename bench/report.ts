import { DeliveryRunningCost } from './delivery-cost';
import { BuildHeadroom, CLOUDFORMATION_LIMITS, CODEPIPELINE_LIMITS, IAM_LIMITS, PipelineHeadroom, PolicyHeadroom, StackHeadroom } from './headroom';
import { leastQuotaOf, ModelledAction, PIPELINE_MODEL, PipelineEstimate } from './pipeline-model';
import { Growth, Spread } from './stats';
import { CostLine, LIST_PRICES, PRICE_TABLE, USAGE_PRICES } from '../examples/list-prices';

/** One app's synthesis, over all its runs. */
export interface SynthesisFigures {
  readonly id: string;
  readonly label: string;
  readonly environments: number;
  readonly stacks: number;
  /** From spawning the process to its exit. */
  readonly wallSeconds: Spread;
  /** CPU time of the process (every thread): robust against other processes on the machine. */
  readonly cpuSeconds: Spread;
  /** Of which: Node starting and loading the modules, building the construct tree, `app.synth()`. */
  readonly loadSeconds: Spread;
  readonly buildSeconds: Spread;
  readonly synthSeconds: Spread;
  readonly peakMemoryMb: Spread;
  /** Median wall and CPU time against plain CDK Pipelines' with as many environments, where the bench has that app. */
  readonly vsPlain?: number;
  readonly cpuVsPlain?: number;
  readonly samples: object[];
}

/** A fixed monthly cost without the lists of types it left out. */
export interface CostFigures {
  readonly lines: CostLine[];
  readonly monthly: number;
}

/** Every figure of a bench run: what results.json holds and results.md shows. */
export interface BenchResults {
  readonly generated: string;
  readonly machine: { node: string; platform: string; cpus: number };
  /** The pinned aws-cdk-lib (the peer dependency's floor) and the newest 2.x on the registry at the run. */
  readonly cdkVersions: { pinned: string; newest: string };
  readonly runs: { perVariant: number; grownApps: number; order: string };
  readonly synthesis: SynthesisFigures[];
  readonly growth: { environments: number[]; wallSeconds: Growth; cpuSeconds: Growth; peakMemoryMb: Growth };
  readonly headroom: {
    limits: typeof CLOUDFORMATION_LIMITS;
    pipelineLimits: typeof CODEPIPELINE_LIMITS;
    stacks: StackHeadroom[];
    plainStacks: StackHeadroom[];
    plainPipelines: PipelineHeadroom[];
    iamLimits: typeof IAM_LIMITS;
    tooling: {
      app: string;
      environments: number;
      tooling: StackHeadroom;
      largest: StackHeadroom;
      pipelines: PipelineHeadroom[];
      builds: BuildHeadroom;
      stacksOverHalf: StackHeadroom[];
      largestPolicy: PolicyHeadroom;
      policiesOverHalf: PolicyHeadroom[];
    }[];
  };
  readonly pipeline: { model: typeof PIPELINE_MODEL; library: PipelineEstimate; plain: PipelineEstimate };
  /** The same at 48 and 96 environments, each tier one wave, to the end of production's last stage. */
  readonly pipelineAtScale: Array<{ environments: number; library: PipelineEstimate; plain: PipelineEstimate }>;
  readonly cost: {
    prices: object;
    environments: ({ environment: string; tier: string; azs: number } & CostFigures)[];
    pipeline: { library: CostFigures; plain: CostFigures };
    delivery: DeliveryRunningCost;
    usageBilledTypes: string[];
    sizeBilledTypes: string[];
    unclassifiedTypes: string[];
  };
  readonly compileSeconds: number;
  readonly benchSeconds: number;
}

const f1 = (n: number) => n.toFixed(1);
const pct = (share: number) => `${(100 * share).toFixed(share < 0.1 ? 1 : 0)}%`;
const sec = (x: Spread) => `${f1(x.median)} s (${f1(x.min)}–${f1(x.max)})`;
const mem = (x: Spread) => `${x.median.toFixed(0)} MB (${x.min.toFixed(0)}–${x.max.toFixed(0)})`;
const usd = (n: number) => `$${n.toFixed(2)}`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n') + '\n';
}

/** The Markdown tables of a bench run. */
export function renderMarkdown(r: BenchResults): string {
  const out: string[] = [];
  const onNewest = (x: SynthesisFigures) => x.id.includes('@newest');
  const pinned = r.synthesis.filter(x => !onNewest(x));
  const plain = r.synthesis.find(x => x.id === 'plain')!;
  const library = r.synthesis.find(x => x.id === 'library')!;
  out.push('# Benchmarks\n');
  out.push(`\`npx projen bench\` (bench/run.ts), run ${r.generated.slice(0, 16).replace('T', ' ')} UTC on ${r.machine.cpus} CPUs, Node ${r.machine.node}, `
    + `in ${Math.round(r.benchSeconds)} s. Every synth runs in a fresh Node process (the apps precompiled to JavaScript), with the context `
    + 'the CDK CLI gives an app by default (path and asset metadata, version reporting: bench/cli-context.ts), so each template is measured as the CLI writes it; '
    + `${r.runs.perVariant} run(s) per app (${r.runs.grownApps} for the apps with 12 to 96 environments), interleaved so that noise hits every app alike; `
    + 'median (min–max). Absolute times depend on the machine; compare the apps within one run. '
    + `Every app loads aws-cdk-lib ${r.cdkVersions.pinned} (the tests' pin, the peer dependency's floor) except in the section `
    + `on the newest aws-cdk-lib (${r.cdkVersions.newest}).\n`);

  out.push('## Synthesis: time and peak memory\n');
  out.push(table(
    ['app', 'environments', 'stacks', 'synth time', 'CPU time', 'of which load / build / synth', 'peak memory', 'time vs plain (wall / CPU)'],
    pinned.filter(x => x.environments <= 6).map(x => [
      x.label, x.environments, x.stacks, sec(x.wallSeconds), sec(x.cpuSeconds),
      `${f1(x.loadSeconds.median)} / ${f1(x.buildSeconds.median)} / ${f1(x.synthSeconds.median)} s`,
      mem(x.peakMemoryMb), x.vsPlain === undefined ? '-' : `${x.vsPlain.toFixed(2)}× / ${x.cpuVsPlain!.toFixed(2)}×`,
    ]),
  ));
  out.push('"synth time" runs from spawning the process to its exit; "CPU time" is the process\'s CPU time over all its threads, '
    + 'which other load on the machine hardly changes; "load" is Node starting and loading the modules, "build" running the app\'s '
    + 'constructors, "synth" `app.synth()` (aspects, the pipelines\' build, writing templates).\n');

  out.push('## Growth with the number of environments\n');
  out.push('The reference app\'s six tiers repeated in 1, 2, 4, 8 and 16 regions (each copy with its own VPC range), one pipeline; '
    + 'each tier is one wave (`addWave`; plain CDK Pipelines: `addWave` too), production\'s first region its pilot. A tier keeps its account '
    + 'in every region; "an account per environment" is the 96-environment app with each copy in an account of its own.\n');
  out.push(table(['app', 'environments', 'stacks', 'synth time', 'CPU time', 'peak memory'],
    pinned.filter(x => x.id !== 'empty' && x.id !== 'plain')
      .map(x => [x.label, x.environments, x.stacks, sec(x.wallSeconds), sec(x.cpuSeconds), mem(x.peakMemoryMb)])));
  const g = r.growth;
  const steps = (x: Growth, unit: string, digits: number) => `${x.firstStepSlope.toFixed(digits)} ${unit} per environment from `
    + `${g.environments[0]} to ${g.environments[1]}, ${x.lastStepSlope.toFixed(digits)} ${unit} from ${g.environments[g.environments.length - 2]} `
    + `to ${g.environments[g.environments.length - 1]}: ${x.linearOrBetter ? 'linear or better' : '**faster than linear**'}`;
  out.push(`Per environment, least squares over the medians of cdk-multi-env: **+${f1(g.wallSeconds.slope)} s** of synth time `
    + `(R² ${g.wallSeconds.r2.toFixed(2)}), **+${f1(g.cpuSeconds.slope)} s** of CPU time (R² ${g.cpuSeconds.r2.toFixed(2)}), `
    + `**+${g.peakMemoryMb.slope.toFixed(0)} MB** of peak memory (R² ${g.peakMemoryMb.r2.toFixed(2)}). `
    + `Step by step: synth time ${steps(g.wallSeconds, 's', 2)}; CPU time ${steps(g.cpuSeconds, 's', 2)}; memory ${steps(g.peakMemoryMb, 'MB', 1)}. `
    + '("Linear or better": one more environment costs at most 25% more between the two largest sizes than between the two smallest or '
    + 'on average; a cost that grows with every pair of environments would show as a steeper last step.)\n');

  out.push(`## The newest aws-cdk-lib (${r.cdkVersions.newest})\n`);
  out.push(`The same three apps on the newest aws-cdk-lib 2.x on the registry, which a user installing today gets, beside the pinned ${r.cdkVersions.pinned}, `
    + 'in the same rounds.\n');
  out.push(table(['app', 'environments', `synth time (${r.cdkVersions.pinned})`, `synth time (${r.cdkVersions.newest})`, 'newest / pinned',
    `CPU time (${r.cdkVersions.pinned} / ${r.cdkVersions.newest})`, `peak memory (${r.cdkVersions.pinned})`, `peak memory (${r.cdkVersions.newest})`],
  r.synthesis.filter(onNewest).map(n => {
    const p = r.synthesis.find(x => x.id === n.id.replace(/@newest.*/, ''))!;
    return [n.label, n.environments, sec(p.wallSeconds), sec(n.wallSeconds), `${(n.wallSeconds.median / p.wallSeconds.median).toFixed(2)}×`,
      `${f1(p.cpuSeconds.median)} / ${f1(n.cpuSeconds.median)} s`, mem(p.peakMemoryMb), mem(n.peakMemoryMb)];
  })));
  const newestLibrary = r.synthesis.find(x => x.id === 'library@newest')!;
  const newestPlain = r.synthesis.find(x => x.id === 'plain@newest')!;
  const withoutValidation = r.synthesis.find(x => x.id === 'library@newest-no-validation')!;
  out.push(`On the newest, cdk-multi-env takes ${newestLibrary.vsPlain!.toFixed(2)}× plain CDK Pipelines' synth time `
    + `(${library.vsPlain!.toFixed(2)}× on the pin); plain CDK Pipelines itself takes ${(newestPlain.wallSeconds.median / plain.wallSeconds.median).toFixed(2)}× `
    + 'its time on the pin: the growth is aws-cdk-lib\'s own. The newest runs its built-in CloudFormation validation on every template; '
    + 'switched off (`CDK_VALIDATION=false`, or the App\'s `builtinCloudFormationValidation: false`), the reference app\'s synth takes '
    + `${f1(withoutValidation.wallSeconds.median)} s instead of ${f1(newestLibrary.wallSeconds.median)} s and `
    + `${withoutValidation.peakMemoryMb.median.toFixed(0)} MB instead of ${newestLibrary.peakMemoryMb.median.toFixed(0)} MB.\n`);

  const L = r.headroom.limits;
  out.push('## Template headroom\n');
  out.push(`Limits per stack: ${L.resources} resources, a template body of 1 MB (taken as 1,000,000 bytes) uploaded through S3 (as the CDK CLI and CDK Pipelines do; `
    + `${L.templateBytesDirect.toLocaleString('en')} bytes when passed directly), ${L.parameters} parameters, ${L.outputs} outputs, `
    + `${L.dynamicReferences} dynamic references; read from the ${L.source}. Per pipeline: ${r.headroom.pipelineLimits.stagesPerPipeline} stages, `
    + `${r.headroom.pipelineLimits.actionsPerStage} actions per stage (${r.headroom.pipelineLimits.source}).\n`);
  const headroomRow = (h: StackHeadroom) => [
    h.stack, `${h.resources} (${pct(h.resources / L.resources)})`, `${kib(h.templateBytes)} (${pct(h.templateBytes / L.templateBytesS3)})`,
    h.parameters, h.outputs, h.dynamicReferences, `${pct(h.worstShare)} of ${h.worstLimit}`,
  ];
  out.push(table(['stack (reference app)', 'resources', 'template', 'parameters', 'outputs', 'dynamic refs', 'closest to a limit'],
    r.headroom.stacks.map(headroomRow)));
  const plainTooling = r.headroom.plainStacks.find(h => h.stack === 'Tooling');
  if (plainTooling) out.push(`Plain CDK Pipelines' Tooling stack, for comparison: ${plainTooling.resources} resources, ${kib(plainTooling.templateBytes)}.\n`);
  const I = r.headroom.iamLimits;
  out.push('As environments grow, the Tooling stack (the pipelines) is the one that grows. IAM\'s limits on policy size, in characters '
    + `without white space: ${I.roleInline.toLocaleString('en')} for a role's inline policies together, ${I.managed.toLocaleString('en')} for a managed policy `
    + `(${I.source}); a policy's size is measured as MultiEnvPipeline measures it before it refuses one: at its longest once CloudFormation resolves it, `
    + 'the template\'s own CodeBuild projects, roles, pipelines, keys, buckets and log groups counted by what the template says of them. '
    + `IAM takes a role's path of at most ${I.rolePath} characters; the paths of the roles of the builds that review, deploy and test `
    + 'name the environments they serve, each by a token of 8 characters (src/private/pipeline-role-paths.ts), all of a wave\'s for its review.\n');
  const P = r.headroom.pipelineLimits;
  out.push(`CodeBuild refuses an inline build spec of more than ${P.buildSpecCharacters.toLocaleString('en')} characters, CodePipeline an action's configuration `
    + `value of more than ${P.actionValueCharacters.toLocaleString('en')} and an approval's comment of more than ${P.approvalCommentCharacters.toLocaleString('en')} `
    + `(sources in src/pipeline/private/pipeline-limits.ts), CodeBuild a project description of more than ${P.projectDescriptionCharacters.toLocaleString('en')} `
    + '(src/pipeline/codebuild-job.ts); each measured at its longest once CloudFormation resolves the references in it (a comment with the longest summary '
    + 'of the review or orphan listing it names), and refused by MultiEnvPipeline at synth (the bench synthesizes past them to measure).\n');
  out.push(table(['app', 'environments', 'Tooling resources', 'Tooling template', 'main pipeline stages', 'most actions in a stage', 'longest build spec', 'longest action value',
    'longest approval comment', 'longest project description', 'longest IAM role path', 'closest stack to a limit', 'largest IAM policy'],
  r.headroom.tooling.map(t => {
    const main = t.pipelines.reduce((a, b) => (b.stages > a.stages ? b : a));
    const p = t.largestPolicy;
    return [
      t.app, t.environments, `${t.tooling.resources} (${pct(t.tooling.resources / L.resources)})`,
      `${kib(t.tooling.templateBytes)} (${pct(t.tooling.templateBytes / L.templateBytesS3)})`,
      `${main.stages} of ${P.stagesPerPipeline}`, `${Math.max(...t.pipelines.map(x => x.mostActionsInAStage))} of ${P.actionsPerStage}`,
      `${t.builds.buildSpec.characters.toLocaleString('en')} (${pct(t.builds.buildSpec.characters / P.buildSpecCharacters)})`,
      `${t.builds.actionValue.characters.toLocaleString('en')} (${pct(t.builds.actionValue.characters / P.actionValueCharacters)})`,
      t.builds.approvalComment.where === '-' ? '-' : `${t.builds.approvalComment.characters.toLocaleString('en')} (${pct(t.builds.approvalComment.characters / P.approvalCommentCharacters)})`,
      `${t.builds.description.characters.toLocaleString('en')} (${pct(t.builds.description.characters / P.projectDescriptionCharacters)})`,
      `${t.builds.rolePath.characters} (${pct(t.builds.rolePath.characters / I.rolePath)})`,
      `${t.largest.stack}: ${pct(t.largest.worstShare)} of ${t.largest.worstLimit}`,
      `${p.principal} (${p.kind}): ${p.characters.toLocaleString('en')} characters, ${pct(p.share)}`,
    ];
  })));
  for (const t of r.headroom.tooling.filter(x => x.environments === Math.max(...r.headroom.tooling.map(y => y.environments)))) {
    const pipelinesOver = t.pipelines.filter(p => p.stages > r.headroom.pipelineLimits.stagesPerPipeline / 2
      || p.mostActionsInAStage > r.headroom.pipelineLimits.actionsPerStage / 2);
    out.push(`${t.app} at ${t.environments} environments, what is above half of its quota: `
      + `${t.stacksOverHalf.length} stack(s)${t.stacksOverHalf.length ? ` (${t.stacksOverHalf.map(h => `${h.stack} ${pct(h.worstShare)} of ${h.worstLimit}`).join(', ')})` : ''}, `
      + `${t.policiesOverHalf.length} IAM polic${t.policiesOverHalf.length === 1 ? 'y' : 'ies'}`
      + `${t.policiesOverHalf.length ? ` (${t.policiesOverHalf.map(p => `${p.principal} ${pct(p.share)}`).join(', ')})` : ''}, `
      + `${pipelinesOver.length} pipeline(s)${pipelinesOver.length ? ` (${pipelinesOver.map(p => `${laneName(p.pipeline)}: ${p.stages} stages, up to ${p.mostActionsInAStage} actions in a stage`).join('; ')})` : ''}, `
      + `${t.builds.rolePath.characters > I.rolePath / 2 ? `the longest IAM role path (${t.builds.rolePath.where}: ${t.builds.rolePath.characters} characters, `
        + `${pct(t.builds.rolePath.characters / I.rolePath)} of ${I.rolePath})` : 'no IAM role path'}.\n`);
  }

  const over = r.headroom.tooling.filter(t => t.largest.worstShare > 1);
  for (const t of over) {
    out.push(`**${t.app} with ${t.environments} environments cannot be deployed as it is**: ${t.largest.stack} reaches `
      + `${pct(t.largest.worstShare)} of CloudFormation's ${t.largest.worstLimit}.\n`);
  }
  const refused = r.headroom.tooling.filter(x => x.builds.buildSpec.characters > P.buildSpecCharacters
    || x.builds.actionValue.characters > P.actionValueCharacters || x.builds.approvalComment.characters > P.approvalCommentCharacters
    || x.builds.description.characters > P.projectDescriptionCharacters || x.builds.rolePath.characters > I.rolePath);
  for (const t of refused) {
    out.push(`**${t.app} with ${t.environments} environments cannot be deployed as it is, and synthesis refuses it**: the longest build spec (${t.builds.buildSpec.where}) `
      + `is ${pct(t.builds.buildSpec.characters / P.buildSpecCharacters)} of CodeBuild's ${P.buildSpecCharacters.toLocaleString('en')} characters, the longest action value `
      + `(${t.builds.actionValue.where}) ${pct(t.builds.actionValue.characters / P.actionValueCharacters)} of CodePipeline's ${P.actionValueCharacters.toLocaleString('en')}, `
      + `the longest approval comment (${t.builds.approvalComment.where}) ${pct(t.builds.approvalComment.characters / P.approvalCommentCharacters)} of ${P.approvalCommentCharacters}, `
      + `the longest project description (${t.builds.description.where}) ${pct(t.builds.description.characters / P.projectDescriptionCharacters)} of ${P.projectDescriptionCharacters}, `
      + `the longest IAM role path (${t.builds.rolePath.where}) ${pct(t.builds.rolePath.characters / I.rolePath)} of ${I.rolePath}.\n`);
  }
  const m = r.pipeline.model;
  out.push('## The path of a commit to Prod\n');
  out.push('Read from the synthesized main pipeline of each app (six environments, the same tests). Lead time and cost are estimates '
    + `from a stated model (bench/pipeline-model.ts): each CodeBuild job ${m.codeBuildProvisioningSeconds} s of provisioning plus its work `
    + `(synth ${m.synthSeconds} s, self-mutation ${m.selfMutationSeconds} s, asset job ${m.assetJobInstallSeconds} s + ${m.perAssetSeconds} s per asset, `
    + `test step ${m.shellStepSeconds} s; a deploy build: the CLI's install (${m.cliInstallSeconds} s), `
    + `then the longest chain of dependent stacks the tests need, each ${m.perAssetSeconds} s for its assets (published side by side) and its deploy, `
    + 'its signal to the tests, then the chain of the stacks no test needs, '
    + `then the search for the stacks the app no longer has (${m.orphanSearchSeconds} s); `
    + `a test build: ${m.shellStepSeconds} s per step, or per group of steps side by side (the seed, then the tests after deploy), `
    + `after the signal of its environment's deploy build, seen ${m.awaitPollSeconds} s later; a change review: `
    + `${m.reviewInstallSeconds} s to install cloudformation-diff, then ${m.reviewSeconds} s), each build of a batch billed per started minute; change set ${m.createChangeSetSeconds} s (none with \`cdk deploy --method=direct\`), `
    + `deploy ${m.executeChangeSetSeconds} s per stack (${m.executeChangeSetSeconds / m.expressSpeedup} s in CloudFormation's express mode, \`cdk deploy --express\`: AWS's "up to ${m.expressSpeedup}x faster", the best case); `
    + `approvals wait for no one. Price per build-minute: ${Object.entries(m.pricePerBuildMinute).map(([k, v]) => `${k} $${v}`).join(', ')} `
    + `(${m.priceRegion}, list price of ${m.pricesRead}); the compute type is read from each job\'s CodeBuild project. A V2 pipeline is billed `
    + `$${m.pricePerActionMinute} per action-execution minute, each action but the approvals rounded up to a whole minute.\n`);
  const pathRow = (label: string, p: PipelineEstimate) => [
    label, p.codeBuildJobs, p.codeBuildJobsPerCommit, p.sequentialActions, p.approvals,
    `${f1(p.leadTimeToProdMinutes)} min`, p.bakeMinutes ? `${p.bakeMinutes} min` : '-',
    p.billedBuildMinutesPerCommit, `$${p.codeBuildUsdPerCommit.toFixed(3)}`, p.billedActionMinutesPerCommit, `$${p.actionUsdPerCommit.toFixed(3)}`,
    `$${(p.codeBuildUsdPerCommit + p.actionUsdPerCommit).toFixed(3)}`, p.computeTypes.join(', '),
  ];
  out.push(table(
    ['', 'CodeBuild jobs to Prod', 'jobs per commit', 'actions in sequence to Prod', 'approvals', 'lead time to Prod', 'then bake', 'billed build-minutes per commit',
      'CodeBuild cost per commit', 'billed action-minutes per commit', 'CodePipeline cost per commit', 'cost per commit', 'compute type'],
    [pathRow('cdk-multi-env', r.pipeline.library), pathRow('plain CDK Pipelines', r.pipeline.plain)],
  ));

  const criticalPath = (label: string, p: PipelineEstimate) => {
    const actions = p.criticalPath.map(a => `${a.stage}: ${a.action} (${a.kind === 'approval' ? 'approval' : `${a.seconds} s`})`);
    return `<details><summary>Critical path of ${label}: ${p.criticalPath.length} actions one after another</summary>\n\n${actions.join(' → ')}\n\n</details>\n`;
  };
  out.push(criticalPath('cdk-multi-env', r.pipeline.library));
  out.push(criticalPath('plain CDK Pipelines', r.pipeline.plain));

  out.push(`At ${r.pipelineAtScale.map(s => s.environments).join(' and ')} environments, each tier one wave (production: its first region, then the others together), `
    + 'to the end of production\'s last stage, with the same model. The bakes on the way (the production pilot\'s) are left out of the lead time like the '
    + 'last one, and shown beside it. Plain CDK Pipelines\' pipeline is modelled whether or not its template can be deployed (the headroom table above).\n');
  const waveRow = (label: string, environments: number, p: PipelineEstimate) => [
    label, environments, p.codeBuildJobs, p.codeBuildJobsPerCommit, p.sequentialActions, p.approvals, `${f1(p.leadTimeToProdMinutes)} min`,
    p.bakeOnTheWayMinutes ? `${p.bakeOnTheWayMinutes} min` : '-', p.bakeMinutes ? `${p.bakeMinutes} min` : '-', `$${p.codeBuildUsdPerCommit.toFixed(3)}`,
    `$${(p.codeBuildUsdPerCommit + p.actionUsdPerCommit).toFixed(3)}`,
  ];
  out.push(table(
    ['', 'environments', 'CodeBuild jobs to Prod', 'jobs per commit', 'actions in sequence to Prod', 'approvals', 'lead time to Prod', 'bakes on the way', 'then bake',
      'CodeBuild cost per commit', 'cost per commit'],
    r.pipelineAtScale.flatMap(s => [waveRow('cdk-multi-env', s.environments, s.library), waveRow('plain CDK Pipelines', s.environments, s.plain)]),
  ));

  out.push('CodeBuild runs at once as many builds of a compute type as the account\'s quota for it allows in the region ("Concurrently running builds for '
    + 'Linux/Small environment" for BUILD_GENERAL1_SMALL, in Service Quotas): "For some platforms and compute types, the default is 20. For a new account, '
    + 'the quota can be as low as 5" (AWS CodeBuild User Guide, "Quotas for AWS CodeBuild", docs.aws.amazon.com/codebuild/latest/userguide/limits.html; '
    + 'and at 1 for many, as Flightcontrol\'s guide to CodeBuild\'s concurrency tells, www.flightcontrol.dev/docs/troubleshooting/codebuild-concurrency). Past it, builds are queued, and queued builds start in no predictable order. A build that waits in its build for '
    + 'another action of its stage (a test build for its deploy\'s signal, Staging\'s deploy for its tests before) holds its place while it waits: with no more '
    + 'places than waiting builds, they can hold them all while the builds they wait for are queued, until they time out (60 minutes, CodeBuild\'s default). '
    + 'The least quota that rules this out (not the queueing) is one more than the waiting builds of the busiest stage of either lane while one commit '
    + 'goes through, and one more than a whole run\'s of every pipeline (the hotfix lane\'s with the main one\'s) when every stage is busy with '
    + 'another commit; synthesis states both. The quota is the account\'s in the region, shared with every other build there. Plain CDK Pipelines\' '
    + 'builds wait for nothing, and a quota of 1 only slows them:\n');
  const quotaRow = (label: string, environments: number, { concurrency: c }: PipelineEstimate) => [label, environments,
    c.mostBuildsStartedTogether, c.mostWaitingBuildsInAStage, c.waitingBuildsInAllPipelines, leastQuotaOf(c, false), leastQuotaOf(c, true)];
  out.push(table(
    ['', 'environments', 'most builds a stage starts together', 'waiting builds in a stage, at most', 'waiting builds in a run of every pipeline',
      'least quota, one commit at a time', 'least quota, every stage busy'],
    [{ environments: 6, ...r.pipeline }, ...r.pipelineAtScale].flatMap(s => [
      quotaRow('cdk-multi-env', s.environments, s.library), quotaRow('plain CDK Pipelines', s.environments, s.plain),
    ]),
  ));

  out.push('## Fixed monthly cost\n');
  out.push(`What each environment's foundation and each app's tooling account cost per month before any traffic, at ${LIST_PRICES.region} list prices `
    + `read ${LIST_PRICES.read} (${LIST_PRICES.hoursPerMonth} hours a month; the price table is examples/list-prices.ts: `
    + `${PRICE_TABLE.map(p => `${p.item} $${p.usd}/${p.per}`).join(', ')}). Resources billed by use come on top.\n`);
  const allLines = [...r.cost.environments.flatMap(e => e.lines), ...r.cost.pipeline.library.lines, ...r.cost.pipeline.plain.lines];
  const items = PRICE_TABLE.filter(p => allLines.some(l => l.type === p.type));
  const units = (lines: CostLine[], type: string) => lines.find(l => l.type === type)?.units ?? 0;
  const plural = (item: string) => (item.endsWith('s') ? `${item}es` : `${item}s`);
  out.push(table(['', 'AZs', ...items.map(p => plural(p.item)), 'per month'], [
    ...r.cost.environments.map(e => [`${e.environment} foundation`, e.azs, ...items.map(p => units(e.lines, p.type)), usd(e.monthly)]),
    ['cdk-multi-env pipelines (Tooling)', '', ...items.map(p => units(r.cost.pipeline.library.lines, p.type)), usd(r.cost.pipeline.library.monthly)],
    ['plain CDK Pipelines (Tooling)', '', ...items.map(p => units(r.cost.pipeline.plain.lines, p.type)), usd(r.cost.pipeline.plain.monthly)],
  ]));
  out.push(`Billed by use only, so not in the table: ${r.cost.usageBilledTypes.join(', ')}. `
    + (r.cost.sizeBilledTypes.length > 0
      ? `Billed by the hour at a size the workload chooses, so not priced here (the reference app's workload has them): ${r.cost.sizeBilledTypes.join(', ')}. `
      : '')
    + (r.cost.unclassifiedTypes.length === 0
      ? 'Every other resource type in the templates is free by itself.\n'
      : `**Not classified yet** (add a price row, or list them as billed by use or free, in examples/list-prices.ts): ${r.cost.unclassifiedTypes.join(', ')}.\n`));

  out.push(deliveryCost(r.cost.delivery));
  out.push(behindPlain(r, plain, library));
  out.push(`Every figure, with each run, is in bench/results.json. Compiling the synth apps took ${f1(r.compileSeconds)} s of the run.\n`);
  return out.join('\n');
}

/** What the delivery record and metrics cost a month at a team's pace (bench/delivery-cost.ts). */
function deliveryCost(d: DeliveryRunningCost): string {
  const p = USAGE_PRICES;
  const out = ['### What the delivery record and metrics cost to run\n'];
  out.push(`The reference app's delivery record, metrics and dashboard at ${d.commitsPerDay} commits a day (${30 * d.commitsPerDay} runs a month), `
    + `each run of the main pipeline sending ${d.eventsPerCommit} events (every stage and action starting and ending, each build's start and end), `
    + `${(d.bytesPerCommit / 1000).toFixed(0)} KB in all, each event as large as the one AWS documents, with the app's names; at ${LIST_PRICES.region} list prices `
    + `(examples/list-prices.ts: log ingestion $${p.logIngestionPerGb}/GB, storage $${p.logStoragePerGbMonth}/GB-month, a custom metric `
    + `$${p.customMetricPerMonth.toFixed(2)}/month, Lambda $${p.lambdaPerGbSecond}/GB-s; free tiers left out; AWS services' events on the default bus and the `
    + 'schedule\'s invocations are not billed):\n');
  out.push(table(['', 'volume', 'per month'], [
    ['log ingestion', `${(1000 * d.ingestedGbPerMonth).toFixed(0)} MB`, usd(d.ingestionUsd)],
    ['log storage, once the record holds its year', `${(12000 * d.ingestedGbPerMonth).toFixed(0)} MB at most`, usd(d.storageAfterAYearUsd)],
    ['custom metrics', d.customMetrics, usd(d.metricsUsd)],
    ['PutMetricData requests', d.functionInvocations * Math.ceil(d.customMetrics / 20), usd(d.metricRequestsUsd)],
    ['the function, every invocation to its timeout (an upper bound)', `${d.functionInvocations} invocations`, usd(d.functionAtMostUsd)],
    ['the dashboard', 1, usd(d.dashboardUsd)],
    ['the alarms of `deliveryAlarms` (both thresholds, the function\'s errors, nothing published)', d.alarms, usd(d.alarmsUsd)],
    ['**all**', '', `**${usd(d.monthlyUsd)}**`],
  ]));
  return out.join('\n');
}

/**
 * The figures where the library comes out behind plain CDK Pipelines, each with the reason found
 * for it. A figure that is behind with no reason written here is flagged for someone to look into.
 */
function behindPlain(r: BenchResults, plain: SynthesisFigures, library: SynthesisFigures): string {
  const lib = r.pipeline.library;
  const base = r.pipeline.plain;
  const rows: [string, string, string, string][] = [];
  const check = (figure: string, ours: number, theirs: number, format: (n: number) => string, why: string, tolerance = 0) => {
    if (ours > theirs * (1 + tolerance)) rows.push([figure, format(ours), format(theirs), why]);
  };
  // Both apps build the same environments with this library's IsolatedEnvironment: the difference is the pipeline.
  const stagesOf = (pipelines: PipelineHeadroom[]) => pipelines.reduce((sum, p) => sum + p.stages, 0);
  const ours6 = r.headroom.tooling.find(t => t.app === 'cdk-multi-env' && t.environments === 6);
  const stageCount = ours6 ? ` With six environments its ${ours6.pipelines.length} pipelines have ${stagesOf(ours6.pipelines)} stages, `
    + `plain CDK Pipelines' one has ${stagesOf(r.headroom.plainPipelines)}.` : '';
  const whySynth = 'Both apps synthesize the same environments (this library\'s foundations and the same workload); the difference is '
    + 'the pipeline, which does more: the hotfix lane (a second CDK pipeline with its own synth and its own artifact bucket and key, '
    + 'which deploys the Hotfix environment and then repeats the production stages), the feature lane (two pipelines sharing a third '
    + 'artifact bucket and key), a project and role per deploy, test and review job whose policy names the roles it may assume, '
    + `notifications, approver grants and the change review, all built by an aspect at synth time.${stageCount}`;
  const synthTimes = (x: SynthesisFigures) => `${f1(x.wallSeconds.median)} s / ${f1(x.cpuSeconds.median)} s`;
  if (library.wallSeconds.median > plain.wallSeconds.median * 1.05 || library.cpuSeconds.median > plain.cpuSeconds.median * 1.05) {
    rows.push(['synth time (wall / CPU)', synthTimes(library), synthTimes(plain), whySynth]);
  }
  const [lib48, plain48] = [r.synthesis.find(x => x.id === 'library-48'), r.synthesis.find(x => x.id === 'plain-48')];
  const ours48Pipelines = r.headroom.tooling.find(t => t.app === 'cdk-multi-env' && t.environments === 48)?.pipelines;
  const theirs48Pipelines = r.headroom.tooling.find(t => t.app === 'plain CDK Pipelines' && t.environments === 48)?.pipelines;
  if (lib48 && plain48 && ours48Pipelines && theirs48Pipelines
    && (lib48.wallSeconds.median > plain48.wallSeconds.median * 1.05 || lib48.cpuSeconds.median > plain48.cpuSeconds.median * 1.05)) {
    rows.push(['synth time at 48 environments (wall / CPU)', synthTimes(lib48), synthTimes(plain48),
      'The same reasons, and the hotfix lane grows with the environments: it deploys every Hotfix environment and repeats every '
      + `production group, so cdk-multi-env's pipelines have ${stagesOf(ours48Pipelines)} stages against plain CDK Pipelines' `
      + `${stagesOf(theirs48Pipelines)}. Per environment the growth stays linear (see the growth table).`]);
  }
  check('peak memory', library.peakMemoryMb.median, plain.peakMemoryMb.median, n => `${n.toFixed(0)} MB`, whySynth, 0.05);
  check('CodeBuild jobs per commit', lib.codeBuildJobsPerCommit, base.codeBuildJobsPerCommit, String,
    'On purpose: each environment\'s tests run in builds of their own, apart from its deploy, so that test commands never hold '
    + 'credentials that deploy; '
    + 'Prod\'s review and Staging\'s listing of the stacks the app no longer has are builds the plain pipeline does not have. '
    + 'No job publishes assets.');
  check('actions in sequence to Prod', lib.sequentialActions, base.sequentialActions, String,
    'On purpose: the QA sign-off and the Staging approval wait for the tests they sign off (in the plain pipeline they run beside '
    + 'them, so someone can approve before the tests fail), and Prod\'s change review is a job and an approval before its deploy.');
  check('approvals', lib.approvals, base.approvals, String,
    'On purpose: each gate of a tier is an approval (Prod\'s change review is one, after a job that shows the change of every stack), '
    + 'where the plain pipeline asks once before Prod, before anything is known.');
  check('lead time to Prod', lib.leadTimeToProdMinutes, base.leadTimeToProdMinutes, n => `${f1(n)} min`, slowerStages(lib, base));
  for (const s of r.pipelineAtScale) {
    check(`lead time to Prod at ${s.environments} environments, in waves`, s.library.leadTimeToProdMinutes, s.plain.leadTimeToProdMinutes,
      n => `${f1(n)} min`, `${slowerStages(s.library, s.plain)} Each wave's sign-off and approval wait for every environment's tests.`);
  }
  const costWhy = 'The deploys run in CodeBuild (`cdk deploy`, one build per environment), billed while CloudFormation deploys, where '
    + 'CDK Pipelines\' CloudFormation actions cost nothing in CodeBuild: the price of stages that stay a few actions at any number of '
    + 'environments. And the builds of a stage on the way to Prod start together, each waiting (billed) for the one it follows, which keeps their '
    + 'provisioning off the path to Prod. CodePipeline V2 bills both pipelines\' action minutes on top, in the table above. '
    + costFloor(lib, base);
  check('CodeBuild cost per commit', lib.codeBuildUsdPerCommit, base.codeBuildUsdPerCommit, n => `$${n.toFixed(3)}`, costWhy);
  check('billed build-minutes per commit', lib.billedBuildMinutesPerCommit, base.billedBuildMinutesPerCommit, String, costWhy);
  check('least CodeBuild concurrent-build quota, one commit at a time', leastQuotaOf(lib.concurrency, false), leastQuotaOf(base.concurrency, false), String,
    'The builds a stage starts together wait in their build for the ones they follow (the same choice as the cost\'s), and hold their place '
    + 'in CodeBuild\'s concurrent-build quota while they wait: below this quota they can take every place while the builds they wait for are '
    + `queued (the table under the path at scale: ${r.pipelineAtScale.map(x => `${leastQuotaOf(x.library.concurrency, false)} at ${x.environments} environments`).join(', ')}). `
    + 'The plain pipeline\'s builds wait for nothing.');
  check('Tooling fixed monthly cost', r.cost.pipeline.library.monthly, r.cost.pipeline.plain.monthly, usd,
    costDifference(r.cost.pipeline.library.lines, r.cost.pipeline.plain.lines));
  const tooling = (stacks: StackHeadroom[]) => stacks.find(h => h.stack === 'Tooling');
  const ours = tooling(r.headroom.stacks);
  const theirs = tooling(r.headroom.plainStacks);
  if (ours && theirs) {
    const lanes = r.headroom.tooling.find(t => t.app === 'cdk-multi-env')?.pipelines.map(p => laneName(p.pipeline)) ?? [];
    check('Tooling resources', ours.resources, theirs.resources, String,
      `${lanes.length} pipelines (${lanes.join(', ')}) instead of one, each with its own jobs and roles; a project, role and batch role `
      + `per deploy, test and review job; notifications; approver grants. ${pct(ours.resources / r.headroom.limits.resources)} of the ${r.headroom.limits.resources}-resource limit.`);
  }
  const toolingAt48 = (app: string) => r.headroom.tooling.find(t => t.app === app && t.environments === 48);
  const ours48 = toolingAt48('cdk-multi-env');
  const theirs48 = toolingAt48('plain CDK Pipelines');
  if (ours48 && theirs48) {
    check('Tooling template at 48 environments', ours48.tooling.templateBytes, theirs48.tooling.templateBytes, kib,
      'The hotfix lane is a second pipeline that deploys every Hotfix environment and then repeats every production group, with '
      + 'its own synth and jobs; each job\'s project holds the variables of every environment of its group (its build list). '
      + 'Above 1 MB the stack cannot be deployed: see the headroom table.');
  }
  if (r.pipeline.library.bakeMinutes > 0) {
    rows.push(['bake before Prod counts as done', `${r.pipeline.library.bakeMinutes} min`, '-',
      'On purpose: CodePipeline watches the production alarms and rolls the stage back if one fires; Demo waits for it. '
      + 'The change is in production before the bake starts, so the lead time above leaves it out.']);
  }
  if (rows.length === 0) return '## Where cdk-multi-env is behind plain CDK Pipelines\n\nNowhere in this run.\n';
  return '## Where cdk-multi-env is behind plain CDK Pipelines, and why\n\n'
    + table(['figure', 'cdk-multi-env', 'plain CDK Pipelines', 'why'], rows);
}

/** Why one pipeline's modelled lead time is longer: the stages whose critical path takes longer than the other's. */
function slowerStages(ours: PipelineEstimate, theirs: PipelineEstimate): string {
  const byStage = (p: PipelineEstimate) => p.criticalPath
    .reduce((m, a) => m.set(a.stage, (m.get(a.stage) ?? 0) + a.seconds), new Map<string, number>());
  const a = byStage(ours);
  const b = byStage(theirs);
  const slower = [...a].filter(([stage, seconds]) => seconds > (b.get(stage) ?? 0));
  const parts = slower.map(([stage, seconds]) => `${stage} +${Math.round(seconds - (b.get(stage) ?? 0))} s`);
  return `In the model, the stages whose critical path is longer: ${parts.join('; ')}. An environment's deploy is a CodeBuild build, which `
    + 'spends its provisioning and the CLI\'s install before the first stack, where a CloudFormation action starts at once (the plain '
    + 'pipeline pays for its asset jobs once, before Dev). The extra approvals and sign-offs add no machine time, only the '
    + 'wait for a person, which the model leaves out.';
}

/** What a pipeline of the Tooling stack is, from its logical id. */
function laneName(logicalId: string): string {
  if (logicalId.includes('Hotfix')) return 'hotfix lane';
  if (logicalId.includes('FeatureLaneDeploy')) return 'feature lane';
  if (logicalId.includes('FeatureLaneTeardown')) return 'feature teardown';
  return 'main';
}

/** Why one tooling account costs more per month: the priced items it has more of than the other. */
function costDifference(ours: CostLine[], theirs: CostLine[]): string {
  const reasons: Record<string, string> = {
    'AWS::KMS::Key': 'the hotfix and feature lanes keep their artifacts under keys of their own, and the notification topic is encrypted with a rotated key of its own',
    'AWS::CloudWatch::Alarm': 'the notifications\' failed-runs alarm',
    'AWS::CloudWatch::Dashboard': 'the delivery metrics\' dashboard: DORA\'s four keys per tier and the cost of a commit, measured from the pipelines\' own runs',
  };
  const units = (lines: CostLine[], type: string) => lines.find(l => l.type === type)?.units ?? 0;
  const types = [...new Set([...ours, ...theirs].map(l => l.type))];
  const more = types.filter(t => units(ours, t) > units(theirs, t)).map(t => {
    const line = ours.find(l => l.type === t)!;
    const extra = units(ours, t) - units(theirs, t);
    return `+${extra} ${line.item} (${usd(extra * line.monthly / line.units)}${reasons[t] ? `: ${reasons[t]}` : ''})`;
  });
  const fewer = types.filter(t => units(ours, t) < units(theirs, t)).map(t => {
    const line = theirs.find(l => l.type === t)!;
    const less = units(theirs, t) - units(ours, t);
    return `-${less} ${line.item} (${usd(less * line.monthly / line.units)})`;
  });
  return `${more.join(', ')}${fewer.length ? `; against ${fewer.join(', ')} (plain CDK Pipelines builds a V1 pipeline by default, with a monthly fee; ours are V2)` : ''}.`;
}

/**
 * What the deploy builds and the synth and self-update cost, against plain CDK Pipelines' whole
 * CodeBuild bill: where they exceed it, no placement of the test builds brings the cost per commit
 * down to plain's while the deploys are CodeBuild builds.
 */
function costFloor(lib: PipelineEstimate, base: PipelineEstimate): string {
  const of = (kinds: string[]) => lib.jobs.filter(j => kinds.includes(j.kind));
  const dollars = (jobs: ModelledAction[]) => jobs.reduce((sum, j) => sum + j.usd!, 0);
  const minutes = (jobs: ModelledAction[]) => jobs.reduce((sum, j) => sum + j.billedMinutes!, 0);
  const deploys = of(['deploy job']);
  const synth = of(['synth', 'self-mutation']);
  const floor = dollars(deploys) + dollars(synth);
  return `The deploy builds alone bill ${minutes(deploys)} minutes ($${dollars(deploys).toFixed(3)}); with the synth and self-update `
    + `($${dollars(synth).toFixed(3)}), $${floor.toFixed(3)}, ${floor > base.codeBuildUsdPerCommit ? 'more than' : 'against'} plain CDK Pipelines' `
    + `whole $${base.codeBuildUsdPerCommit.toFixed(3)} before any test runs.`;
}
