import { REFERENCE_ENVIRONMENTS, ReferenceEnvironment, REGION } from '../examples/reference-app';

/**
 * Regions the bench repeats the reference environments in, the reference app's own first. Each
 * has availability zones a, b and c (the environments give their zones, so synth needs no lookup).
 */
export const BENCH_REGIONS = [
  REGION, 'eu-central-1', 'us-east-1', 'us-west-2', 'eu-west-2', 'eu-north-1', 'ap-southeast-2', 'ap-south-1',
  'us-east-2', 'us-west-1', 'ca-central-1', 'eu-west-3', 'eu-south-1', 'ap-northeast-1', 'ap-northeast-3', 'sa-east-1',
];

/** The reference app's first environment of each tier: six, one per tier. */
export const ONE_PER_TIER = REFERENCE_ENVIRONMENTS.filter((e, i) => REFERENCE_ENVIRONMENTS.findIndex(o => o.tier === e.tier) === i);

/**
 * The reference app's six tiers repeated in `regions` regions: six environments per region, in
 * promotion order (every Dev first, then every QA, ... as MultiEnvPipeline asks), so that the
 * reference app places each tier as one wave. A tier keeps its account in every region (the
 * isolation checks allow one tier to share an account), and every copy gets a VPC range of its
 * own, above the reference ranges: 10.100.0.0/16 to 10.114.0.0/16 for Dev's copies, 10.115.0.0/16
 * on for QA's, and so on. With one region these are the reference app's environments, one per tier.
 */
export function scaledEnvironments(regions: number): ReferenceEnvironment[] {
  if (!Number.isInteger(regions) || regions < 1 || regions > BENCH_REGIONS.length) {
    throw new Error(`regions is ${regions}; expected a whole number from 1 to ${BENCH_REGIONS.length}`);
  }
  const copies = BENCH_REGIONS.length - 1;
  return ONE_PER_TIER.flatMap((e, tier) => BENCH_REGIONS.slice(0, regions).map((region, i) => {
    if (i === 0) return e;
    return {
      ...e,
      id: `${e.id}-${region}`,
      environmentName: `${e.tier.name}-${region}`,
      region,
      cidr: `10.${100 + tier * copies + i - 1}.0.0/16`,
    };
  }));
}

/**
 * The same environments, each in an account of its own (the other way to isolate them: the bench's
 * app keeps one account per tier). An environment in the reference app's region keeps its tier's
 * account; its copies get `<the tier's first digit>` followed by their index, 12 digits in all.
 */
export function withAccountPerEnvironment(environments: ReferenceEnvironment[]): ReferenceEnvironment[] {
  return environments.map((e, i) => (e.region === undefined || e.region === REGION ? e : { ...e, account: `${e.account[0]}${String(i).padStart(11, '0')}` }));
}
