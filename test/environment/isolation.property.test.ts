import * as cdk from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { EnvironmentTier, IsolatedEnvironment } from '../../src';
import { AZS } from '../support/environments';

/**
 * Property-based: any plan of up to 20 environments whose ranges are distinct and whose tiers each
 * have accounts of their own synthesizes; any plan in which two ranges overlap fails, naming both.
 */

const TIERS = EnvironmentTier.builtIn();
const ACCOUNTS = ['111111111111', '222222222222', '333333333333', '444444444444', '555555555555', '666666666666'];

interface Plan { tierIndex: number; secondOctet: number; prefix: number }

/** An environment per plan entry: tier i lives in account i, the range is 10.<octet>.0.0/<prefix>. */
function build(app: cdk.App, plans: Plan[]): IsolatedEnvironment[] {
  return plans.map((p, i) => new IsolatedEnvironment(app, `Env${i}`, {
    tier: TIERS[p.tierIndex],
    appName: 'shop',
    environmentName: `env-${i}`,
    account: ACCOUNTS[p.tierIndex],
    region: 'eu-west-1',
    toolingAccount: '999999999999',
    cidr: `10.${p.secondOctet}.0.0/${p.prefix}`,
    availabilityZones: AZS,
    // Isolation is about ranges, accounts and names; the account baseline (tested in
    // test/compliance) would only make each of the up to 20 environments slower to synthesize.
    complianceBaseline: false,
  }));
}

const plan = fc.record({
  tierIndex: fc.integer({ min: 0, max: TIERS.length - 1 }),
  secondOctet: fc.integer({ min: 0, max: 255 }),
  prefix: fc.integer({ min: 16, max: 24 }),
});

describe('isolation, for any plan of environments', () => {
  test('distinct /16 octets never overlap: the plan synthesizes', () => {
    fc.assert(fc.property(
      fc.uniqueArray(plan, { minLength: 1, maxLength: 20, selector: p => p.secondOctet }),
      plans => {
        const app = new cdk.App();
        const envs = build(app, plans);
        const assembly = app.synth();
        expect(assembly.nestedAssemblies).toHaveLength(envs.length);
      },
    ), { numRuns: 8 });
  });

  test('two ranges in the same /16 always overlap: the plan fails, naming both environments', () => {
    fc.assert(fc.property(
      fc.array(plan, { minLength: 0, maxLength: 18 }), plan, plan, fc.integer({ min: 0, max: 18 }),
      (others, a, b, at) => {
        // Make the other entries clear of the clashing /16 and of each other.
        const clash = a.secondOctet;
        const rest = others
          .map((o, i) => ({ ...o, secondOctet: (clash + 1 + i) % 256 }))
          .filter(o => o.secondOctet !== clash);
        const clashing = { ...b, secondOctet: clash };
        const position = Math.min(at, rest.length);
        const plans = [...rest.slice(0, position), a, ...rest.slice(position), clashing];
        const app = new cdk.App();
        const firstIndex = position;
        const lastIndex = plans.length - 1;
        expect(() => build(app, plans)).toThrow(new RegExp(
          `^\\[Env${lastIndex}\\] IsolatedEnvironment 'env-${lastIndex}': (.|\\n)*cidr 10\\.${clash}\\.0\\.0/${clashing.prefix} overlaps environment 'env-${firstIndex}' \\(10\\.${clash}\\.0\\.0/${a.prefix}\\)`));
      },
    ), { numRuns: 50 });
  });
});
