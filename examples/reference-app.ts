import * as cdk from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { EnvironmentTier, IsolatedEnvironment } from '../src';

/**
 * The reference app: how a team uses cdk-multi-env. The Python and Java consumer apps in
 * test/bindings/ build exactly this app, and their templates must be identical to its own.
 */

/** One environment of the reference setup: a tier in its own account, with its own VPC range. */
export interface ReferenceEnvironment {
  readonly id: string;
  readonly tier: EnvironmentTier;
  readonly account: string;
  readonly cidr: string;
}

export const APP_NAME = 'shop';
export const REGION = 'eu-west-1';
/** The account the pipeline runs in (placeholder id). */
export const TOOLING_ACCOUNT = '999999999999';
/** Given, so that the app synthesizes without AWS credentials (no availability-zone lookup). */
export const AVAILABILITY_ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];

/** Six environments, each in its own account (placeholder account ids) and VPC range. */
export const REFERENCE_ENVIRONMENTS: ReferenceEnvironment[] = [
  { id: 'Dev', tier: EnvironmentTier.DEV, account: '111111111111', cidr: '10.10.0.0/16' },
  { id: 'QA', tier: EnvironmentTier.QA, account: '222222222222', cidr: '10.20.0.0/16' },
  { id: 'Staging', tier: EnvironmentTier.STAGING, account: '333333333333', cidr: '10.30.0.0/16' },
  { id: 'Prod', tier: EnvironmentTier.PROD, account: '444444444444', cidr: '10.40.0.0/16' },
  { id: 'Demo', tier: EnvironmentTier.DEMO, account: '555555555555', cidr: '10.50.0.0/16' },
  { id: 'Hotfix', tier: EnvironmentTier.HOTFIX, account: '666666666666', cidr: '10.60.0.0/16' },
];

/** The team's workload, written once and right-sized by each environment's profile. */
class WorkloadStack extends cdk.Stack {
  constructor(scope: IsolatedEnvironment, id: string) {
    super(scope, id, { description: `${APP_NAME} ${scope.environmentName}: the application` });
    new logs.LogGroup(this, 'ApplicationLogs', {
      logGroupName: `/${APP_NAME}/${scope.environmentName}/application`,
      retention: scope.profile.logRetention,
      encryptionKey: scope.key,
    });
    scope.config.addParameter('log-level', scope.tier === EnvironmentTier.DEV ? 'debug' : 'info', {
      description: 'How much the application logs',
    });
  }
}

/** Adds the reference setup to an app: every environment, each with the workload. */
export function buildReferenceApp(app: Construct): IsolatedEnvironment[] {
  return REFERENCE_ENVIRONMENTS.map(e => {
    const environment = new IsolatedEnvironment(app, e.id, {
      tier: e.tier,
      appName: APP_NAME,
      account: e.account,
      region: REGION,
      toolingAccount: TOOLING_ACCOUNT,
      cidr: e.cidr,
      availabilityZones: AVAILABILITY_ZONES,
      tags: { CostCenter: 'shop-platform' },
    });
    new WorkloadStack(environment, 'Workload');
    return environment;
  });
}
