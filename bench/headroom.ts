import * as fs from 'fs';
import * as path from 'path';
import * as cxapi from 'aws-cdk-lib/cx-api';

/**
 * CloudFormation's limits on one stack's template, from the AWS CloudFormation User Guide,
 * "Understand CloudFormation quotas"
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html),
 * read 2026-11. None of them can be raised. The CDK CLI and CDK Pipelines upload every template
 * to S3 before deploying it, so the S3 limit is the one that applies; the direct limit only
 * matters to someone who passes the template body in the API request.
 */
export const CLOUDFORMATION_LIMITS = {
  source: 'AWS CloudFormation User Guide, "Understand CloudFormation quotas" (docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html), read 2026-11',
  resources: 500,
  /** Template body in an S3 object: 1 MB. */
  templateBytesS3: 1_000_000,
  /** Template body passed in the CreateStack / UpdateStack request. */
  templateBytesDirect: 51_200,
  parameters: 200,
  outputs: 200,
  mappings: 200,
  /** `{{resolve:...}}` dynamic references per template. */
  dynamicReferences: 60,
};

/**
 * CodePipeline's limits on one pipeline, from the AWS CodePipeline User Guide, "Quotas in AWS
 * CodePipeline" (https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html), read 2026-11.
 */
export const CODEPIPELINE_LIMITS = {
  source: 'AWS CodePipeline User Guide, "Quotas in AWS CodePipeline" (docs.aws.amazon.com/codepipeline/latest/userguide/limits.html), read 2026-11',
  stagesPerPipeline: 50,
  actionsPerStage: 50,
};

/** One stack's template against CloudFormation's limits. */
export interface StackHeadroom {
  readonly stack: string;
  readonly resources: number;
  /** Size of the template file CDK wrote (what is uploaded). */
  readonly templateBytes: number;
  readonly parameters: number;
  readonly outputs: number;
  readonly mappings: number;
  readonly dynamicReferences: number;
  /** The largest share of any limit the stack uses, 0..1 (above 1: it cannot be deployed). */
  readonly worstShare: number;
  /** Which limit that is. */
  readonly worstLimit: string;
}

/** Every stack of an assembly and its nested assemblies (the stages), in order. */
export function allStacks(assembly: cxapi.CloudAssembly): cxapi.CloudFormationStackArtifact[] {
  return [...assembly.stacks, ...assembly.nestedAssemblies.flatMap(n => allStacks(n.nestedAssembly))];
}

/** How close one stack's template comes to each limit. */
export function stackHeadroom(stack: cxapi.CloudFormationStackArtifact): StackHeadroom {
  const file = path.join(stack.assembly.directory, stack.templateFile);
  const text = fs.readFileSync(file, 'utf-8');
  const template = JSON.parse(text);
  const count = (section: string) => Object.keys(template[section] ?? {}).length;
  const figures = {
    resources: count('Resources'),
    templateBytes: Buffer.byteLength(text),
    parameters: count('Parameters'),
    outputs: count('Outputs'),
    mappings: count('Mappings'),
    dynamicReferences: (text.match(/\{\{resolve:/g) ?? []).length,
  };
  const L = CLOUDFORMATION_LIMITS;
  const shares: [string, number][] = [
    [`resources (${L.resources})`, figures.resources / L.resources],
    ['template size (1 MB via S3)', figures.templateBytes / L.templateBytesS3],
    [`parameters (${L.parameters})`, figures.parameters / L.parameters],
    [`outputs (${L.outputs})`, figures.outputs / L.outputs],
    [`mappings (${L.mappings})`, figures.mappings / L.mappings],
    [`dynamic references (${L.dynamicReferences})`, figures.dynamicReferences / L.dynamicReferences],
  ];
  const [worstLimit, worstShare] = shares.reduce((a, b) => (b[1] > a[1] ? b : a));
  return { stack: stack.stackName, ...figures, worstShare, worstLimit };
}

/** The stages and largest stage of each pipeline in a template, against CodePipeline's limits. */
export interface PipelineHeadroom {
  readonly pipeline: string;
  readonly stages: number;
  readonly mostActionsInAStage: number;
}

export function pipelineHeadroom(template: any): PipelineHeadroom[] {
  return Object.entries<any>(template.Resources ?? {})
    .filter(([, r]) => r.Type === 'AWS::CodePipeline::Pipeline')
    .map(([id, r]) => ({
      pipeline: id,
      stages: r.Properties.Stages.length,
      mostActionsInAStage: Math.max(...r.Properties.Stages.map((s: any) => s.Actions.length)),
    }));
}
