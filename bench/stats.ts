/** The figures of a series of runs of one measurement. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

/** Median and range of some samples (the mean of the two middle ones for an even count). */
export function spread(samples: number[]): Spread {
  if (samples.length === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length };
}

/** A straight line y = intercept + slope * x fitted by least squares, and how well it fits. */
export interface LineFit {
  readonly slope: number;
  readonly intercept: number;
  /** Coefficient of determination: 1 is a perfect line. */
  readonly r2: number;
}

export function leastSquares(xs: number[], ys: number[]): LineFit {
  if (xs.length !== ys.length || xs.length < 2) throw new Error(`need at least two points of x and y, got ${xs.length} and ${ys.length}`);
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  const sxx = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  const sxy = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0);
  if (sxx === 0) throw new Error('all x are equal; a slope needs at least two distinct x');
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const ssTotal = ys.reduce((s, y) => s + (y - my) ** 2, 0);
  const ssResidual = ys.reduce((s, y, i) => s + (y - intercept - slope * xs[i]) ** 2, 0);
  return { slope, intercept, r2: ssTotal === 0 ? 1 : 1 - ssResidual / ssTotal };
}

/** How a measure grows with the number of environments. */
export interface Growth extends LineFit {
  /** Cost of one more environment between the two smallest sizes, and between the two largest. */
  readonly firstStepSlope: number;
  readonly lastStepSlope: number;
  /**
   * True when one more environment costs no more at the largest sizes than at the smallest
   * (within `tolerance`, for noise): growth is linear or better. A superlinear cost (each
   * environment checked against every other, say) shows as a last step steeper than the first.
   */
  readonly linearOrBetter: boolean;
}

export function growth(xs: number[], ys: number[], tolerance = 0.25): Growth {
  const fit = leastSquares(xs, ys);
  const n = xs.length;
  const firstStepSlope = (ys[1] - ys[0]) / (xs[1] - xs[0]);
  const lastStepSlope = (ys[n - 1] - ys[n - 2]) / (xs[n - 1] - xs[n - 2]);
  return { ...fit, firstStepSlope, lastStepSlope, linearOrBetter: lastStepSlope <= Math.max(firstStepSlope, fit.slope) * (1 + tolerance) };
}
