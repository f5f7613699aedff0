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
 * tests as shell steps and a manual approval wherever a tier has a gate, and the same waves
 * (`addWave`: the environments of a tier side by side, its approval before and its sign-off after
 * the whole wave; production's first environment deployed first). (No hotfix lane, notifications,
 * bake period or restricted approvers: plain CDK Pipelines has none of them.)
 */
export function buildPlainCdkPipelinesApp(
  app: Construct, referenceEnvironments: ReferenceEnvironment[] = REFERENCE_ENVIRONMENTS,
): pipelines.CodePipeline {
  const environments = buildEnvironments(app, referenceEnvironments);
  // Written without indentation like the reference app's, so that the two templates compare as CloudFormation reads them.
  const tooling = new cdk.Stack(app, 'Tooling', { env: { account: TOOLING_ACCOUNT, region: REGION }, suppressTemplateIndentation: true });
  const pipeline = new pipelines.CodePipeline(tooling, 'Delivery', {
    crossAccountKeys: true, // required to deploy to other accounts
    synth: new pipelines.ShellStep('Synth', {
      input: pipelines.CodePipelineSource.connection(REFERENCE_REPOSITORY, 'main', { connectionArn: REFERENCE_CONNECTION_ARN }),
      commands: ['npm ci', 'npm test', 'npx cdk synth'],
    }),
  });
  const commandsOf = (kind: TestKind) => REFERENCE_TESTS.find(t => t.kind === kind)!.commands;
  const placed = environments.filter(e => e.tier.name !== 'hotfix');
  for (const tier of new Set(placed.map(e => e.tier))) {
    const p = tier.profile;
    const ofTier = placed.filter(e => e.tier === tier);
    const testsOf = (kinds: TestKind[]) => kinds.filter(k => k !== TestKind.UNIT).map(k => new pipelines.ShellStep(`${k}Tests`, { commands: commandsOf(k) }));
    const post = (): pipelines.Step[] => [
      ...p.reseedsData ? [new pipelines.ShellStep('SeedData', { commands: ['./scripts/seed-demo-data.sh'] })] : [],
      ...testsOf(p.testsAfterDeploy),
    ];
    if (ofTier.length === 1) {
      const pre: pipelines.Step[] = testsOf(p.testsBeforeDeploy);
      if (p.approvalBeforeDeploy !== ApprovalGate.NONE) pre.push(new pipelines.ManualApprovalStep('Approve'));
      const after = post();
      if (p.approvalAfterDeploy !== ApprovalGate.NONE) after.push(new pipelines.ManualApprovalStep('SignOff'));
      pipeline.addStage(ofTier[0], { pre, post: after });
      continue;
    }
    // Production: its first environment alone first, then the others together.
    const groups = p.production ? [ofTier.slice(0, 1), ofTier.slice(1)] : [ofTier];
    groups.forEach((group, i) => {
      // Named as the reference app names its waves, so that the two pipelines' stages can be compared by name.
      const wave = pipeline.addWave(i === 0 && groups.length > 1 ? `${group[0].node.id}-pilot` : `${ofTier[0].node.id}-wave`, {
        pre: i === 0 && p.approvalBeforeDeploy !== ApprovalGate.NONE ? [new pipelines.ManualApprovalStep('Approve')] : [],
        post: i === groups.length - 1 && p.approvalAfterDeploy !== ApprovalGate.NONE ? [new pipelines.ManualApprovalStep('SignOff')] : [],
      });
      for (const env of group) wave.addStage(env, { pre: testsOf(p.testsBeforeDeploy), post: post() });
    });
  }
  return pipeline;
}
