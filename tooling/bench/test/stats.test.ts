import { describe, expect, it } from 'vitest';
import { quantile, ratio, summarise } from '../src/stats.js';

describe('summarise', () => {
  it('reports the median and spread of an odd number of samples', () => {
    expect(summarise([5, 1, 3])).toEqual({ n: 3, median: 3, min: 1, max: 5, q1: 2, q3: 4 });
  });

  it('interpolates the median of an even number of samples', () => {
    const summary = summarise([10, 40, 20, 30]);
    expect(summary?.median).toBe(25);
    expect(summary?.q1).toBe(17.5);
    expect(summary?.q3).toBe(32.5);
  });

  it('drops non-finite samples and is undefined when none is left', () => {
    expect(summarise([Number.NaN, 2, Number.POSITIVE_INFINITY])).toMatchObject({ n: 1, median: 2 });
    expect(summarise([])).toBeUndefined();
    expect(summarise([Number.NaN])).toBeUndefined();
  });

  it("does not reorder the caller's array", () => {
    const samples = [3, 1, 2];
    summarise(samples);
    expect(samples).toEqual([3, 1, 2]);
  });
});

describe('quantile and ratio', () => {
  it('returns the ends at 0 and 1 and NaN for no samples', () => {
    expect(quantile([1, 2, 9], 0)).toBe(1);
    expect(quantile([1, 2, 9], 1)).toBe(9);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('divides medians and is undefined when either side is missing or zero', () => {
    expect(ratio(summarise([6]), summarise([8]))).toBe(0.75);
    expect(ratio(undefined, summarise([8]))).toBeUndefined();
    expect(ratio(summarise([6]), summarise([0]))).toBeUndefined();
  });
});
