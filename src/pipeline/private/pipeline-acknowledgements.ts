import { CfnResource, IAspect, Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import {
  acknowledge, acknowledgeWildcardResources, flattenReference, ignoreLintRules, inCompliancePacks, ROLE_DEPENDENCY_REASON, suppressGuardRules,
} from '../../private/acknowledge';
import { READY_PREFIX } from '../awaited-actions';

/** One kind of wildcard that aws-cdk-lib and CDK Pipelines write into a pipeline's policies, and why it stands. */
interface Wildcard {
  /** The cdk-nag finding, `Action::…` or `Resource::…` as cdk-nag flattens it. */
  readonly finding: RegExp;
  /** When given, every action of the statement must match: the wildcard is justified for these actions only. */
  readonly actions?: RegExp;
  /** When true, the wildcard is justified only where the statement names its resources (none is `*`). */
  readonly namedResources?: boolean;
  readonly reason: string;
}

const ACCOUNT = '\\d{12}';
const REGION = '[a-z]{2}(-[a-z]+)+-\\d';
const LOGICAL_ID = '<[A-Za-z0-9]+>';
/** The partition as a token (`<AWS::Partition>`) or, under the feature flag @aws-cdk/core:enablePartitionLiterals, a literal (`aws`, `aws-cn`...). */
const PARTITION = '(aws[a-z-]*|<AWS::Partition>)';

const WILDCARDS: Wildcard[] = [
  {
    finding: /^Action::s3:(GetObject|GetBucket|List|DeleteObject|Abort)\*$/,
    namedResources: true,
    reason: 'aws-cdk-lib\'s bucket grants (grantRead, grantReadWrite) name S3 actions by these prefixes; the statement\'s resources limit them to the pipeline\'s artifact buckets',
  },
  {
    finding: /^Action::kms:(GenerateDataKey|ReEncrypt)\*$/,
    namedResources: true,
    reason: 'aws-cdk-lib\'s key grants (grantEncryptDecrypt) name these KMS actions by prefix; the statement\'s resources and the key policy limit them to the artifact keys',
  },
  {
    finding: /^Resource::<[A-Za-z0-9]+\.Arn>\/\*$/,
    reason: 'The objects of the pipeline\'s own artifact bucket: CodePipeline writes one object per artifact and run, whose keys cannot be known in advance',
  },
  {
    finding: new RegExp(`^Resource::<[A-Za-z0-9]+\\.Arn>/${READY_PREFIX}/\\*$`),
    actions: /^s3:PutObject$/,
    reason: 'A deploy build tells its environment\'s tests that the stacks they need are deployed by putting an empty object under this prefix of the '
      + 'pipeline\'s artifact bucket, named by the execution and the environment at run time; it may write nothing else there',
  },
  {
    finding: new RegExp(`^Resource::arn:${PARTITION}:s3:::[a-z0-9.-]+/\\*$`),
    reason: 'The objects of the artifact bucket CodePipeline keeps in the support stack of another region (named there, so referenced by name): one object per artifact and run',
  },
  {
    finding: new RegExp(`^Resource::arn:${PARTITION}:logs:${REGION}:${ACCOUNT}:log-group:/aws/codebuild/(${LOGICAL_ID}:)?\\*$`),
    reason: 'CodeBuild writes a log stream per build, named at run time, into the log group of its project (/aws/codebuild/<project>); CDK Pipelines\' asset role serves every asset project of the pipeline',
  },
  {
    finding: new RegExp(`^Resource::arn:${PARTITION}:codebuild:${REGION}:${ACCOUNT}:report-group/(${LOGICAL_ID}-)?\\*$`),
    reason: 'CodeBuild creates the test report groups of a project at run time, named after the project; CDK Pipelines\' asset role serves every asset project of the pipeline',
  },
  {
    finding: new RegExp(`^Resource::arn:\\*:iam::${ACCOUNT}:role/\\*$`),
    actions: /^sts:AssumeRole$/,
    reason: 'CDK Pipelines assumes the CDK bootstrap roles of the target accounts to publish assets and deploy; its condition on the tag aws-cdk:bootstrap-role limits the statement to those roles',
  },
  {
    finding: new RegExp(`^Resource::arn:${PARTITION}:iam::${ACCOUNT}:role/cdk-[A-Za-z0-9]+-\\*$`),
    actions: /^sts:AssumeRole$/,
    reason: 'The jobs that deploy and review the environments assume the CDK bootstrap roles of their accounts, as `cdk deploy` does: the name limits the statement '
      + 'to the bootstrap roles of the app\'s qualifier, its condition on the tag aws-cdk:bootstrap-role to the kinds the job needs (deploy, publishing, lookup)',
  },
  {
    finding: new RegExp(`^Resource::arn:${PARTITION}:iam::${ACCOUNT}:role/[A-Za-z0-9-]+-\\*-(deployment|stack-cleanup|review)$`),
    actions: /^sts:AssumeRole$/,
    reason: 'The jobs assume the environments\' deployment, review and clean-up roles the way they assume the CDK bootstrap roles: the name limits the statement '
      + 'to roles of that kind whose name starts with the app\'s, its condition on the tag Environment to those of the job\'s environments; each role\'s trust '
      + 'policy admits only this app\'s builds that serve its environment',
  },
  {
    finding: /^Resource::\*$/,
    actions: /^(cloudformation:DescribeStacks|s3:ListBucket)$/,
    reason: 'The self-mutation job runs `cdk deploy` on the pipeline\'s own stack, which looks up stack status and the bootstrap bucket by name at run time; both actions only read',
  },
  {
    finding: /^Resource::\*$/,
    actions: /^codebuild:(BatchGetBuilds|StartBuild|StopBuild)$/,
    reason: 'CodePipeline\'s asset actions run as CDK Pipelines\' asset role and start one CodeBuild project per asset, created as assets appear; the role is assumable by this pipeline and CodeBuild only',
  },
  {
    finding: /^(Resource::\*|Action::kms:(GenerateDataKey|ReEncrypt)\*)$/,
    actions: /^kms:(Decrypt|DescribeKey|Encrypt|ReEncrypt\*|GenerateDataKey\*)$/,
    reason: 'The artifact key of the cross-region support stack lives in another region, where the pipeline\'s stack cannot reference it; '
      + 'aws-cdk-lib grants its use on "*" and the key\'s own policy limits it to this pipeline\'s roles',
  },
];

/**
 * Acknowledges the cdk-nag findings that aws-cdk-lib and CDK Pipelines cause in a pipeline, each
 * with the reason it stands: the wildcard permissions of its policies (AwsSolutions-IAM5), and
 * the CodeBuild projects whose source is the pipeline's artifact (no repository URL to secure).
 *
 * Written by hand because cdk-nag v3 acknowledges exact findings only (`AwsSolutions-IAM5[Resource::…]`),
 * and CDK Pipelines builds its roles and their policies only when the app is synthesized, so the
 * findings cannot be listed where the pipeline is declared. Runs as a read-only aspect, after
 * CDK Pipelines has built the pipeline. A wildcard none of these explains stays reported; a
 * finding is acknowledged only when every statement that causes it is explained.
 */
export class AcknowledgePipelineFindings implements IAspect {
  public visit(node: IConstruct): void {
    if (node instanceof codebuild.CfnProject) {
      if (Stack.of(node).resolve(node.source)?.type === 'CODEPIPELINE') {
        acknowledge(node, 'The project\'s source is the artifact CodePipeline hands it (source type CODEPIPELINE): it has no repository URL that could hold credentials, '
          + 'and the pipeline reads the repository through a CodeStar connection', 'HIPAA.Security-CodeBuildProjectSourceRepoUrl', 'PCI.DSS.321-CodeBuildProjectSourceRepoUrl');
      }
      return;
    }
    if (!(node instanceof iam.CfnPolicy || node instanceof iam.CfnRole)) return;
    const stack = Stack.of(node);
    const documents = node instanceof iam.CfnPolicy
      ? [stack.resolve(node.policyDocument)]
      : (stack.resolve(node.policies) ?? []).map((p: any) => stack.resolve(p.policyDocument));
    const reasons = new Map<string, string | undefined>();
    for (const statement of documents.flatMap((d: any) => d?.Statement ?? [])) {
      if (statement.Effect !== 'Allow') continue;
      const actions: string[] = [statement.Action ?? []].flat();
      const findings = [
        ...actions.filter(a => a.includes('*')).map(a => `Action::${a}`),
        ...[statement.Resource ?? []].flat().map(flattenReference).filter(r => r.includes('*')).map(r => `Resource::${r}`),
      ];
      for (const finding of findings) {
        const named = ![statement.Resource ?? []].flat().includes('*');
        const known = WILDCARDS.find(w => w.finding.test(finding)
          && (!w.actions || actions.every(a => w.actions!.test(a))) && (!w.namedResources || named));
        // Unexplained in one statement means unexplained: the finding stays.
        reasons.set(finding, reasons.has(finding) && reasons.get(finding) === undefined ? undefined : known?.reason);
      }
    }
    for (const [finding, reason] of reasons) {
      if (reason) acknowledge(node as CfnResource, reason, `AwsSolutions-IAM5[${finding}]`);
    }
  }
}

/**
 * The delivery metrics' function (src/pipeline/delivery-metrics.ts): it publishes its metrics with
 * PutMetricData, which takes no resource (its condition names the namespace); EventBridge Scheduler
 * invokes it as aws-cdk-lib's LambdaInvoke target grants (the function and its versions); it runs
 * outside a VPC, without reserved concurrency or a dead-letter queue, and depends on its role.
 */
export function acknowledgeDeliveryMetrics(role: iam.IRole, fn: lambda.Function, schedulerRole: iam.IRole): void {
  ignoreLintRules(fn.node.defaultChild as lambda.CfnFunction, ROLE_DEPENDENCY_REASON, 'W3005');
  acknowledge(role, 'cloudwatch:PutMetricData has no resource type: "*" is the only resource IAM accepts for it, and the statement\'s cloudwatch:namespace condition holds it to the app\'s namespace',
    'AwsSolutions-IAM5[Resource::*]');
  acknowledgeWildcardResources(schedulerRole, 'aws-cdk-lib\'s LambdaInvoke target lets the schedule invoke the function and its versions (`<function ARN>:*`), the function\'s own', `${fn.functionArn}:*`);
  acknowledge(fn, 'Runs once an hour and recomputes everything each time: a run that fails is made good by the next; reserving concurrency takes from the account\'s unreserved pool',
    ...inCompliancePacks('LambdaConcurrency'));
  acknowledge(fn, 'EventBridge Scheduler invokes it once an hour and the next run recomputes everything: there is nothing for a dead-letter queue to redrive',
    ...inCompliancePacks('LambdaDLQ'));
  const outsideVpc = 'The function calls two AWS APIs (CloudWatch Logs\' FilterLogEvents, CloudWatch\'s PutMetricData) and nothing else; the tooling account may have no VPC, and one would need endpoints only for it';
  acknowledge(fn, outsideVpc, ...inCompliancePacks('LambdaInsideVPC'));
  suppressGuardRules(fn.node.defaultChild as lambda.CfnFunction, outsideVpc, 'lambda_inside_vpc_check');
}
