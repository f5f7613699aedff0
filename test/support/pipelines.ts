import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildSpecOf as projectBuildSpec, statementsOf } from './lanes';
import { FEATURE_FLAGS } from '../../examples/feature-flags';
import { buildReferenceApp } from '../../examples/reference-app';
import { MultiEnvPipeline, MultiEnvPipelineProps, PipelineSource, TestKind } from '../../src';
import { renderValue } from '../../src/validation/private/template-values';

export const CONNECTION_ARN = 'arn:aws:codeconnections:eu-west-1:999999999999:connection/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';

/** A test of every kind, each running `./scripts/test <KIND>`. */
export const ALL_TESTS = Object.values(TestKind).map(kind => ({ kind, commands: [`./scripts/test ${kind}`] }));

/** The tooling stack and a pipeline in it with every test kind and a data seed. */
export function newPipeline(app: cdk.App, props: Partial<MultiEnvPipelineProps> = {}, stackProps: cdk.StackProps = {}): MultiEnvPipeline {
  const tooling = new cdk.Stack(app, 'Tooling', { env: { account: '999999999999', region: 'eu-west-1' }, ...stackProps });
  return new MultiEnvPipeline(tooling, 'Delivery', {
    source: PipelineSource.connection('acme/shop', { connectionArn: CONNECTION_ARN }),
    tests: ALL_TESTS,
    dataSeed: { commands: ['./scripts/seed'] },
    ...props,
  });
}

/** The pipelines of a synthesized tooling stack: name → its stages, each as `action[category/runOrder]`. */
export function stagesOf(template: any): Record<string, Record<string, string[]>> {
  const result: Record<string, Record<string, string[]>> = {};
  for (const [id, r] of Object.entries<any>(template.Resources)) {
    if (r.Type !== 'AWS::CodePipeline::Pipeline') continue;
    result[id] = Object.fromEntries(r.Properties.Stages.map((s: any) => [
      s.Name, s.Actions.map((a: any) => `${a.Name}[${a.ActionTypeId.Category}/${a.RunOrder}]`),
    ]));
  }
  return result;
}

/** The action of a stage of a template's pipeline: the main pipeline's, or the one whose id starts with `pipelinePrefix`. */
export function actionOf(template: any, stage: string, action: string, pipelinePrefix = 'DeliveryPipelineDefinition'): any {
  const pipeline = Object.entries<any>(template.Resources).find(([id, r]) => r.Type === 'AWS::CodePipeline::Pipeline' && id.startsWith(pipelinePrefix))![1];
  const found = pipeline.Properties.Stages.find((s: any) => s.Name === stage)?.Actions.find((a: any) => a.Name === action);
  if (!found) throw new Error(`no action ${stage}/${action} in ${pipelinePrefix}`);
  return found;
}

/** The build spec of the CodeBuild project an action runs, parsed (tokens in strings read `${Ref}`, `${Ref.Attribute}`). */
export function buildSpecOf(template: any, action: any): any {
  return projectBuildSpec(template, action.Configuration.ProjectName.Ref, '');
}

/** The variables a CodeBuild action passes to its builds, as its configuration lists them (tokens read `${Ref}`). */
export function actionVariablesOf(action: any): Array<{ name: string; type: string; value: string }> {
  return JSON.parse(renderValue(action.Configuration.EnvironmentVariables ?? '[]'));
}

/** The IAM policy statements of the role of the project an action runs. */
export function projectStatementsOf(template: any, action: any): any[] {
  return statementsOf(template, template.Resources[action.Configuration.ProjectName.Ref].Properties.ServiceRole['Fn::GetAtt'][0]);
}

/** The reference app synthesized with `cdk init`'s feature flags, its tooling stack's template, and that template's resources. */
export function referenceTooling() {
  const app = new cdk.App({ context: FEATURE_FLAGS });
  const reference = buildReferenceApp(app);
  app.synth();
  const template = Template.fromStack(cdk.Stack.of(reference.pipeline)).toJSON();
  return { reference, template, resources: Object.entries<any>(template.Resources) };
}
