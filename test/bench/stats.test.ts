import { growth, leastSquares, spread } from '../../bench/stats';

describe('spread', () => {
  test('median of an odd and an even count, and the range', () => {
    expect(spread([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3, runs: 3 });
    expect(spread([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4, runs: 4 });
  });

  test('no samples is an error', () => {
    expect(() => spread([])).toThrow(/no samples/);
  });
});

describe('leastSquares', () => {
  test('a straight line is found exactly', () => {
    const fit = leastSquares([6, 12, 24, 48], [4, 7, 13, 25]);
    expect(fit.slope).toBeCloseTo(0.5, 10);
    expect(fit.intercept).toBeCloseTo(1, 10);
    expect(fit.r2).toBeCloseTo(1, 10);
  });

  test('a single distinct x has no slope', () => {
    expect(() => leastSquares([6, 6], [1, 2])).toThrow(/two distinct x/);
  });
});

describe('growth', () => {
  test('linear growth is linear or better, quadratic growth is not', () => {
    const xs = [6, 12, 24, 48];
    expect(growth(xs, xs.map(x => 2 + 0.3 * x)).linearOrBetter).toBe(true);
    expect(growth(xs, xs.map(x => 2 + 0.01 * x * x)).linearOrBetter).toBe(false);
  });

  test('a fixed cost that dominates (sublinear) is linear or better', () => {
    const xs = [6, 12, 24, 48];
    expect(growth(xs, xs.map(x => 10 + 4 * Math.sqrt(x))).linearOrBetter).toBe(true);
  });
});
