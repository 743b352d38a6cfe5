package pcam.train;

import pcam.eval.BinaryMetrics;

/** What metrics.json holds: the best epoch's validation metrics. Key names are a stable contract. */
public record ValidationMetrics(
    int epoch, double auc, double accuracy, double loss, long n, Confusion confusion, double threshold) {

  public record Confusion(long tn, long fp, long fn, long tp) {
    static Confusion of(BinaryMetrics.Confusion c) {
      return new Confusion(c.tn(), c.fp(), c.fn(), c.tp());
    }
  }
}
