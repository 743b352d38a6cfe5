package pcam.eval;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.file.Path;
import pcam.util.Json;

/**
 * What {@code metrics.json} holds, for {@code evaluate}, the training loop (the run's and the best
 * checkpoint's) and the sweep alike; the one type that reads and writes it, so scripts and tests
 * read one set of key names: {@code epoch} (training runs only), {@code auc}, {@code accuracy},
 * {@code loss}, {@code n}, {@code confusion} {tn,fp,fn,tp} and {@code threshold}.
 *
 * @param epoch the best epoch (counted from 1) of a training run; null (and not written) for evaluate
 * @param loss mean binary cross-entropy of the probabilities (Keras clipping)
 * @param accuracy and {@code confusion} at {@code threshold} (predict 1 when probability >= it)
 */
public record EvaluationMetrics(
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer epoch,
    double auc, double accuracy, double loss, long n, BinaryMetrics.Confusion confusion, double threshold) {

  public static final double DEFAULT_THRESHOLD = 0.5;

  public static EvaluationMetrics of(float[] probabilities, float[] labels, double threshold) {
    return of(null, BinaryMetrics.auc(probabilities, labels), BinaryMetrics.logLoss(probabilities, labels),
        BinaryMetrics.confusion(probabilities, labels, threshold), threshold);
  }

  /** From an AUC, a loss and the confusion at {@code threshold}; accuracy and n follow from the confusion. */
  public static EvaluationMetrics of(Integer epoch, double auc, double loss, BinaryMetrics.Confusion confusion, double threshold) {
    return new EvaluationMetrics(epoch, auc, confusion.accuracy(), loss,
        confusion.tn() + confusion.fp() + confusion.fn() + confusion.tp(), confusion, threshold);
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
