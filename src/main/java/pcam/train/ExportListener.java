package pcam.train;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pcam.eval.EvaluationMetrics;
import pcam.run.RunDirectory;

/**
 * At the end of a run that was not interrupted: restores the best checkpoint and writes model/
 * (a SavedModel), metrics.json (the best epoch's validation metrics) and predictions.csv (the best
 * weights' validation scores, for the report's ROC curve and confusion matrix). The best
 * checkpoint is {@link CheckpointListener}'s, so that one goes in the same set.
 */
public final class ExportListener implements TrainingListener {
  private static final Logger LOG = LoggerFactory.getLogger(ExportListener.class);
  private Trainer.Run run;

  @Override
  public void trainingStarted(Trainer.Run run) {
    this.run = run;
  }

  @Override
  public void trainingEnded(TrainingResult result) {
    EvaluationMetrics best = result.best();
    if (result.interrupted() || best == null) {
      return;
    }
    RunDirectory dir = run.dir();
    run.model().restoreCheckpoint(dir.bestCheckpoint());
    run.model().exportSavedModel(dir.model());
    best.write(dir.metrics());
    run.scoreValidation(best.epoch()).write(dir.predictions());
    LOG.info("best epoch {}: validation AUC {}; model exported to {}", best.epoch(), String.format("%.4f", best.auc()), dir.model());
  }
}
