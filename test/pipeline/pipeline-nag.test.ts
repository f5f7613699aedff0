import * as cdk from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { EnvironmentTier } from '../../src';
import { acknowledgements, unacknowledgedFindings } from '../support/compliance';
import { environment } from '../support/environments';
import { newPipeline } from '../support/pipelines';

/**
 * A pipeline promoting Dev to Prod, synthesized. `change` gets the CodePipeline's role once CDK
 * Pipelines has built it (during synthesis), as a user's own aspect would.
 */
function synthesizedPipeline(change: (role: iam.IRole) => void = () => {}, context: Record<string, unknown> = {}) {
  const app = new cdk.App({ context });
  const pipeline = newPipeline(app);
  pipeline.addEnvironment(environment(app, EnvironmentTier.DEV, { cidr: '10.1.0.0/16' }));
  const approvers = iam.Role.fromRoleName(cdk.Stack.of(pipeline), 'ReleaseManagers', 'release-managers');
  pipeline.addEnvironment(environment(app, EnvironmentTier.PROD, { cidr: '10.2.0.0/16' }), { approvers: [approvers], bakeAlarmNames: ['prod-errors'] });
  let changed = false;
  cdk.Aspects.of(app).add({
    visit: () => {
      if (changed) return;
      let built;
      try { built = pipeline.pipeline.pipeline; } catch { return; } // not built yet
      changed = true;
      change(built.role);
    },
  });
  app.synth();
  return pipeline;
}

describe('cdk-nag over a pipeline', () => {
  test('what CDK Pipelines generates (roles, grants, CodeBuild projects) is acknowledged, with a reason for each wildcard', () => {
    const pipeline = synthesizedPipeline();
    expect(unacknowledgedFindings(cdk.Stack.of(pipeline)).filter(f => !f.path.includes('/ArtifactsBucket/'))).toEqual([]);
    const wildcards = acknowledgements(pipeline).filter(a => a.id.startsWith('AwsSolutions-IAM5['));
    expect(wildcards.map(a => a.id)).toEqual(expect.arrayContaining([
      'AwsSolutions-IAM5[Action::s3:GetObject*]',
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      'AwsSolutions-IAM5[Resource::*]',
    ]));
    for (const ack of wildcards) expect(ack.reason.length).toBeGreaterThan(60);
  });

  test('with the feature flags `cdk init` writes (partition literals, stack-safe policy names of imported roles) it is acknowledged all the same', () => {
    const flags = { ...cxapi.NEW_PROJECT_DEFAULT_CONTEXT, ...cxapi.CURRENTLY_RECOMMENDED_FLAGS };
    expect(flags).toMatchObject({ '@aws-cdk/core:enablePartitionLiterals': true, '@aws-cdk/aws-iam:importedRoleStackSafeDefaultPolicyName': true });
    const pipeline = synthesizedPipeline(undefined, flags);
    expect(unacknowledgedFindings(cdk.Stack.of(pipeline)).filter(f => !f.path.includes('/ArtifactsBucket/'))).toEqual([]);
  });

  test('a wildcard no reason explains stays reported, and so does a finding one unexplained statement shares', () => {
    const pipeline = synthesizedPipeline(role => role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject*'], resources: ['*'] })));
    const findings = unacknowledgedFindings(cdk.Stack.of(pipeline)).filter(f => !f.path.includes('/ArtifactsBucket/'));
    // Action::s3:GetObject* stays too: the user's statement shares it with the artifact-bucket grant, which the library explains.
    expect(findings.filter(f => f.rule.startsWith('AwsSolutions-IAM5')).sort((a, b) => a.rule.localeCompare(b.rule))).toEqual([
      { rule: 'AwsSolutions-IAM5[Action::s3:GetObject*]', path: 'Tooling/Delivery/PipelineRole/DefaultPolicy/Resource' },
      { rule: 'AwsSolutions-IAM5[Resource::*]', path: 'Tooling/Delivery/PipelineRole/DefaultPolicy/Resource' },
    ]);
  });
});
