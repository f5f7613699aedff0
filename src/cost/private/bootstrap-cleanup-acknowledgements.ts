import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as iam from 'aws-cdk-lib/aws-iam';
import { acknowledge, acknowledgeWildcardResources, inCompliancePacks } from '../../private/acknowledge';
import { INLINE_POLICY_REASON } from '../../private/reasons';

/** The findings of the clean-up's project and roles, each with its reason. */
export function acknowledgeBootstrapCleanup(project: codebuild.Project, schedulerRole: iam.IRole, wildcards: string[]): void {
  const role = project.role!;
  acknowledge(role, INLINE_POLICY_REASON, ...inCompliancePacks('IAMNoInlinePolicy'));
  acknowledge(schedulerRole, INLINE_POLICY_REASON, ...inCompliancePacks('IAMNoInlinePolicy'));
  acknowledgeWildcardResources(role, 'cdk gc reads every stack of the account and region to know which assets are in use (ListStacks takes "*" only); '
    + 'the bucket and repository are the CDK bootstrap\'s, named with a qualifier the bootstrap chose; objects are the bucket\'s assets', ...wildcards);
  // What aws-cdk-lib's Project grants its own role: its log streams and test reports, and its encryption key.
  const stack = Stack.of(project);
  const name = project.projectName;
  acknowledgeWildcardResources(role, 'The log streams and report groups of this project (aws-cdk-lib\'s Project grants them): named after it, created as it runs',
    stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `/aws/codebuild/${name}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    stack.formatArn({ service: 'codebuild', resource: 'report-group', resourceName: `${name}-*` }));
  acknowledge(role, 'aws-cdk-lib\'s Project grants its role the use of its encryption key (the environment\'s) with these wildcard actions, on that key alone',
    'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]');
  acknowledge(project, 'The project has no source: its build spec is inline, and it reads no repository', 'HIPAA.Security-CodeBuildProjectSourceRepoUrl', 'PCI.DSS.321-CodeBuildProjectSourceRepoUrl');
}
