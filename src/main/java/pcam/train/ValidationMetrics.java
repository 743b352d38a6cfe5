package pcam.train;

import pcam.eval.BinaryMetrics;

/**
 * What a run's metrics.json holds: the best epoch's validation metrics. The key names are those of
 * {@link pcam.eval.EvaluationMetrics} plus {@code epoch}; scripts and tests rely on them.
 */
public record ValidationMetrics(
    int epoch, double auc, double accuracy, double loss, long n, BinaryMetrics.Confusion confusion, double threshold) {}
