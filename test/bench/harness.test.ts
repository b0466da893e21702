// The bench harness's arithmetic (scripts/bench/stats.cjs) on fixed inputs, against values worked out by
// hand and, for quantiles, NumPy's default percentile (linear interpolation between closest ranks).
const stats: {
  quantile(xs: number[], p: number): number;
  median(xs: number[]): number;
  pairedRatios(candidateTimes: number[], baselineTimes: number[]): number[];
  ratioSummary(ratios: number[]): { median: number; p25: number; p75: number; min: number; max: number };
  goalMet(ratio: number, atLeast: number): boolean;
} = require("../../scripts/bench/stats.cjs");

describe("quantiles", () => {
  it("takes the middle value of an odd count and the mean of the two middle values of an even count", () => {
    expect(stats.median([3, 1, 2])).toBe(2);
    expect(stats.median([4, 1, 3, 2])).toBe(2.5);
    expect(stats.median([7])).toBe(7);
  });

  it("interpolates linearly between ranks, as numpy.percentile does by default", () => {
    // numpy.percentile([1, 2, 3, 4], [0, 25, 75, 100]) == [1, 1.75, 3.25, 4]
    expect(stats.quantile([4, 3, 2, 1], 0)).toBe(1);
    expect(stats.quantile([4, 3, 2, 1], 0.25)).toBeCloseTo(1.75, 12);
    expect(stats.quantile([4, 3, 2, 1], 0.75)).toBeCloseTo(3.25, 12);
    expect(stats.quantile([4, 3, 2, 1], 1)).toBe(4);
    // numpy.percentile([10, 20, 30, 40, 50], 10) == 14
    expect(stats.quantile([50, 10, 40, 20, 30], 0.1)).toBeCloseTo(14, 12);
  });

  it("sorts numerically, not as text, and leaves its input as it was", () => {
    const xs = [10, 9, 100, 1];
    expect(stats.median(xs)).toBe(9.5);
    expect(xs).toEqual([10, 9, 100, 1]);
  });

  it("is NaN for no values", () => {
    expect(stats.median([])).toBeNaN();
  });
});

describe("paired ratios", () => {
  it("are baseline time / candidate time, round by round (above 1: the candidate is faster)", () => {
    expect(stats.pairedRatios([1, 2, 5], [2, 2, 4])).toEqual([2, 1, 0.8]);
  });

  it("follow the machine's load: a candidate always twice as fast reads 2 however the rounds drift", () => {
    const baseline = [10, 40, 12, 80, 11];
    const candidate = baseline.map((t) => t / 2);
    expect(stats.ratioSummary(stats.pairedRatios(candidate, baseline))).toEqual({ median: 2, p25: 2, p75: 2, min: 2, max: 2 });
  });

  it("are summarised by their median, interquartile range and extremes", () => {
    expect(stats.ratioSummary([1.2, 0.8, 1.0, 1.1, 0.9])).toEqual({ median: 1, p25: 0.9, p75: 1.1, min: 0.8, max: 1.2 });
  });

  it("refuse lists of different lengths (rounds that were not paired)", () => {
    expect(() => stats.pairedRatios([1, 2], [1])).toThrow("same rounds");
  });
});

describe("goals", () => {
  it("are met when the median ratio reaches the threshold, and not below it", () => {
    expect(stats.goalMet(0.85, 0.85)).toBe(true);
    expect(stats.goalMet(5.2, 5)).toBe(true);
    expect(stats.goalMet(0.8499, 0.85)).toBe(false);
    expect(stats.goalMet(Number.NaN, 0.85)).toBe(false);
  });
});
