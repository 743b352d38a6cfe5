package pcam.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class BinaryMetricsTest {
  private static final float[] SCORES = {0.1f, 0.4f, 0.35f, 0.8f};
  private static final float[] LABELS = {0, 0, 1, 1};

  @Test
  void aucCountsPositiveAboveNegativePairs() {
    // Pairs (pos, neg): 0.35>0.1 yes, 0.35>0.4 no, 0.8>0.1 yes, 0.8>0.4 yes -> 3/4.
    assertThat(BinaryMetrics.auc(SCORES, LABELS)).isEqualTo(0.75);
    assertThat(BinaryMetrics.auc(new float[] {0.2f, 0.9f}, new float[] {0, 1})).isEqualTo(1.0);
    assertThat(BinaryMetrics.auc(new float[] {0.9f, 0.2f}, new float[] {0, 1})).isEqualTo(0.0);
  }

  @Test
  void tiedScoresCountHalf() {
    // Positives 0.5 and 0.9, negatives 0.5 and 0.5: pos 0.5 ties both (1/2 + 1/2), pos 0.9 wins both -> 3/4.
    assertThat(BinaryMetrics.auc(new float[] {0.5f, 0.5f, 0.5f, 0.9f}, new float[] {0, 1, 0, 1})).isEqualTo(0.75);
    assertThat(BinaryMetrics.auc(new float[] {0.3f, 0.3f, 0.3f}, new float[] {0, 1, 1})).isEqualTo(0.5);
  }

  @Test
  void aucIsUndefinedWithOneClass() {
    assertThat(BinaryMetrics.auc(new float[] {0.1f, 0.7f}, new float[] {1, 1})).isNaN();
    assertThat(BinaryMetrics.roc(new float[] {0.1f, 0.7f}, new float[] {0, 0})).isEmpty();
  }

  @Test
  void confusionAtAThreshold() {
    // >= 0.4 predicts 1: 0.1 neg -> tn, 0.4 neg -> fp, 0.35 pos -> fn, 0.8 pos -> tp.
    assertThat(BinaryMetrics.confusion(SCORES, LABELS, 0.4)).isEqualTo(new BinaryMetrics.Confusion(1, 1, 1, 1));
    assertThat(BinaryMetrics.confusion(SCORES, LABELS, 0.3)).isEqualTo(new BinaryMetrics.Confusion(1, 1, 0, 2));
    assertThat(BinaryMetrics.confusion(SCORES, LABELS, 0.9)).isEqualTo(new BinaryMetrics.Confusion(2, 0, 2, 0));
    assertThat(BinaryMetrics.confusion(SCORES, LABELS, 0.3).accuracy()).isEqualTo(0.75);
  }

  @Test
  void logLossIsMeanCrossEntropyWithKerasClipping() {
    assertThat(BinaryMetrics.logLoss(new float[] {0.8f, 0.2f}, new float[] {1, 0})).isCloseTo(-Math.log(0.8), within(1e-6));
    // p = 0 for a positive is clipped to 1e-7 instead of giving infinity.
    assertThat(BinaryMetrics.logLoss(new float[] {0f}, new float[] {1})).isCloseTo(-Math.log(1e-7), within(1e-6));
  }

  @Test
  void rocStepsThroughEachDistinctScore() {
    // Descending: 0.8 pos, 0.4 neg, 0.35 pos, 0.1 neg.
    List<BinaryMetrics.RocPoint> roc = BinaryMetrics.roc(SCORES, LABELS);
    assertThat(roc).extracting(BinaryMetrics.RocPoint::falsePositiveRate).containsExactly(0.0, 0.0, 0.5, 0.5, 1.0);
    assertThat(roc).extracting(BinaryMetrics.RocPoint::truePositiveRate).containsExactly(0.0, 0.5, 0.5, 1.0, 1.0);
    assertThat(roc.get(2).threshold()).isEqualTo(0.4f);
  }

  @Test
  void mismatchedLengthsAreRejected() {
    assertThatThrownBy(() -> BinaryMetrics.auc(new float[2], new float[3])).isInstanceOf(IllegalArgumentException.class);
  }

  @Property(tries = 300)
  void aucEqualsBruteForcePairCountAndRocArea(@ForAll("scoredLabels") float[][] data) {
    float[] scores = data[0];
    float[] labels = data[1];
    double wins = 0;
    long pairs = 0;
    for (int i = 0; i < scores.length; i++) {
      for (int j = 0; j < scores.length; j++) {
        if (labels[i] == 1 && labels[j] == 0) {
          pairs++;
          wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
        }
      }
    }
    double auc = BinaryMetrics.auc(scores, labels);
    if (pairs == 0) {
      assertThat(auc).isNaN();
      return;
    }
    assertThat(auc).isCloseTo(wins / pairs, within(1e-9));
    List<BinaryMetrics.RocPoint> roc = BinaryMetrics.roc(scores, labels);
    double area = 0;
    for (int k = 1; k < roc.size(); k++) {
      area += (roc.get(k).falsePositiveRate() - roc.get(k - 1).falsePositiveRate())
          * (roc.get(k).truePositiveRate() + roc.get(k - 1).truePositiveRate()) / 2;
    }
    assertThat(area).isCloseTo(auc, within(1e-9));
  }

  /** Scores from a coarse grid so that ties are frequent. */
  @Provide
  Arbitrary<float[][]> scoredLabels() {
    return Arbitraries.integers().between(1, 60).flatMap(n -> Combinators.combine(
            Arbitraries.integers().between(0, 5).array(int[].class).ofSize(n),
            Arbitraries.integers().between(0, 1).array(int[].class).ofSize(n))
        .as((s, l) -> {
          float[][] out = new float[2][n];
          for (int i = 0; i < n; i++) {
            out[0][i] = s[i] / 5f;
            out[1][i] = l[i];
          }
          return out;
        }));
  }

  /** Every metric refuses a non-finite score, whichever position it is in, before any loop can spin. */
  @Property(tries = 200)
  void everyMetricRefusesANonFiniteScore(
      @ForAll("scoredLabels") float[][] data, @ForAll("nonFinite") float bad, @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 10_000) int where) {
    float[] scores = data[0].clone();
    int at = where % scores.length;
    scores[at] = bad;
    for (Runnable metric : List.<Runnable>of(
        () -> BinaryMetrics.auc(scores, data[1]),
        () -> BinaryMetrics.roc(scores, data[1]),
        () -> BinaryMetrics.confusion(scores, data[1], 0.5),
        () -> BinaryMetrics.logLoss(scores, data[1]),
        () -> EvaluationMetrics.of(scores, data[1], 0.5))) {
      assertThatThrownBy(metric::run)
          .isInstanceOf(BinaryMetrics.NonFiniteScoresException.class)
          .hasMessageContaining("(the first, #" + (at + 1) + ", is " + bad + ")");
    }
  }

  @Provide
  Arbitrary<Float> nonFinite() {
    return Arbitraries.of(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);
  }

  @Test
  void aNaNThresholdOrALabelOtherThanZeroOrOneIsRefused() {
    assertThatThrownBy(() -> BinaryMetrics.confusion(SCORES, LABELS, Double.NaN)).hasMessageContaining("threshold must be within [0,1], got NaN");
    assertThatThrownBy(() -> BinaryMetrics.auc(SCORES, new float[] {0, 0, 1, Float.NaN})).hasMessageContaining("labels must be 0 or 1, got NaN");
  }

  @Test
  void aModelsNonFiniteScoresAreBadInputNamingTheModelAndTheFirstId() {
    assertThatThrownBy(() -> BinaryMetrics.requireFinite(new float[] {0.2f, Float.NaN, Float.NaN}, List.of("a", "b", "c"), "runs/r1"))
        .isInstanceOf(pcam.util.InputException.class)
        .hasMessage("runs/r1: 2 of 3 scores are not finite (first: id b, NaN); the model diverged or is broken");
  }
}
