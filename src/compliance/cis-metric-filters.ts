/** One of the CIS AWS Foundations Benchmark's monitoring recommendations, as Security Hub checks it. */
export interface CisMetricFilter {
  /** The Security Hub control, for example `CloudWatch.1`. */
  readonly control: string;
  /** The recommendation in CIS AWS Foundations Benchmark v1.2.0, for example `3.3`. */
  readonly cis: string;
  /** The construct id and metric name. */
  readonly name: string;
  /** What the alarm means when it fires. */
  readonly description: string;
  /** The CloudWatch Logs filter pattern, exactly as the benchmark and Security Hub give it. */
  readonly pattern: string;
}

/**
 * The fourteen metric filters of CIS AWS Foundations Benchmark v1.2.0 section 3 (Security Hub
 * controls CloudWatch.1 to CloudWatch.14). Security Hub passes a control only when the trail's log
 * group has a metric filter with this pattern, and an alarm on its metric notifies a topic.
 */
export const CIS_METRIC_FILTERS: CisMetricFilter[] = [
  {
    control: 'CloudWatch.1',
    cis: '3.3',
    name: 'RootUserUsage',
    description: 'The root user was used',
    pattern: '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
  },
  {
    control: 'CloudWatch.2',
    cis: '3.1',
    name: 'UnauthorizedApiCalls',
    description: 'An API call was refused as unauthorized',
    pattern: '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}',
  },
  {
    control: 'CloudWatch.3',
    cis: '3.2',
    name: 'ConsoleSignInWithoutMfa',
    description: 'Someone signed in to the console without MFA',
    pattern: '{($.eventName="ConsoleLogin") && ($.additionalEventData.MFAUsed !="Yes")}',
  },
  {
    control: 'CloudWatch.4',
    cis: '3.4',
    name: 'IamPolicyChanges',
    description: 'An IAM policy was changed',
    pattern: '{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}',
  },
  {
    control: 'CloudWatch.5',
    cis: '3.5',
    name: 'CloudTrailChanges',
    description: 'A CloudTrail trail was changed or stopped',
    pattern: '{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}',
  },
  {
    control: 'CloudWatch.6',
    cis: '3.6',
    name: 'ConsoleAuthenticationFailures',
    description: 'A console sign-in failed',
    pattern: '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}',
  },
  {
    control: 'CloudWatch.7',
    cis: '3.7',
    name: 'KeyDisabledOrScheduledForDeletion',
    description: 'A customer-managed KMS key was disabled or scheduled for deletion',
    pattern: '{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion))}',
  },
  {
    control: 'CloudWatch.8',
    cis: '3.8',
    name: 'S3BucketPolicyChanges',
    description: 'An S3 bucket policy, ACL, CORS, lifecycle or replication configuration was changed',
    pattern: '{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}',
  },
  {
    control: 'CloudWatch.9',
    cis: '3.9',
    name: 'ConfigChanges',
    description: 'The AWS Config recorder or delivery channel was changed or stopped',
    pattern: '{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder))}',
  },
  {
    control: 'CloudWatch.10',
    cis: '3.10',
    name: 'SecurityGroupChanges',
    description: 'A security group was changed',
    pattern: '{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}',
  },
  {
    control: 'CloudWatch.11',
    cis: '3.11',
    name: 'NetworkAclChanges',
    description: 'A network ACL was changed',
    pattern: '{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}',
  },
  {
    control: 'CloudWatch.12',
    cis: '3.12',
    name: 'NetworkGatewayChanges',
    description: 'A customer or internet gateway was changed',
    pattern: '{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}',
  },
  {
    control: 'CloudWatch.13',
    cis: '3.13',
    name: 'RouteTableChanges',
    description: 'A route table was changed',
    pattern: '{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}',
  },
  {
    control: 'CloudWatch.14',
    cis: '3.14',
    name: 'VpcChanges',
    description: 'A VPC or VPC peering connection was changed',
    pattern: '{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}',
  },
];
