import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { SUMMARY_LIMIT } from '../../src/pipeline/approval-limits';
import { CLOUDFORMATION_DIFF_VERSION, DEFAULT_CDK_CLI_VERSION } from '../../src/pipeline/cli-versions';
import { reviewStage, StackUnderReview } from '../../src/pipeline/review/stage-review';

/**
 * What an approver reads, from the diff of two synthesized versions of a stage: the deployed one
 * (`release` 1) and the one under review (`release` 2), whose Workload stack replaces a table,
 * deletes a bucket, drops a retained one, broadens a role, opens a port and changes a key policy
 * and a deletion policy; its Foundation stack does not change, and its Monitoring stack is new.
 */
function stage(release: 1 | 2): { foundation: any; workload: any; monitoring: any } {
  // As the CDK CLI synthesizes it: each resource with its construct path.
  const app = new cdk.App({ context: { 'aws:cdk:enable-path-metadata': true } });
  const env = { account: '333333333333', region: 'eu-west-1' };
  const foundation = new cdk.Stack(app, 'Foundation', { env, stackName: 'Prod-Foundation' });
  new ec2.Vpc(foundation, 'Vpc', { maxAzs: 2, natGateways: 0 });

  const workload = new cdk.Stack(app, 'Workload', { env, stackName: 'Prod-Workload' });
  new dynamodb.Table(workload, 'Orders', {
    partitionKey: { name: release === 1 ? 'id' : 'orderId', type: dynamodb.AttributeType.STRING },
  });
  if (release === 1) {
    new s3.Bucket(workload, 'Scratch', { removalPolicy: cdk.RemovalPolicy.DESTROY });
    new s3.Bucket(workload, 'Archive', { removalPolicy: cdk.RemovalPolicy.RETAIN });
  }
  new s3.Bucket(workload, 'Uploads', { removalPolicy: release === 1 ? cdk.RemovalPolicy.RETAIN : cdk.RemovalPolicy.DESTROY });
  const role = new iam.Role(workload, 'Worker', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  if (release === 2) role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] }));
  const key = new kms.Key(workload, 'DataKey');
  if (release === 2) key.grantDecrypt(new iam.AccountPrincipal('444444444444'));
  const sg = new ec2.SecurityGroup(workload, 'Api', { vpc: ec2.Vpc.fromVpcAttributes(workload, 'Shared', { vpcId: 'vpc-1', availabilityZones: ['eu-west-1a'] }) });
  if (release === 2) sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
  new cdk.CfnOutput(workload, 'Release', { value: `${release}` });

  const monitoring = new cdk.Stack(app, 'Monitoring', { env, stackName: 'Prod-Monitoring' });
  new s3.Bucket(monitoring, 'Reports');
  const json = (stack: cdk.Stack) => Template.fromStack(stack).toJSON();
  return { foundation: json(foundation), workload: json(workload), monitoring: json(monitoring) };
}

const deployed = stage(1);
const proposed = stage(2);
const stacks: StackUnderReview[] = [
  { environment: 'Prod', stackName: 'Prod-Foundation', proposed: proposed.foundation, deployed: deployed.foundation },
  { environment: 'Prod', stackName: 'Prod-Workload', proposed: proposed.workload, deployed: deployed.workload },
  { environment: 'Prod', stackName: 'Prod-Monitoring', proposed: proposed.monitoring },
];
const review = reviewStage(stacks);
const section = (title: string) => {
  const lines = review.text.split('\n');
  const start = lines.indexOf(title);
  const end = lines.findIndex((line, i) => i > start && line === '');
  return lines.slice(start + 1, end);
};

describe('the change review of a stage', () => {
  test('calls out what needs attention first, gravest first: replacement, deletion, kept resource, IAM, security group, key policy, deletion policy', () => {
    const findings = section('NEEDS ATTENTION').filter(line => line.startsWith('    ! '));
    expect(findings).toEqual([
      '    ! replaces AWS::DynamoDB::Table Workload/Orders/Resource (OrdersA9B65338) (new value of KeySchema)',
      '    ! deletes AWS::S3::Bucket Workload/Scratch/Resource (ScratchF72D2ED6)',
      '    ! removes AWS::S3::Bucket Workload/Archive/Resource (ArchiveDA4CB258) from the stack, and keeps it (DeletionPolicy Retain)',
      '    ! broadens IAM permissions (statements or managed policies added; listed below)',
      '    ! changes security group rules (listed below)',
      expect.stringMatching(/^ {4}! changes the key policy of AWS::KMS::Key Workload\/DataKey\/Resource/),
      '    ! changes the DeletionPolicy of AWS::S3::Bucket Workload/Uploads/Resource (Uploads4F6EB0FD) from Retain to Delete',
      '    ! changes the UpdateReplacePolicy of AWS::S3::Bucket Workload/Uploads/Resource (Uploads4F6EB0FD) from Retain to Delete',
    ]);
    expect(section('NEEDS ATTENTION')[0]).toBe('  Prod-Workload (Prod)');
  });

  test('lists the new IAM statement and the opened port under the stack that needs attention', () => {
    const attention = section('NEEDS ATTENTION').join('\n');
    expect(attention).toMatch(/s3:\*/);
    expect(attention).toMatch(/TCP 22 +│ Everyone \(IPv4\)/);
  });

  test('counts each stack\'s resources added, modified, replaced and removed, marking unchanged and new stacks', () => {
    expect(section('EACH STACK')).toEqual([
      '  Prod-Foundation (Prod): no change',
      expect.stringMatching(/^ {2}Prod-Workload \(Prod\): \d+ added, \d+ modified, 1 replaced, 2 removed$/),
      '  Prod-Monitoring (Prod): new stack, 1 resource(s) to create',
    ]);
    const workload = section('EACH STACK')[1];
    // Added: the role's new policy; modified: the key, the security group, the bucket whose policies changed.
    expect(workload).toMatch(/1 added, 3 modified/);
  });

  test('shows the full difference of each changed stack, as `cdk diff` prints it, and none of an unchanged one', () => {
    expect(review.text).toContain('FULL DIFFERENCE OF Prod-Workload (Prod)');
    expect(review.text).toContain('FULL DIFFERENCE OF Prod-Monitoring (Prod)');
    expect(review.text).not.toContain('FULL DIFFERENCE OF Prod-Foundation');
    expect(review.text).toMatch(/\[-\] AWS::S3::Bucket Scratch/);
    expect(review.text).toMatch(/may be replaced|replace/);
  });

  test('summarizes in one line for the approval: the stack that needs attention first, then new stacks, then the unchanged', () => {
    expect(review.summary).toBe('Prod-Workload: REPLACES 1, DELETES 1, ORPHANS 1, IAM BROADENED, SG RULES, KEY POLICY, DELETION POLICY, 1 added, 3 modified; '
      + 'Prod-Monitoring: new, 1 resource(s); no change: Prod-Foundation');
    expect(review.summary.length).toBeLessThanOrEqual(SUMMARY_LIMIT);
    expect(review.summary).not.toContain('\n');
  });

  test('a stage with no change says so, and a summary too long for the approval is cut, saying where the rest is', () => {
    const same = reviewStage([{ environment: 'Prod', stackName: 'Prod-Foundation', proposed: deployed.foundation, deployed: deployed.foundation }]);
    expect(same.summary).toBe('no change: Prod-Foundation');
    expect(same.text).toContain('NEEDS ATTENTION\n  nothing:');
    const many = reviewStage(Array.from({ length: 20 }, (_, i) => ({ environment: `Prod${i}`, stackName: `Prod${i}-Workload`, proposed: proposed.workload, deployed: deployed.workload })));
    expect(many.summary.length).toBe(SUMMARY_LIMIT);
    expect(many.summary).toMatch(/ \.\.\. \(the rest in the review\)$/);
  });
});

test('the review job installs the cloudformation-diff these tests run, and the deploys the CDK CLI they run', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  expect(CLOUDFORMATION_DIFF_VERSION).toBe(require('@aws-cdk/cloudformation-diff/package.json').version);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  expect(DEFAULT_CDK_CLI_VERSION).toBe(require('aws-cdk/package.json').version);
});
