package pcam.train;

import java.util.List;

/**
 * What a training run produced.
 *
 * @param history every epoch so far, including those of earlier runs when resumed
 * @param best the best epoch's validation metrics (null if no epoch finished)
 * @param stopReason why the loop ended: "completed", "early stop ...", or "interrupted"
 */
public record TrainingResult(
    List<EpochRecord> history, pcam.eval.EvaluationMetrics best, String stopReason, boolean interrupted) {}
