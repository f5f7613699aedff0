/**
 * What a commit costs on its way to production, read from a synthesized pipeline template: the
 * CodeBuild jobs it starts and the actions that run one after another. Used by the summary and
 * the README to compare this library's pipeline with plain CDK Pipelines.
 */

export interface PipelineAction { Name: string; RunOrder?: number; ActionTypeId: { Category: string; Provider: string }; Configuration?: any }
export interface PipelineStage { Name: string; Actions: PipelineAction[]; OnSuccess?: any; OnFailure?: any }

/** The CloudFormation properties of the pipeline a commit to the main branch starts: the one with no push trigger of its own. */
export function mainPipeline(template: any): { Stages: PipelineStage[]; PipelineType?: string } {
  const pipeline = Object.values<any>(template.Resources ?? {})
    .find(r => r.Type === 'AWS::CodePipeline::Pipeline' && r.Properties.Triggers === undefined);
  if (!pipeline) throw new Error('the template has no pipeline without a trigger (the main pipeline)');
  return pipeline.Properties;
}

export interface PathToProduction {
  /** The stages a commit passes through, up to and including production. */
  readonly stages: string[];
  /** CodeBuild jobs a commit starts on its way to production (synth, self-mutation, assets, tests). */
  readonly codeBuildJobs: number;
  /** Actions that run one after another: per stage, one per run order. */
  readonly sequentialActions: number;
  /** Approvals on the way. */
  readonly approvals: number;
}

/** The path from the source to the stage named `production`, in a pipeline's CloudFormation properties. */
export function pathToProduction(pipeline: { Stages: PipelineStage[] }, production: string): PathToProduction {
  const end = pipeline.Stages.findIndex(s => s.Name === production);
  if (end < 0) throw new Error(`the pipeline has no stage '${production}'; its stages are ${pipeline.Stages.map(s => s.Name).join(', ')}`);
  const stages = pipeline.Stages.slice(0, end + 1);
  const actions = stages.flatMap(s => s.Actions);
  return {
    stages: stages.map(s => s.Name),
    codeBuildJobs: actions.filter(a => a.ActionTypeId.Provider === 'CodeBuild').length,
    sequentialActions: stages.reduce((sum, s) => sum + new Set(s.Actions.map(a => a.RunOrder ?? 1)).size, 0),
    approvals: actions.filter(a => a.ActionTypeId.Category === 'Approval').length,
  };
}
