import { BENCH_REGIONS, scaledEnvironments } from '../../bench/scaled-environments';
import { REFERENCE_ENVIRONMENTS } from '../../examples/reference-app';

describe('scaledEnvironments', () => {
  test('one region is exactly the reference app', () => {
    expect(scaledEnvironments(1)).toEqual(REFERENCE_ENVIRONMENTS);
  });

  test('eight regions: 48 environments in promotion order, unique names and ranges, one account per tier', () => {
    const envs = scaledEnvironments(8);
    expect(envs).toHaveLength(48);
    expect(new Set(envs.map(e => e.id)).size).toBe(48);
    expect(new Set(envs.map(e => e.environmentName ?? e.tier.name)).size).toBe(48);
    expect(new Set(envs.map(e => e.cidr)).size).toBe(48);
    expect(envs.map(e => e.tier.name)).toEqual(REFERENCE_ENVIRONMENTS.flatMap(e => Array(8).fill(e.tier.name)));
    for (const e of envs) expect(e.account).toBe(REFERENCE_ENVIRONMENTS.find(r => r.tier === e.tier)!.account);
  });

  test('more regions than there are is an error', () => {
    expect(() => scaledEnvironments(BENCH_REGIONS.length + 1)).toThrow(/expected a whole number from 1 to 8/);
  });
});
