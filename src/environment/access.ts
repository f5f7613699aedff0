import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { EnvironmentConfig } from './environment-config';
import { acknowledge, acknowledgeWildcardResources, inCompliancePacks } from '../private/acknowledge';
import { INLINE_POLICY_REASON } from '../private/reasons';
import { AccessLevel } from '../tiers';

export interface EnvironmentAccessProps {
  /** `<app>-<environment>`, the start of every role name. */
  readonly namePrefix: string;
  readonly access: AccessLevel;
  /** The account whose pipeline deploys the environment. */
  readonly toolingAccount: string;
  /** The account people sign in to before they assume a role here. */
  readonly operatorsAccount: string;
  readonly config: EnvironmentConfig;
  /** Told when the break-glass role is used. */
  readonly alarmTopic: sns.ITopic;
}

/** The name of an environment's deployment role: fixed, so the pipeline can name it across accounts. */
export function deploymentRoleName(namePrefix: string): string {
  return `${namePrefix}-deployment`;
}

/** People must have signed in with MFA to assume any role meant for people. */
const WITH_MFA = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };

/**
 * Who may do what in an environment, decided by its tier's access level:
 * - a deployment role that only the tooling account (the pipeline) may assume;
 * - a read-only role for people, in every tier;
 * - a developer role that deploys through the CDK's bootstrap roles, where people may write (READ_WRITE);
 * - a break-glass administrator role, MFA only, one-hour sessions, whose every use raises an alarm (STRICT).
 */
export class EnvironmentAccess extends Construct {
  public readonly deploymentRole: iam.Role;
  public readonly readOnlyRole: iam.Role;
  public readonly developerRole?: iam.Role;
  public readonly breakGlassRole?: iam.Role;

  constructor(scope: Construct, id: string, props: EnvironmentAccessProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // The roles `cdk bootstrap` creates in this account (deploy, file and image publishing, lookup).
    const bootstrapRoles = stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: 'cdk-*' });
    const people = new iam.AccountPrincipal(props.operatorsAccount).withConditions(WITH_MFA);

    this.deploymentRole = new iam.Role(this, 'DeploymentRole', {
      roleName: deploymentRoleName(props.namePrefix),
      description: `${props.namePrefix}: assumed by the pipeline in the tooling account to test the environment: reads stacks, alarms and configuration`,
      assumedBy: new iam.AccountPrincipal(props.toolingAccount),
    });
    // It deploys nothing: the pipeline's deploy actions use the CDK bootstrap roles (trusted with
    // `cdk bootstrap --trust <tooling account>`), so the test steps that assume this role cannot
    // change the environment.
    this.deploymentRole.addToPolicy(new iam.PolicyStatement({
      actions: ['cloudformation:DescribeStacks', 'cloudformation:DescribeStackEvents', 'cloudformation:ListStackResources'],
      // The account holds this environment only, so its stacks are this environment's stacks.
      resources: [stack.formatArn({ service: 'cloudformation', resource: 'stack', resourceName: '*/*' })],
    }));
    // The pipeline's bake period watches the environment's alarms through this role.
    this.deploymentRole.addToPolicy(new iam.PolicyStatement({
      actions: ['cloudwatch:DescribeAlarms'],
      resources: [stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
    }));
    props.config.grantRead(this.deploymentRole);
    acknowledge(this, INLINE_POLICY_REASON, ...inCompliancePacks('IAMNoInlinePolicy'));
    acknowledgeWildcardResources(this.deploymentRole, 'The account holds this one environment, so its stacks and alarms are the environment\'s, created as the application grows: '
      + 'the role reads their status, events and alarm states, and nothing else',
    stack.formatArn({ service: 'cloudformation', resource: 'stack', resourceName: '*/*' }),
    stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }));

    // In strict tiers people see configuration and metadata but not data (ViewOnlyAccess reads no
    // S3 objects, table items or secrets); elsewhere they read everything (ReadOnlyAccess).
    const strict = props.access === AccessLevel.STRICT;
    this.readOnlyRole = new iam.Role(this, 'ReadOnlyRole', {
      roleName: `${props.namePrefix}-read-only`,
      description: `${props.namePrefix}: ${strict ? 'view-only' : 'read-only'} access for people (MFA required)`,
      assumedBy: people,
      managedPolicies: [strict
        ? iam.ManagedPolicy.fromAwsManagedPolicyName('job-function/ViewOnlyAccess')
        : iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
    });
    acknowledge(this.readOnlyRole, 'People\'s read-only access is the job-function policy AWS maintains (ViewOnlyAccess in strict tiers, ReadOnlyAccess elsewhere): '
      + 'it follows every service AWS adds, which a hand-written copy would not; the role needs MFA',
    `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${strict ? 'job-function/ViewOnlyAccess' : 'ReadOnlyAccess'}]`);

    if (props.access === AccessLevel.READ_WRITE) {
      this.developerRole = new iam.Role(this, 'DeveloperRole', {
        roleName: `${props.namePrefix}-developer`,
        description: `${props.namePrefix}: developers read everything and deploy with the CDK CLI (MFA required)`,
        assumedBy: people,
        managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
      });
      this.developerRole.addToPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [bootstrapRoles] }));
      acknowledge(this.developerRole, 'Developers read with ReadOnlyAccess, the policy AWS maintains as services are added, and change the environment only through the CDK CLI',
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/ReadOnlyAccess]');
      acknowledgeWildcardResources(this.developerRole, 'The roles `cdk bootstrap` creates in this account (deploy, file and image publishing, lookup), named with the bootstrap qualifier '
        + 'and region: developers deploy with the CDK CLI through them and have no other write access', bootstrapRoles);
    }

    if (props.access === AccessLevel.STRICT) {
      this.breakGlassRole = new iam.Role(this, 'BreakGlassRole', {
        roleName: `${props.namePrefix}-break-glass`,
        description: `${props.namePrefix}: emergency administrator access (MFA required, one-hour sessions, every use raises an alarm)`,
        // MFA within the last hour, not a long-lived session that once used it.
        assumedBy: new iam.AccountPrincipal(props.operatorsAccount).withConditions({
          ...WITH_MFA, NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' },
        }),
        maxSessionDuration: Duration.hours(1),
        managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')],
      });
      acknowledge(this.breakGlassRole, 'Break-glass access is emergency administrator access by design: MFA within the last hour, one-hour sessions, and every use raises an alarm',
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AdministratorAccess]');
      // CloudTrail delivers AssumeRole calls to EventBridge in the region of the STS endpoint that
      // served them; this needs a trail in the account (ComplianceBaseline, or Control Tower's).
      new events.Rule(this, 'BreakGlassUsed', {
        description: `${props.namePrefix}: the break-glass role was assumed`,
        eventPattern: {
          source: ['aws.sts'],
          detailType: ['AWS API Call via CloudTrail'],
          detail: { eventName: ['AssumeRole'], requestParameters: { roleArn: [this.breakGlassRole.roleArn] } },
        },
        targets: [new targets.SnsTopic(props.alarmTopic)],
      });
    }
  }
}
