import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledge, inCompliancePacks, suppressGuardRules } from '../private/acknowledge';

/**
 * A permissions boundary for the people and tools of the tooling account: attached to their roles
 * (`iam.PermissionsBoundary.of(role).apply(pipeline.guardrail)`, or an IAM Identity Center
 * permission set's boundary), it takes nothing away but the pipelines' gates. Under it, only the
 * named approvers may approve a gate that names approvers, no one starts, retries or changes
 * a build of the pipelines' projects, or changes a pipeline, and no one assumes the CDK bootstrap
 * roles (of the environments' qualifier, in any account): those belong to the pipelines' own roles (and to
 * CloudFormation, through the self-update), which do not carry the boundary.
 *
 * A boundary sets the most a principal's own policies can grant, and an explicit Deny in it wins
 * over any Allow (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html):
 * hence one statement that allows everything, and the Denies. Written by hand: CDK Pipelines has no
 * notion of who may act on a pipeline besides its roles.
 */
export class PipelineGuardrail extends Construct {
  public readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, pipelineName: string) {
    super(scope, id);
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `Permissions boundary for the principals of the tooling account: only the named approvers approve ${pipelineName}'s gates, `
        + 'and only its pipelines start, retry or change its builds and change its pipelines',
      statements: [new iam.PolicyStatement({ sid: 'EverythingElse', actions: ['*'], resources: ['*'] })],
    });
    const reason = 'A permissions boundary, not a grant: it allows everything so as to take away only what its Denies name (the '
      + 'pipelines\' gates); what a principal under it may do is what its own policies grant';
    suppressGuardRules(this.policy.node.defaultChild as iam.CfnManagedPolicy, reason,
      'iam_managed_policy_no_statements_with_admin_access_check', 'iam_managed_policy_no_statements_with_full_access_check');
    acknowledge(this.policy, reason, 'AwsSolutions-IAM5[Action::*]', 'AwsSolutions-IAM5[Resource::*]',
      ...inCompliancePacks('IAMPolicyNoStatementsWithAdminAccess'), ...inCompliancePacks('IAMPolicyNoStatementsWithFullAccess'),
      'SafetyChecks::no-wildcard-action');
  }

  /**
   * Denies approving `approvalArn` (`<pipeline ARN>/<stage>/<action>`, the resource of
   * `codepipeline:PutApprovalResult`) to any caller whose ARN is not one of `arns`, the approvers'.
   */
  public restrictApproval(approvalArn: string, arns: string[]): void {
    this.policy.addStatements(new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      actions: ['codepipeline:PutApprovalResult'],
      resources: [approvalArn],
      conditions: { ArnNotEquals: { 'aws:PrincipalArn': arns } },
    }));
  }

  /**
   * Denies assuming the CDK bootstrap roles (`bootstrapRoles`: ARN patterns of the environments'
   * qualifiers, in every account), which `cdk bootstrap --trust` lets the whole tooling account
   * assume: under the guardrail no one deploys into an environment around the pipeline, whose deploy
   * builds (which do not carry it) still do. Every account's, not only the environments': a pattern
   * per account outgrew IAM's managed-policy size at 96 accounts, and would leave an account the app
   * adds later open until the pipeline's next update.
   */
  public denyBootstrapRoles(bootstrapRoles: string[]): void {
    this.policy.addStatements(new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['sts:AssumeRole'], resources: bootstrapRoles }));
  }

  /**
   * Denies starting, retrying and changing builds of `projectArns`, and changing `pipelineArns`
   * (CodeBuild's and CodePipeline's actions on their `project` and `pipeline` resources:
   * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodebuild.html,
   * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodepipeline.html).
   */
  public protect(projectArns: string[], pipelineArns: string[]): void {
    this.policy.addStatements(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: ['codebuild:StartBuild', 'codebuild:StartBuildBatch', 'codebuild:RetryBuild', 'codebuild:RetryBuildBatch', 'codebuild:UpdateProject'],
        resources: projectArns,
      }),
      new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['codepipeline:UpdatePipeline'], resources: pipelineArns }),
    );
  }
}

/** The ARNs of IAM roles and users, as `aws:PrincipalArn` and CloudTrail name their callers. */
export function principalArnsOf(principals: iam.IGrantable[]): string[] {
  return principals.flatMap(a => [a.grantPrincipal.policyFragment.principalJson.AWS ?? []].flat()) as string[];
}
