import * as cdk from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { EnvironmentTier, IsolatedEnvironment } from '../../src';
import { environment } from '../support/environments';
import { safetyViolations } from '../support/safety';

/** An environment of `tier` with a workload stack holding a table; `change` may alter the two. */
type Change = (table: dynamodb.Table, workload: cdk.Stack) => void;
const tableIn = (tier: EnvironmentTier, props: Partial<dynamodb.TableProps> = {}, change?: Change) => (app: cdk.App) => {
  const env: IsolatedEnvironment = environment(app, tier);
  const workload = new cdk.Stack(env, 'Workload');
  const table = new dynamodb.Table(workload, 'Orders', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING }, ...props });
  change?.(table, workload);
};

describe('production-data-retained', () => {
  test('GIVEN a table without deletion protection in Prod WHEN synthesized THEN the table violates, at DeletionProtectionEnabled', () => {
    const found = safetyViolations(tableIn(EnvironmentTier.PROD, { removalPolicy: cdk.RemovalPolicy.DESTROY }));
    // The environment retains the table although it was given DESTROY; its deletion protection is the user's to switch on.
    expect(found).toEqual([{
      rule: 'production-data-retained',
      path: 'prod/Workload/Orders/Resource',
      logicalId: 'OrdersA9B65338',
      template: 'prodWorkload04CA83FF.template.json',
      locations: ['Properties/DeletionProtectionEnabled'],
    }]);
  });

  test('GIVEN a table whose DeletionPolicy an escape hatch sets to Delete in Prod WHEN synthesized THEN it violates, at DeletionPolicy', () => {
    const found = safetyViolations(tableIn(EnvironmentTier.PROD, { deletionProtection: true }, table => {
      (table.node.defaultChild as cdk.CfnResource).addOverride('DeletionPolicy', 'Delete');
    }));
    expect(found.map(f => [f.rule, f.logicalId, f.locations])).toEqual([['production-data-retained', 'OrdersA9B65338', ['DeletionPolicy']]]);
  });

  test('GIVEN a stack of Prod whose termination protection an aspect switches off WHEN synthesized THEN the stack violates', () => {
    const found = safetyViolations(tableIn(EnvironmentTier.PROD, { deletionProtection: true }, (_, workload) => {
      cdk.Aspects.of(workload).add({ visit: node => { if (node === workload) workload.terminationProtection = false; } });
    }));
    expect(found).toEqual([{ rule: 'production-data-retained', path: 'prod/Workload', locations: undefined, logicalId: undefined, template: undefined }]);
  });

  test('GIVEN a retained, protected table in Prod WHEN synthesized THEN nothing violates', () => {
    expect(safetyViolations(tableIn(EnvironmentTier.PROD, { deletionProtection: true }))).toEqual([]);
  });

  test.each([EnvironmentTier.DEV, EnvironmentTier.STAGING])('GIVEN an unprotected table deleted with its stack in %s WHEN synthesized THEN it is no violation: not a production tier', tier => {
    expect(safetyViolations(tableIn(tier, { removalPolicy: cdk.RemovalPolicy.DESTROY }))).toEqual([]);
  });
});
