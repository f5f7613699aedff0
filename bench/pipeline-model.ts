import * as fs from 'fs';
import * as path from 'path';
import { mainPipeline, PathToProduction, pathToProduction, PipelineAction, PipelineStage } from '../examples/pipeline-path';

/**
 * The model behind the estimated lead time and CodeBuild cost of a commit. The pipeline's shape
 * (which actions, in which order, on which compute type) is read from the synthesized template;
 * how long each kind of action takes is assumed here, the same for this library and for plain
 * CDK Pipelines, so the comparison measures the shape and not the assumptions.
 *
 * CodeBuild bills each build from the moment it is submitted (provisioning included) to its end,
 * rounded up to the next whole minute: every job costs at least one billed minute. Prices are
 * on-demand Linux list prices per build-minute from the AWS CodeBuild pricing page, eu-west-1 (the
 * reference app's region; the same as us-east-1 for these types), read 2026-11, free tier left out.
 */
export const PIPELINE_MODEL = {
  pricesRead: '2026-11',
  priceRegion: 'eu-west-1',
  pricePerBuildMinute: {
    BUILD_GENERAL1_SMALL: 0.005,
    BUILD_GENERAL1_MEDIUM: 0.01,
    BUILD_GENERAL1_LARGE: 0.02,
  } as Record<string, number>,
  /** Queueing and provisioning of an on-demand CodeBuild container, before the first command (billed). */
  codeBuildProvisioningSeconds: 60,
  /** `npm ci`, the unit tests and `cdk synth` of a small app. */
  synthSeconds: 180,
  /** `npm install -g aws-cdk` and a `cdk deploy` of the unchanged pipeline stack. */
  selfMutationSeconds: 90,
  /** `npm install -g cdk-assets` in an asset job, and then each asset it publishes. */
  assetJobInstallSeconds: 30,
  perAssetSeconds: 10,
  /** Each test, data-seed or other shell step: the same commands in both pipelines. */
  shellStepSeconds: 120,
  sourceSeconds: 10,
  /** CloudFormation: creating a change set, executing it (one stack). */
  createChangeSetSeconds: 30,
  executeChangeSetSeconds: 120,
  /** A manual approval: the human wait is not modelled (0 s); approvals are counted instead. */
  approvalSeconds: 0,
  /** Anything else. */
  otherActionSeconds: 10,
};

type Kind = 'source' | 'synth' | 'self-mutation' | 'assets' | 'shell step' | 'change set' | 'deploy' | 'approval' | 'other';

/** One action of the pipeline with its modelled duration. */
export interface ModelledAction {
  readonly stage: string;
  readonly action: string;
  readonly kind: Kind;
  readonly seconds: number;
  /** For CodeBuild jobs: the compute type, the billed minutes and their price. */
  readonly computeType?: string;
  readonly billedMinutes?: number;
  readonly usd?: number;
}

/** A commit's way to production through one pipeline, counted and estimated. */
export interface PipelineEstimate extends PathToProduction {
  /** CodeBuild jobs one commit starts in the whole run (stages after production included). */
  readonly codeBuildJobsPerCommit: number;
  readonly computeTypes: string[];
  /** The actions that set the pace: per stage and run order, the longest. */
  readonly criticalPath: ModelledAction[];
  /** From commit to production's last deployment and tests, excluding the human wait of approvals. */
  readonly leadTimeToProdMinutes: number;
  /** Production's alarm-watched bake period after that, before the stage counts as succeeded. */
  readonly bakeMinutes: number;
  /** The bake periods of the stages before it (a production wave's pilot), which the lead time leaves out too. */
  readonly bakeOnTheWayMinutes: number;
  readonly billedBuildMinutesPerCommit: number;
  readonly codeBuildUsdPerCommit: number;
  /** Every CodeBuild job of a commit, with its billed minutes. */
  readonly jobs: ModelledAction[];
}

/**
 * Estimates the main pipeline of a tooling stack's template. `assemblyDir` is where the template
 * was synthesized: CDK Pipelines writes long build specs (the asset jobs') into files beside it.
 */
export function estimatePipeline(template: any, assemblyDir: string, production: string): PipelineEstimate {
  const pipeline = mainPipeline(template);
  const counts = pathToProduction(pipeline, production);
  const model = (stage: PipelineStage, a: PipelineAction) => modelAction(template, assemblyDir, stage, a);
  const toProd = pipeline.Stages.slice(0, counts.stages.length);

  const criticalPath: ModelledAction[] = [];
  for (const stage of toProd) {
    const orders = [...new Set(stage.Actions.map(a => a.RunOrder ?? 1))].sort((a, b) => a - b);
    for (const order of orders) {
      const group = stage.Actions.filter(a => (a.RunOrder ?? 1) === order).map(a => model(stage, a));
      criticalPath.push(group.reduce((a, b) => (b.seconds > a.seconds ? b : a)));
    }
  }
  const bakeOf = (stage: PipelineStage) => Math.max(0, ...(stage.OnSuccess?.Conditions ?? [])
    .flatMap((c: any) => c.Rules ?? [])
    .map((r: any) => Number(r.Configuration?.WaitTime ?? 0)));
  const bakeMinutes = bakeOf(toProd[toProd.length - 1]);
  const bakeOnTheWayMinutes = toProd.slice(0, -1).reduce((sum, stage) => sum + bakeOf(stage), 0);

  const jobs = pipeline.Stages.flatMap(s => s.Actions.map(a => model(s, a))).filter(a => a.computeType !== undefined);
  return {
    ...counts,
    codeBuildJobsPerCommit: jobs.length,
    computeTypes: [...new Set(jobs.map(j => j.computeType!))],
    criticalPath,
    leadTimeToProdMinutes: criticalPath.reduce((sum, a) => sum + a.seconds, 0) / 60,
    bakeMinutes,
    bakeOnTheWayMinutes,
    billedBuildMinutesPerCommit: jobs.reduce((sum, j) => sum + j.billedMinutes!, 0),
    codeBuildUsdPerCommit: jobs.reduce((sum, j) => sum + j.usd!, 0),
    jobs,
  };
}

function modelAction(template: any, assemblyDir: string, stage: PipelineStage, action: PipelineAction): ModelledAction {
  const m = PIPELINE_MODEL;
  const base = { stage: stage.Name, action: action.Name };
  const { Category: category, Provider: provider } = action.ActionTypeId;
  if (category === 'Source') return { ...base, kind: 'source', seconds: m.sourceSeconds };
  if (category === 'Approval') return { ...base, kind: 'approval', seconds: m.approvalSeconds };
  if (provider === 'CloudFormation') {
    const execute = action.Configuration?.ActionMode === 'CHANGE_SET_EXECUTE';
    return { ...base, kind: execute ? 'deploy' : 'change set', seconds: execute ? m.executeChangeSetSeconds : m.createChangeSetSeconds };
  }
  if (provider !== 'CodeBuild') return { ...base, kind: 'other', seconds: m.otherActionSeconds };

  const project = template.Resources[action.Configuration?.ProjectName?.Ref];
  if (!project) throw new Error(`action ${stage.Name}/${action.Name}: no CodeBuild project in the template for ${JSON.stringify(action.Configuration?.ProjectName)}`);
  const computeType: string = project.Properties.Environment.ComputeType;
  const price = m.pricePerBuildMinute[computeType];
  if (price === undefined) throw new Error(`action ${stage.Name}/${action.Name}: no price for compute type ${computeType}; add it to PIPELINE_MODEL.pricePerBuildMinute`);
  let kind: Kind;
  let work: number;
  if (stage.Name === 'Build') {
    [kind, work] = ['synth', m.synthSeconds];
  } else if (stage.Name === 'UpdatePipeline') {
    [kind, work] = ['self-mutation', m.selfMutationSeconds];
  } else if (stage.Name === 'Assets') {
    [kind, work] = ['assets', m.assetJobInstallSeconds + m.perAssetSeconds * assetsPublished(project, assemblyDir)];
  } else {
    [kind, work] = ['shell step', m.shellStepSeconds];
  }
  const seconds = m.codeBuildProvisioningSeconds + work;
  const billedMinutes = Math.max(1, Math.ceil(seconds / 60));
  return { ...base, kind, seconds, computeType, billedMinutes, usd: billedMinutes * price };
}

/** How many `cdk-assets publish` commands an asset job runs: its build spec is inline or in a file of the assembly. */
function assetsPublished(project: any, assemblyDir: string): number {
  const spec: string = project.Properties.Source.BuildSpec;
  const text = spec.trim().startsWith('{') || spec.includes('\n') ? spec : fs.readFileSync(path.join(assemblyDir, spec), 'utf-8');
  return (text.match(/cdk-assets [^\n]*publish/g) ?? []).length;
}
