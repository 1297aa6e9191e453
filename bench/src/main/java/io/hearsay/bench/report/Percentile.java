package io.hearsay.bench.report;

import java.util.List;

/** Nearest-rank percentiles, as every report states them: the smallest value at or above a fraction q of the values. */
public final class Percentile {

  private Percentile() {}

  /** The q-th percentile (0 < q ≤ 1) of values already sorted ascending. */
  public static double ofSorted(double[] sorted, double q) {
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * q) - 1)];
  }

  /** The q-th percentile (0 < q ≤ 1) of {@code values}, in any order. */
  public static double of(List<Double> values, double q) {
    return ofSorted(values.stream().mapToDouble(Double::doubleValue).sorted().toArray(), q);
  }
}
