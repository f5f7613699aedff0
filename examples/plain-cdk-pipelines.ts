import * as cdk from 'aws-cdk-lib';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import {
  buildEnvironments, REFERENCE_CONNECTION_ARN, REFERENCE_ENVIRONMENTS, REFERENCE_REPOSITORY, REFERENCE_TESTS, ReferenceEnvironment, REGION,
  TOOLING_ACCOUNT,
} from './reference-app';
import { ApprovalGate, TestKind } from '../src';

/**
 * The baseline the reference app is measured against: the same environments and workload,
 * promoted by plain CDK Pipelines with its defaults, the way a team writes it by hand: the same
 * tests as shell steps and a manual approval wherever a tier has a gate. (No hotfix lane,
 * notifications, bake period or restricted approvers: plain CDK Pipelines has none of them.)
 */
export function buildPlainCdkPipelinesApp(
  app: Construct, referenceEnvironments: ReferenceEnvironment[] = REFERENCE_ENVIRONMENTS,
): pipelines.CodePipeline {
  const environments = buildEnvironments(app, referenceEnvironments);
  const tooling = new cdk.Stack(app, 'Tooling', { env: { account: TOOLING_ACCOUNT, region: REGION } });
  const pipeline = new pipelines.CodePipeline(tooling, 'Delivery', {
    crossAccountKeys: true, // required to deploy to other accounts
    synth: new pipelines.ShellStep('Synth', {
      input: pipelines.CodePipelineSource.connection(REFERENCE_REPOSITORY, 'main', { connectionArn: REFERENCE_CONNECTION_ARN }),
      commands: ['npm ci', 'npm test', 'npx cdk synth'],
    }),
  });
  const commandsOf = (kind: TestKind) => REFERENCE_TESTS.find(t => t.kind === kind)!.commands;
  for (const env of environments.filter(e => e.tier.name !== 'hotfix')) {
    const p = env.profile;
    const pre: pipelines.Step[] = p.testsBeforeDeploy.filter(k => k !== TestKind.UNIT).map(k => new pipelines.ShellStep(`${k}Tests`, { commands: commandsOf(k) }));
    if (p.approvalBeforeDeploy !== ApprovalGate.NONE) pre.push(new pipelines.ManualApprovalStep('Approve'));
    const post: pipelines.Step[] = p.testsAfterDeploy.map(k => new pipelines.ShellStep(`${k}Tests`, { commands: commandsOf(k) }));
    if (p.reseedsData) post.unshift(new pipelines.ShellStep('SeedData', { commands: ['./scripts/seed-demo-data.sh'] }));
    if (p.approvalAfterDeploy !== ApprovalGate.NONE) post.push(new pipelines.ManualApprovalStep('SignOff'));
    pipeline.addStage(env, { pre, post });
  }
  return pipeline;
}
