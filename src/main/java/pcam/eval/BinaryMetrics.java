package pcam.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Metrics of probabilistic binary predictions against 0/1 labels: ROC AUC (ties count half, the
 * Mann-Whitney form), log loss, and the confusion matrix and accuracy at a threshold.
 *
 * <p>Every metric refuses a NaN or infinite score ({@link NonFiniteScoresException}): NaN ties
 * with nothing and compares false with everything, so ranks, curves and counts over it would be
 * made up. Labels must be 0 or 1.
 */
public final class BinaryMetrics {
  private BinaryMetrics() {}

  public record Confusion(long tn, long fp, long fn, long tp) {
    public long total() {
      return tn + fp + fn + tp;
    }

    public double accuracy() {
      return total() == 0 ? Double.NaN : (double) (tn + tp) / total();
    }
  }

  /**
   * ROC AUC: the probability that a random positive scores above a random negative, ties counting
   * one half. Computed from average ranks in O(n log n). NaN when a class is absent.
   */
  public static double auc(float[] scores, float[] labels) {
    int n = check(scores, labels);
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Float.compare(scores[a], scores[b]));
    double positiveRankSum = 0;
    long positives = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
        j++;
      }
      double averageRank = (i + j) / 2.0 + 1; // 1-based rank shared by the tied run i..j
      for (int k = i; k <= j; k++) {
        if (labels[order[k]] == 1f) {
          positiveRankSum += averageRank;
          positives++;
        }
      }
      i = j + 1;
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  /** One point of the ROC curve: the rates when predicting 1 for every score >= threshold. */
  public record RocPoint(double threshold, double falsePositiveRate, double truePositiveRate) {}

  /**
   * The ROC curve from (0,0) to (1,1), one point per distinct score (tied scores move the curve
   * diagonally, which is what makes its area equal {@link #auc}). Empty when a class is absent.
   */
  public static List<RocPoint> roc(float[] scores, float[] labels) {
    int n = check(scores, labels);
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
    long positives = 0;
    for (float label : labels) {
      positives += label == 1f ? 1 : 0;
    }
    long negatives = n - positives;
    List<RocPoint> points = new ArrayList<>();
    if (positives == 0 || negatives == 0) {
      return points;
    }
    points.add(new RocPoint(Double.POSITIVE_INFINITY, 0, 0));
    long tp = 0, fp = 0;
    int i = 0;
    while (i < n) {
      float score = scores[order[i]];
      do { // advances at least once, whatever the score compares like
        if (labels[order[i]] == 1f) tp++; else fp++;
        i++;
      } while (i < n && scores[order[i]] == score);
      points.add(new RocPoint(score, (double) fp / negatives, (double) tp / positives));
    }
    return points;
  }

  /** Predicted label 1 when score >= threshold. */
  public static Confusion confusion(float[] scores, float[] labels, double threshold) {
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new IllegalArgumentException("threshold must be within [0,1], got " + threshold);
    }
    int n = check(scores, labels);
    long tn = 0, fp = 0, fn = 0, tp = 0;
    for (int i = 0; i < n; i++) {
      boolean predicted = scores[i] >= threshold;
      boolean actual = labels[i] == 1f;
      if (actual) {
        if (predicted) tp++; else fn++;
      } else {
        if (predicted) fp++; else tn++;
      }
    }
    return new Confusion(tn, fp, fn, tp);
  }

  /** Mean binary cross-entropy, with probabilities clipped to [1e-7, 1-1e-7] as Keras does. */
  public static double logLoss(float[] scores, float[] labels) {
    int n = check(scores, labels);
    double eps = 1e-7;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double p = Math.min(Math.max(scores[i], eps), 1 - eps);
      sum -= labels[i] == 1f ? Math.log(p) : Math.log(1 - p);
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  private static int check(float[] scores, float[] labels) {
    if (scores.length != labels.length) {
      throw new IllegalArgumentException(scores.length + " scores but " + labels.length + " labels");
    }
    requireFinite(scores);
    for (float label : labels) {
      if (label != 0f && label != 1f) {
        throw new IllegalArgumentException("labels must be 0 or 1, got " + label);
      }
    }
    return scores.length;
  }

  /** Scores that are NaN or infinite: the model diverged or is broken, and no metric of them means anything. */
  public static final class NonFiniteScoresException extends pcam.util.InputException {
    private final int count;
    private final int first;

    NonFiniteScoresException(int count, int first, float value, int total) {
      super(count + " of " + total + " scores are not finite numbers (the first, #" + (first + 1) + ", is " + value
          + "): the model diverged or is broken, so no metric of it means anything");
      this.count = count;
      this.first = first;
    }

    public int count() {
      return count;
    }

    /** Index of the first non-finite score. */
    public int first() {
      return first;
    }
  }

  /**
   * A model's scores of {@code ids}, checked before anything is written or measured: an input
   * error naming {@code model}, how many scores are not finite and the first such id.
   */
  public static void requireFinite(float[] scores, List<String> ids, Object model) {
    try {
      requireFinite(scores);
    } catch (NonFiniteScoresException e) {
      throw new pcam.util.InputException(model + ": " + e.count() + " of " + scores.length + " scores are not finite (first: id "
          + ids.get(e.first()) + ", " + scores[e.first()] + "); the model diverged or is broken", e);
    }
  }

  /** Throws {@link NonFiniteScoresException} when any score is NaN or infinite. */
  public static void requireFinite(float[] scores) {
    int count = 0;
    int first = -1;
    for (int i = 0; i < scores.length; i++) {
      if (!Float.isFinite(scores[i])) {
        count++;
        first = first < 0 ? i : first;
      }
    }
    if (count > 0) {
      throw new NonFiniteScoresException(count, first, scores[first], scores.length);
    }
  }
}
