// The arithmetic of the bench harness (harness.mjs): quantiles, paired ratios, goal checks. A module
// of its own, in CommonJS, so that jest can check it with fixed inputs (test/bench/harness.test.ts).
"use strict";

/**
 * The p-quantile (0 <= p <= 1) of a list of numbers, interpolated linearly between the two nearest
 * ranks (Hyndman & Fan type 7, the default of R and NumPy). NaN for an empty list.
 */
function quantile(xs, p) {
  if (xs.length === 0) return NaN;
  const sorted = Float64Array.from(xs).sort();
  const at = (sorted.length - 1) * p;
  const below = Math.floor(at);
  const above = Math.ceil(at);
  return sorted[below] + (sorted[above] - sorted[below]) * (at - below);
}

const median = (xs) => quantile(xs, 0.5);

/**
 * Round by round, how many times faster a candidate ran than a baseline measured in the same round:
 * baseline time per op / candidate time per op. Both lists are indexed by round.
 */
function pairedRatios(candidateTimes, baselineTimes) {
  if (candidateTimes.length !== baselineTimes.length) throw new Error("paired ratios need the same rounds for both");
  return candidateTimes.map((t, round) => baselineTimes[round] / t);
}

/**
 * The median of the paired ratios, with their interquartile range and extremes as the spread. Rounds
 * run moments apart share the machine's load of that moment, so this median holds up on a machine
 * whose load changes from second to second better than a ratio of two medians does.
 */
function ratioSummary(ratios) {
  return {
    median: median(ratios),
    p25: quantile(ratios, 0.25),
    p75: quantile(ratios, 0.75),
    min: quantile(ratios, 0),
    max: quantile(ratios, 1),
  };
}

/** A goal "ratio >= atLeast" is met when the median paired ratio reaches it. */
const goalMet = (ratio, atLeast) => ratio >= atLeast;

module.exports = { quantile, median, pairedRatios, ratioSummary, goalMet };
