import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as cpactions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { PipelineCommands } from './pipeline-test';

/**
 * The CodeBuild projects of a wave's tests and data seeds: one project per kind of step, shared by
 * the environments of the wave, each of whose actions passes its environment's variables.
 *
 * Written by hand because CDK Pipelines gives every `CodeBuildStep` a project, a role and a policy
 * of its own: with sixteen environments a wave that is three resources per environment and kind
 * of test, which alone takes a pipeline stack past CloudFormation's 500 resources. A project's role
 * may assume the deployment role of each environment of its wave, and no other.
 */
export class WaveProjects {
  private readonly projects = new Map<string, codebuild.PipelineProject>();

  /**
   * @param scope where the projects are created (the pipeline's construct)
   * @param prefix the construct id every project of this wave and lane starts with
   */
  constructor(
    private readonly scope: Construct,
    private readonly prefix: string,
    private readonly deploymentRoleArns: string[],
    private readonly logGroup: logs.ILogGroup | undefined,
    private readonly encryptionKey: kms.IKey | undefined,
  ) {}

  /** The project that runs these commands (named after the step they are for), created at first use. */
  public projectFor(name: string, commands: PipelineCommands): codebuild.IProject {
    const existing = this.projects.get(name);
    if (existing) return existing;
    const project = new codebuild.PipelineProject(this.scope, `${this.prefix}${name}`, {
      description: `${name} of every environment of a wave; each action passes its environment's variables`,
      buildSpec: codebuild.BuildSpec.fromObject({
        version: '0.2',
        phases: {
          ...commands.installCommands?.length ? { install: { commands: commands.installCommands } } : {},
          build: { commands: commands.commands },
        },
      }),
      environment: { buildImage: commands.buildImage ?? codebuild.LinuxBuildImage.STANDARD_7_0 },
      encryptionKey: this.encryptionKey,
      logging: this.logGroup ? { cloudWatch: { logGroup: this.logGroup } } : undefined,
    });
    project.addToRolePolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: this.deploymentRoleArns }));
    this.projects.set(name, project);
    return project;
  }
}

/**
 * One environment's step in a shared project: a CodePipeline CodeBuild action on the project, with
 * the repository as its input and the environment's variables, through CDK Pipelines' extension
 * point for steps of one's own (`ICodePipelineActionFactory`).
 */
export class WaveProjectStep extends pipelines.Step implements pipelines.ICodePipelineActionFactory {
  constructor(id: string, private readonly project: codebuild.IProject, private readonly input: pipelines.FileSet,
    private readonly variables: Record<string, string>) {
    super(id);
    this.addDependencyFileSet(input);
  }

  public produceAction(stage: codepipeline.IStage, options: pipelines.ProduceActionOptions): pipelines.CodePipelineActionFactoryResult {
    // The role CDK Pipelines' own CodeBuild actions share, so that the steps add no role of their own.
    const actionRole = options.pipeline.node.tryFindChild('CodeBuildActionRole') as iam.IRole | undefined
      ?? new iam.Role(options.pipeline, 'CodeBuildActionRole', { assumedBy: options.pipeline.pipeline.role });
    stage.addAction(new cpactions.CodeBuildAction({
      actionName: options.actionName,
      runOrder: options.runOrder,
      project: this.project,
      input: options.artifacts.toCodePipeline(this.input),
      role: actionRole,
      environmentVariables: Object.fromEntries(Object.entries(this.variables).map(([name, value]) => [name, { value }])),
    }));
    return { runOrdersConsumed: 1 };
  }
}
