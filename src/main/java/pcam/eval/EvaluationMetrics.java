package pcam.eval;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.nio.file.Path;
import pcam.util.Json;

/**
 * What {@code metrics.json} holds, for {@code evaluate} and for the training loop alike, so that
 * scripts and tests read one set of key names: {@code auc}, {@code accuracy}, {@code loss},
 * {@code n}, {@code confusion} {tn,fp,fn,tp} and {@code threshold}.
 *
 * @param loss mean binary cross-entropy of the probabilities (Keras clipping)
 * @param accuracy and {@code confusion} at {@code threshold} (predict 1 when probability >= it)
 */
@JsonIgnoreProperties(ignoreUnknown = true) // a training run's metrics.json adds "epoch"
public record EvaluationMetrics(
    double auc, double accuracy, double loss, long n, BinaryMetrics.Confusion confusion, double threshold) {

  public static final double DEFAULT_THRESHOLD = 0.5;

  public static EvaluationMetrics of(float[] probabilities, float[] labels, double threshold) {
    BinaryMetrics.Confusion confusion = BinaryMetrics.confusion(probabilities, labels, threshold);
    return new EvaluationMetrics(
        BinaryMetrics.auc(probabilities, labels),
        confusion.accuracy(),
        BinaryMetrics.logLoss(probabilities, labels),
        probabilities.length,
        confusion,
        threshold);
  }

  /** Atomically, pretty-printed. */
  public void write(Path file) {
    Json.write(file, this);
  }

  public static EvaluationMetrics read(Path file) {
    return Json.read(file, EvaluationMetrics.class);
  }

  /** One line for the terminal. */
  public String summary() {
    return String.format(
        java.util.Locale.ROOT,
        "n=%d  auc=%.4f  accuracy=%.4f  loss=%.4f  (threshold %.2f: tn=%d fp=%d fn=%d tp=%d)",
        n, auc, accuracy, loss, threshold, confusion.tn(), confusion.fp(), confusion.fn(), confusion.tp());
  }
}
