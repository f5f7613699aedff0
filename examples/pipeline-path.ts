/**
 * What a commit costs on its way to production, read from a synthesized pipeline template: the
 * CodeBuild builds it starts and the actions that run one after another. Used by the summary and
 * the README to compare this library's pipeline with plain CDK Pipelines.
 */

import { AWAIT_COMMAND } from '../src/pipeline/awaited-actions';
import { renderValue } from '../src/validation/private/template-values';

export interface PipelineAction { Name: string; RunOrder?: number; ActionTypeId: { Category: string; Provider: string }; Configuration?: any }
export interface PipelineStage { Name: string; Actions: PipelineAction[]; OnSuccess?: any; OnFailure?: any }

/** The CloudFormation properties of the pipeline a commit to the main branch starts: the one with no push trigger of its own. */
export function mainPipeline(template: any): { Stages: PipelineStage[]; PipelineType?: string } {
  const pipeline = Object.values<any>(template.Resources ?? {})
    .find(r => r.Type === 'AWS::CodePipeline::Pipeline' && r.Properties.Triggers === undefined);
  if (!pipeline) throw new Error('the template has no pipeline without a trigger (the main pipeline)');
  return pipeline.Properties;
}

/** The CodeBuild project a CodeBuild action runs, from the template. */
export function projectOf(template: any, stage: PipelineStage, action: PipelineAction): any {
  const project = template.Resources?.[action.Configuration?.ProjectName?.Ref];
  if (!project) throw new Error(`action ${stage.Name}/${action.Name}: no CodeBuild project in the template for ${JSON.stringify(action.Configuration?.ProjectName)}`);
  return project;
}

/**
 * The build spec of the project a CodeBuild action runs, parsed. The template holds it as a string,
 * or as an `Fn::Join` when a value in it is a token (a partition in an ARN): tokens stand only
 * inside its strings, and read `${Ref}` or `${Ref.Attribute}` here. A build spec kept in a file beside the template (CDK
 * Pipelines' asset jobs) is an error.
 */
export function buildSpecOf(template: any, stage: PipelineStage, action: PipelineAction): any {
  const spec = projectOf(template, stage, action).Properties.Source?.BuildSpec;
  try {
    return JSON.parse(renderValue(spec));
  } catch (e) {
    throw new Error(`action ${stage.Name}/${action.Name}: cannot read the build spec of its project (${(e as Error).message}): ${JSON.stringify(spec).slice(0, 200)}`);
  }
}

/** The builds of a CodeBuild batch action: the entries of its build spec's `batch.build-list`. */
export function batchBuildsOf(template: any, stage: PipelineStage, action: PipelineAction): any[] {
  const list = buildSpecOf(template, stage, action).batch?.['build-list'];
  if (!Array.isArray(list) || list.length === 0) throw new Error(`action ${stage.Name}/${action.Name}: a batch whose build spec has no batch.build-list`);
  return list;
}

/** Whether an action is a CodeBuild batch: one build per entry of its build spec's `batch.build-list`. */
export function isBatch(action: PipelineAction): boolean {
  return action.ActionTypeId.Provider === 'CodeBuild' && String(action.Configuration?.BatchEnabled) === 'true';
}

/** A stage's actions by run order, first to last: the actions of each start together, after the run order before has ended. */
export function actionsByRunOrder(stage: PipelineStage): PipelineAction[][] {
  const orders = [...new Set(stage.Actions.map(a => a.RunOrder ?? 1))].sort((a, b) => a - b);
  return orders.map(order => stage.Actions.filter(a => (a.RunOrder ?? 1) === order));
}

/** The CodeBuild builds an action starts: one per entry of a batch's build list, one for any other CodeBuild action, none for the rest. */
export function buildsOf(template: any, stage: PipelineStage, action: PipelineAction): number {
  if (isBatch(action)) return batchBuildsOf(template, stage, action).length;
  return action.ActionTypeId.Provider === 'CodeBuild' ? 1 : 0;
}

export interface PathToProduction {
  /** The stages a commit passes through, up to and including production. */
  readonly stages: string[];
  /** CodeBuild builds a commit starts on its way to production (synth, self-mutation, assets, deploys, reviews, tests). */
  readonly codeBuildJobs: number;
  /** Actions that run one after another: per stage, one per run order, or the longest chain of actions of a run order that wait for each other. */
  readonly sequentialActions: number;
  /** Approvals on the way. */
  readonly approvals: number;
}

/**
 * The actions of its stage a batch starts beside and waits for (`await_actions`, or `await_ready`
 * in its build), by name; none for any other action.
 */
export function awaitedBy(template: any, stage: PipelineStage, action: PipelineAction): string[] {
  const awaited = awaitOf(template, stage, action);
  return awaited ? [...awaited[3].matchAll(/"([^"]+)"/g)].map(m => m[1]) : [];
}

/**
 * Whether a batch waits only until the deploy it starts beside has deployed the stacks the tests
 * need (`await_ready`), rather than for the actions it awaits to succeed.
 */
export function awaitsReadiness(template: any, stage: PipelineStage, action: PipelineAction): boolean {
  return awaitOf(template, stage, action)?.[1] === 'ready';
}

/** The command by which a batch waits for actions of its stage, parsed (`AWAIT_COMMAND`). */
function awaitOf(template: any, stage: PipelineStage, action: PipelineAction): RegExpExecArray | undefined {
  if (!isBatch(action)) return undefined;
  const commands: string[] = buildSpecOf(template, stage, action).phases?.build?.commands ?? [];
  return commands.map(c => AWAIT_COMMAND.exec(c)).find(Boolean) ?? undefined;
}

/**
 * How many of `actions` (one run order of a stage) run one after another: one, or where some wait
 * for others they started beside, the longest chain of such waits; by action, its place in it (0 first).
 */
export function placesInRunOrder(template: any, stage: PipelineStage, actions: PipelineAction[]): Map<string, number> {
  const places = new Map<string, number>();
  const placeOf = (a: PipelineAction): number => {
    if (!places.has(a.Name)) {
      const awaited = actions.filter(b => awaitedBy(template, stage, a).includes(b.Name));
      places.set(a.Name, awaited.length === 0 ? 0 : 1 + Math.max(...awaited.map(placeOf)));
    }
    return places.get(a.Name)!;
  };
  actions.forEach(placeOf);
  return places;
}

/** The path from the source to the stage named `production` in the main pipeline of a tooling stack's template. */
export function pathToProduction(template: any, production: string): PathToProduction {
  const pipeline = mainPipeline(template);
  const end = pipeline.Stages.findIndex(s => s.Name === production);
  if (end < 0) throw new Error(`the pipeline has no stage '${production}'; its stages are ${pipeline.Stages.map(s => s.Name).join(', ')}`);
  const stages = pipeline.Stages.slice(0, end + 1);
  const actions = stages.flatMap(s => s.Actions);
  return {
    stages: stages.map(s => s.Name),
    codeBuildJobs: stages.reduce((sum, s) => sum + s.Actions.reduce((n, a) => n + buildsOf(template, s, a), 0), 0),
    sequentialActions: stages.reduce((sum, s) => sum + actionsByRunOrder(s)
      .reduce((n, group) => n + 1 + Math.max(...placesInRunOrder(template, s, group).values()), 0), 0),
    approvals: actions.filter(a => a.ActionTypeId.Category === 'Approval').length,
  };
}
