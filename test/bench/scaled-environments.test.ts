import { BENCH_REGIONS, ONE_PER_TIER, scaledEnvironments } from '../../bench/scaled-environments';
import { REFERENCE_ENVIRONMENTS } from '../../examples/reference-app';

describe('scaledEnvironments', () => {
  test('one region is the reference app\'s first environment of each tier', () => {
    expect(scaledEnvironments(1)).toEqual(REFERENCE_ENVIRONMENTS.filter(e => e.id !== 'Prod-us-east-1'));
    expect(ONE_PER_TIER.map(e => e.tier.name)).toEqual(['dev', 'qa', 'staging', 'prod', 'demo', 'hotfix']);
  });

  test('sixteen regions: 96 environments in promotion order, unique names and ranges, one account per tier', () => {
    const envs = scaledEnvironments(16);
    expect(envs).toHaveLength(96);
    expect(new Set(envs.map(e => e.id)).size).toBe(96);
    expect(new Set(envs.map(e => e.environmentName ?? e.tier.name)).size).toBe(96);
    expect(new Set(envs.map(e => e.cidr)).size).toBe(96);
    expect(envs.map(e => Number(e.cidr.split('.')[1])).every(octet => octet < 256)).toBe(true);
    expect(envs.map(e => e.tier.name)).toEqual(ONE_PER_TIER.flatMap(e => Array(16).fill(e.tier.name)));
    for (const e of envs) expect(e.account).toBe(REFERENCE_ENVIRONMENTS.find(r => r.tier === e.tier)!.account);
  });

  test('more regions than there are is an error', () => {
    expect(() => scaledEnvironments(BENCH_REGIONS.length + 1)).toThrow(/expected a whole number from 1 to 16/);
  });
});
