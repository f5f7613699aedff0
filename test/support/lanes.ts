import * as fs from 'fs';
import * as path from 'path';
import { renderValue } from '../../src/validation/private/template-values';

/** A CodeBuild job of a pipeline: its project, the role it runs with, and where it sits. */
export interface LaneJob {
  readonly stage: string;
  readonly action: string;
  readonly projectId: string;
  readonly roleId: string;
  /** Stage index and run order, to compare with the lane's first approval. */
  readonly position: [number, number];
}

/** One pipeline of a template, with the lane metadata the library writes on it. */
export interface Lane {
  readonly pipelineId: string;
  readonly lane: string;
  readonly protected: boolean;
  readonly jobs: LaneJob[];
  /** Where the pipeline's first approval sits; undefined when it has none. */
  readonly firstApproval?: [number, number];
}

/** The pipelines of a template that the library marked with their lane. */
export function lanesOf(template: any): Lane[] {
  const resources = template.Resources;
  return Object.entries<any>(resources).filter(([, r]) => r.Type === 'AWS::CodePipeline::Pipeline' && r.Metadata?.['cdk-multi-env:lane'])
    .map(([pipelineId, r]) => {
      const jobs: LaneJob[] = [];
      let firstApproval: [number, number] | undefined;
      r.Properties.Stages.forEach((stage: any, i: number) => {
        for (const action of stage.Actions) {
          const position: [number, number] = [i, action.RunOrder ?? 1];
          if (action.ActionTypeId.Category === 'Approval' && firstApproval === undefined) firstApproval = position;
          if (action.ActionTypeId.Provider !== 'CodeBuild') continue;
          const projectId = action.Configuration.ProjectName.Ref;
          const roleId = resources[projectId].Properties.ServiceRole['Fn::GetAtt'][0];
          jobs.push({ stage: stage.Name, action: action.Name, projectId, roleId, position });
        }
      });
      const metadata = r.Metadata['cdk-multi-env:lane'];
      return { pipelineId, lane: metadata.lane, protected: metadata.protected, jobs, firstApproval };
    });
}

/** Whether a job comes strictly after an approval (a later stage, or a later run order in its stage). */
export function isAfter(job: LaneJob, approval: [number, number] | undefined): boolean {
  if (!approval) return false;
  return job.position[0] > approval[0] || (job.position[0] === approval[0] && job.position[1] > approval[1]);
}

/** Every Allow statement of the policies attached to a role in the template. */
export function statementsOf(template: any, roleId: string): any[] {
  return Object.values<any>(template.Resources)
    .filter(r => (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy')
      && (r.Properties.Roles ?? []).some((role: any) => role.Ref === roleId))
    .flatMap(r => r.Properties.PolicyDocument.Statement)
    .filter(s => s.Effect === 'Allow');
}

/** The statement's actions, as a list. */
export function actionsOf(statement: any): string[] {
  return [statement.Action].flat();
}

/**
 * The build spec of a CodeBuild project: inline in the template, or (CDK Pipelines' single asset
 * publisher) a file of the cloud assembly the template names.
 */
export function buildSpecOf(template: any, projectId: string, assemblyDirectory: string): any {
  const spec = renderValue(template.Resources[projectId].Properties.Source.BuildSpec);
  const file = path.join(assemblyDirectory, spec);
  return JSON.parse(spec.startsWith('buildspec-') && fs.existsSync(file) ? fs.readFileSync(file, 'utf-8') : spec);
}

