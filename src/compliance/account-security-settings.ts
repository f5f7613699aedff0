import { CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeAccountSettings } from './private/baseline-acknowledgements';
import { createInspectorServiceLinkedRole, INSPECTOR_RESOURCE_TYPES } from './private/inspector';
import { acceptTierLogRetention } from '../private/log-retention';
import { newestNodeRuntime } from '../private/newest-node-runtime';

export interface AccountSecuritySettingsProps {
  readonly s3PublicAccessBlock: boolean;
  readonly ebsDefaultEncryption: boolean;
  /** Amazon Inspector's scanning of EC2 instances, ECR images and Lambda functions. */
  readonly inspector: boolean;
  /** Encrypts the function's logs. */
  readonly key: kms.IKey;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The function behind the custom resources, inline so that the template needs no asset (and so
 * deploys as a StackSet). It only ever turns a setting on: on Delete it reports success and leaves
 * the account as it is, so removing the baseline never exposes the account, and the role needs no
 * permission to undo anything. The Lambda Node.js runtime ships the AWS SDK v3 clients it uses.
 */
const HANDLER = `
const https = require('https');
const { S3ControlClient, PutPublicAccessBlockCommand } = require('@aws-sdk/client-s3-control');
const { EC2Client, EnableEbsEncryptionByDefaultCommand } = require('@aws-sdk/client-ec2');
const { Inspector2Client, EnableCommand } = require('@aws-sdk/client-inspector2');
const SETTINGS = {
  S3PublicAccessBlock: p => new S3ControlClient({}).send(new PutPublicAccessBlockCommand({
    AccountId: p.AccountId,
    PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
  })),
  EbsEncryptionByDefault: () => new EC2Client({}).send(new EnableEbsEncryptionByDefaultCommand({})),
  InspectorScanning: p => new Inspector2Client({}).send(new EnableCommand({ resourceTypes: p.ResourceTypes })),
};
exports.handler = async (event, context) => {
  const p = event.ResourceProperties;
  let status = 'SUCCESS';
  let reason = 'See ' + context.logGroupName + ' ' + context.logStreamName;
  try {
    if (!SETTINGS[p.Setting]) throw new Error('unknown setting ' + p.Setting);
    if (event.RequestType !== 'Delete') await SETTINGS[p.Setting](p);
  } catch (e) {
    console.error(e);
    status = 'FAILED';
    reason = String(e).slice(0, 300) + ' (' + reason + ')';
  }
  const body = JSON.stringify({
    Status: status, Reason: reason, PhysicalResourceId: p.Setting + '-' + p.AccountId,
    StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId,
  });
  await new Promise((resolve, reject) => {
    const req = https.request(event.ResponseURL, { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } }, resolve);
    req.on('error', reject);
    req.end(body);
  });
};
`;

/**
 * The account's S3 public access block, the region's EBS encryption by default and Amazon
 * Inspector's scanning: settings that CloudFormation has no resource type for, set by the smallest
 * custom resource that can: one inline function whose role may call the "turn on" actions and
 * write its own logs, nothing else. Inspector is turned on here, while the stack deploys, because
 * its CIS scan configuration (a CloudFormation resource) can only be created in an account where
 * Inspector is on; the baseline's daily schedule keeps it on afterwards.
 */
export class AccountSecuritySettings extends Construct {
  /** The setting that turns Inspector on, where it is asked for: what needs Inspector on depends on it. */
  public readonly inspectorScanning?: CustomResource;

  constructor(scope: Construct, id: string, props: AccountSecuritySettingsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      encryptionKey: props.key,
      retention: props.logRetention,
    });
    acceptTierLogRetention(logGroup, props.logRetention);
    const role = new iam.Role(this, 'Role', {
      description: `Turns on ${[
        ...props.s3PublicAccessBlock ? ['the account S3 public access block'] : [],
        ...props.ebsDefaultEncryption ? ['EBS encryption by default'] : [],
        ...props.inspector ? ['Amazon Inspector'] : [],
      ].join(', ')}`,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    }));
    const actions = [
      ...props.s3PublicAccessBlock ? ['s3:PutAccountPublicAccessBlock'] : [],
      ...props.ebsDefaultEncryption ? ['ec2:EnableEbsEncryptionByDefault'] : [],
      ...props.inspector ? ['inspector2:Enable'] : [],
    ];
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: ['*'] }));
    if (props.inspector) role.addToPrincipalPolicy(createInspectorServiceLinkedRole(stack));

    const handler = new lambda.Function(this, 'Handler', {
      description: 'Turns on the account S3 public access block, EBS encryption by default and Amazon Inspector (CloudFormation custom resource)',
      runtime: newestNodeRuntime(),
      handler: 'index.handler',
      code: lambda.Code.fromInline(HANDLER),
      timeout: Duration.minutes(1),
      role,
      logGroup,
    });

    const settings = [
      ...props.s3PublicAccessBlock ? ['S3PublicAccessBlock'] : [],
      ...props.ebsDefaultEncryption ? ['EbsEncryptionByDefault'] : [],
      ...props.inspector ? ['InspectorScanning'] : [],
    ];
    for (const setting of settings) {
      const resource = new CustomResource(this, setting, {
        serviceToken: handler.functionArn,
        resourceType: `Custom::${setting}`,
        properties: { Setting: setting, AccountId: stack.account, ...setting === 'InspectorScanning' ? { ResourceTypes: INSPECTOR_RESOURCE_TYPES } : {} },
      });
      // The role's policy must be in place before the function runs.
      resource.node.addDependency(role);
      if (setting === 'InspectorScanning') this.inspectorScanning = resource;
    }

    acknowledgeAccountSettings(role, handler);
  }
}
