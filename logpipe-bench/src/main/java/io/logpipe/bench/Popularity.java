package io.logpipe.bench;

/**
 * A skewed choice among {@code n} things: a few are drawn often, most rarely, as app traffic and
 * log volume are in a real platform. Immutable.
 */
final class Popularity {
  private final double[] cumulative;

  private Popularity(double[] weights) {
    cumulative = new double[weights.length];
    double sum = 0;
    for (int i = 0; i < weights.length; i++) {
      sum += weights[i];
      cumulative[i] = sum;
    }
  }

  /** Zipf's law: the thing at rank {@code k} (from 0) has weight {@code 1 / (k + 1)^exponent}. */
  static Popularity zipf(int n, double exponent) {
    double[] weights = new double[n];
    for (int k = 0; k < n; k++) {
      weights[k] = 1.0 / StrictMath.pow(k + 1, exponent);
    }
    return new Popularity(weights);
  }

  /** Explicit relative weights. */
  static Popularity of(double... weights) {
    return new Popularity(weights.clone());
  }

  /** An index in {@code [0, size())}. */
  int draw(Dice dice) {
    double x = dice.unit() * cumulative[cumulative.length - 1];
    int lo = 0;
    int hi = cumulative.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
