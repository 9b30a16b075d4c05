// Summaries of repeated runs: the median as the figure to report, with min, max and the
// quartiles as its spread. Hand-written because it is ten lines; a statistics library
// would bring far more than the one interpolation rule needed here.

export interface Summary {
  /** How many samples went in (non-finite ones are dropped first). */
  n: number;
  median: number;
  min: number;
  max: number;
  /** First and third quartiles (linear interpolation between order statistics). */
  q1: number;
  q3: number;
}

/** The `p`-quantile (0..1) of ascending `sorted`, interpolating linearly between ranks. */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = (sorted.length - 1) * p;
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  const a = sorted[lower] as number;
  const b = sorted[upper] as number;
  return a + (b - a) * (rank - lower);
}

/** Median and spread of `samples`; undefined when none is a finite number. */
export function summarise(samples: readonly number[]): Summary | undefined {
  const sorted = samples.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
  };
}

/** `a / b` when both are known and `b` is not zero. */
export function ratio(a: Summary | undefined, b: Summary | undefined): number | undefined {
  if (!a || !b || b.median === 0) return undefined;
  return a.median / b.median;
}
