import { ArnFormat, Duration, Stack, Tags } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { EnvironmentConfig } from './environment-config';
import { AccessLevel } from '../tiers';
import {
  acknowledgeAccessRoles, acknowledgeBreakGlassRole, acknowledgeDeploymentRole, acknowledgeDeveloperRole, acknowledgeReadOnlyRole,
  acknowledgeReviewRole,
  acknowledgeStackCleanupRole,
} from './private/environment-acknowledgements';
import { partitionOf } from '../private/partition';
import { trustedPipelineRoles } from '../private/pipeline-role-paths';
import { APP_TAG, ENVIRONMENT_TAG } from '../private/stack-tags';

export interface EnvironmentAccessProps {
  /** `<app>-<environment>`, the start of every role name. */
  readonly namePrefix: string;
  readonly appName: string;
  readonly environmentName: string;
  readonly access: AccessLevel;
  /** The account whose pipeline deploys the environment. */
  readonly toolingAccount: string;
  /** The account people sign in to before they assume a role here. */
  readonly operatorsAccount: string;
  readonly config: EnvironmentConfig;
  /** Told when the break-glass role is used. */
  readonly alarmTopic: sns.ITopic;
}

/**
 * The ARN of a role of an environment's account, by its name or a name pattern, written out with
 * its region's partition: the pipeline names the environments' roles across accounts by these.
 */
export function environmentRoleArn(region: string, account: string, roleName: string): string {
  return `arn:${partitionOf(region)}:iam::${account}:role/${roleName}`;
}

/** The name of an environment's deployment role: fixed, so the pipeline can name it across accounts. */
export function deploymentRoleName(namePrefix: string): string {
  return `${namePrefix}-deployment`;
}

/** The name of an environment's stack clean-up role: fixed, so the pipeline can name it across accounts. */
export function stackCleanupRoleName(namePrefix: string): string {
  return `${namePrefix}-stack-cleanup`;
}

/** The name of an environment's review role: fixed, so the pipeline can name it across accounts. */
export function reviewRoleName(namePrefix: string): string {
  return `${namePrefix}-review`;
}

/** How an environment's break-glass role's name ends (`<app>-<environment>-break-glass`), by which the account's alarm tells it. */
export const BREAK_GLASS_SUFFIX = '-break-glass';

/** People must have signed in with MFA to assume any role meant for people. */
const WITH_MFA = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };

/**
 * Who may do what in an environment, decided by its tier's access level:
 * - a deployment role that only the pipeline's test builds and the pipeline itself may assume
 *   (roles of the tooling account on the app's pipeline paths);
 * - a stack clean-up role for the deploy builds, and a review role (read-only) for the change
 *   reviews, orphan listings and deploy builds;
 * - a read-only role for people, in every tier;
 * - a developer role that deploys through the CDK's bootstrap roles, where people may write (READ_WRITE);
 * - a break-glass administrator role, MFA only, one-hour sessions, whose every use raises an alarm (STRICT).
 */
export class EnvironmentAccess extends Construct {
  public readonly deploymentRole: iam.Role;
  public readonly stackCleanupRole: iam.Role;
  public readonly reviewRole: iam.Role;
  public readonly readOnlyRole: iam.Role;
  public readonly developerRole?: iam.Role;
  public readonly breakGlassRole?: iam.Role;

  constructor(scope: Construct, id: string, props: EnvironmentAccessProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // The account holds this environment only, so its stacks and alarms are this environment's.
    const stacks = stack.formatArn({ service: 'cloudformation', resource: 'stack', resourceName: '*/*' });
    const alarms = stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    // The roles `cdk bootstrap` creates in this account (deploy, file and image publishing, lookup).
    const bootstrapRoles = stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: 'cdk-*' });
    const people = new iam.AccountPrincipal(props.operatorsAccount).withConditions(WITH_MFA);

    this.deploymentRole = new iam.Role(this, 'DeploymentRole', {
      roleName: deploymentRoleName(props.namePrefix),
      description: `${props.namePrefix}: assumed by the pipeline in the tooling account to test the environment: reads stacks, alarms and configuration`,
      // Only the app's test builds of this environment and its pipeline (the bake period's alarm rules), by their roles' path.
      assumedBy: new iam.AccountPrincipal(props.toolingAccount).withConditions(trustedPipelineRoles(props.toolingAccount, props.appName, props.environmentName, 'tests', 'pipeline')),
    });
    // It deploys nothing: the pipeline's deploy actions use the CDK bootstrap roles (trusted with
    // `cdk bootstrap --trust <tooling account>`), so the test steps that assume this role cannot
    // change the environment.
    this.deploymentRole.addToPolicy(new iam.PolicyStatement({
      actions: ['cloudformation:DescribeStacks', 'cloudformation:DescribeStackEvents', 'cloudformation:ListStackResources'],
      resources: [stacks],
    }));
    // The pipeline's bake period watches the environment's alarms through this role.
    this.deploymentRole.addToPolicy(new iam.PolicyStatement({
      actions: ['cloudwatch:DescribeAlarms'],
      resources: [alarms],
    }));
    props.config.grantRead(this.deploymentRole);
    acknowledgeAccessRoles(this);
    acknowledgeDeploymentRole(this.deploymentRole, stacks, alarms);
    this.stackCleanupRole = this.createStackCleanupRole(props);
    this.reviewRole = this.createReviewRole(props);
    // The pipeline's jobs may assume these three by their name pattern and this tag
    // (assumeEnvironmentRoles): set on each role itself, as the environment sets it on every resource.
    for (const role of [this.deploymentRole, this.stackCleanupRole, this.reviewRole]) Tags.of(role).add(ENVIRONMENT_TAG, props.environmentName);

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
    acknowledgeReadOnlyRole(this.readOnlyRole, strict);

    if (props.access === AccessLevel.READ_WRITE) {
      this.developerRole = new iam.Role(this, 'DeveloperRole', {
        roleName: `${props.namePrefix}-developer`,
        description: `${props.namePrefix}: developers read everything and deploy with the CDK CLI (MFA required)`,
        assumedBy: people,
        managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
      });
      this.developerRole.addToPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [bootstrapRoles] }));
      acknowledgeDeveloperRole(this.developerRole, bootstrapRoles);
    }

    if (props.access === AccessLevel.STRICT) {
      this.breakGlassRole = new iam.Role(this, 'BreakGlassRole', {
        roleName: `${props.namePrefix}${BREAK_GLASS_SUFFIX}`,
        description: `${props.namePrefix}: emergency administrator access (MFA required, one-hour sessions, every use raises an alarm)`,
        // MFA within the last hour, not a long-lived session that once used it.
        assumedBy: new iam.AccountPrincipal(props.operatorsAccount).withConditions({
          ...WITH_MFA, NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' },
        }),
        maxSessionDuration: Duration.hours(1),
        managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')],
      });
      acknowledgeBreakGlassRole(this.breakGlassRole);
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

  /**
   * The role the pipeline's change reviews and orphan listings assume to read the environment's
   * stacks, their templates and their drift before an approval, and its deploy builds to check that
   * the stacks are still as reviewed: in place of the CDK bootstrap's lookup role, which trusts the
   * whole tooling account (`cdk bootstrap --trust`), this one trusts only the review and deploy
   * builds that serve this environment. Its permissions are the lookup role's (aws-cdk's
   * bootstrap-template.yaml, `LookupRole`): ReadOnlyAccess, which drift detection needs to read each
   * resource, and no `kms:Decrypt`, so no secret or encrypted object is read.
   */
  private createReviewRole(props: EnvironmentAccessProps): iam.Role {
    const role = new iam.Role(this, 'ReviewRole', {
      roleName: reviewRoleName(props.namePrefix),
      description: `${props.namePrefix}: assumed by the pipeline in the tooling account to review changes and check deploys: reads stacks, templates and drift, decrypts nothing`,
      assumedBy: new iam.AccountPrincipal(props.toolingAccount).withConditions(trustedPipelineRoles(props.toolingAccount, props.appName, props.environmentName, 'review', 'deploy')),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
    });
    role.addToPolicy(new iam.PolicyStatement({ sid: 'DontReadSecrets', effect: iam.Effect.DENY, actions: ['kms:Decrypt'], resources: ['*'] }));
    acknowledgeReviewRole(role);
    return role;
  }

  /**
   * The role the pipeline's deploy builds (and only they) assume to delete the stacks the app no
   * longer has: it may list the account's stacks and delete a stack only if it carries this app's
   * and this environment's tags, and never the account's baseline stack or the CDK bootstrap stack. CloudFormation deletes a stack with the role it was deployed with (the CDK
   * bootstrap's execution role), so this role needs no permission on what the stack holds.
   */
  private createStackCleanupRole(props: EnvironmentAccessProps): iam.Role {
    const stack = Stack.of(this);
    const role = new iam.Role(this, 'StackCleanupRole', {
      roleName: stackCleanupRoleName(props.namePrefix),
      description: `${props.namePrefix}: assumed by the pipeline in the tooling account to delete the environment's stacks that the app no longer has`,
      // Only the app's deploy builds of this environment, by their roles' path.
      assumedBy: new iam.AccountPrincipal(props.toolingAccount).withConditions(trustedPipelineRoles(props.toolingAccount, props.appName, props.environmentName, 'deploy')),
    });
    // DescribeStacks without a stack name (every stack of a region) authorizes on "*" only.
    role.addToPolicy(new iam.PolicyStatement({ actions: ['cloudformation:DescribeStacks'], resources: ['*'] }));
    const anyStack = stack.formatArn({ service: 'cloudformation', region: '*', resource: 'stack', resourceName: '*/*' });
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['cloudformation:DeleteStack'],
      resources: [anyStack],
      conditions: {
        StringEquals: {
          [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: props.environmentName,
          [`aws:ResourceTag/${APP_TAG}`]: props.appName,
        },
      },
    }));
    // Whatever else grants it (a policy attached by hand, a broader Allow added later), it never
    // deletes the account's baseline stack, the CDK bootstrap stack, or a stack without both of
    // this app's and this environment's tags: explicit Denies win over any Allow
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html). A
    // negated condition operator matches a request whose key is missing, so an untagged stack is
    // denied too
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String).
    const named = (pattern: string) => stack.formatArn({ service: 'cloudformation', region: '*', resource: 'stack', resourceName: `${pattern}/*` });
    role.addToPolicy(new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      actions: ['cloudformation:DeleteStack'],
      resources: [named(`${props.appName}-baseline-*`), named(`${props.appName}-account-baseline*`), named('CDKToolkit')],
    }));
    for (const [tag, value] of [[ENVIRONMENT_TAG, props.environmentName], [APP_TAG, props.appName]]) {
      role.addToPolicy(new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: ['cloudformation:DeleteStack'],
        resources: [anyStack],
        conditions: { StringNotEquals: { [`aws:ResourceTag/${tag}`]: value } },
      }));
    }
    acknowledgeStackCleanupRole(role, anyStack);
    return role;
  }
}
