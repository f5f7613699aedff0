import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/**
 * EventBridge Scheduler acting for the scope's own account: the only principal a schedule's role
 * trusts (`aws:SourceAccount`, so no other account's schedule can use it).
 */
export function schedulerOfAccount(scope: IConstruct): iam.ServicePrincipal {
  return new iam.ServicePrincipal('scheduler.amazonaws.com', {
    conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
  });
}
