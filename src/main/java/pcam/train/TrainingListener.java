package pcam.train;

import java.util.ArrayList;
import java.util.List;
import pcam.model.TrainableModel;

/**
 * Hooks the loop calls, DJL-style, so that everything but the loop itself (progress, history,
 * logging, checkpoints, early stopping, the exported model, metrics and the report) is a listener
 * the caller chooses. Epochs count from 1.
 */
public interface TrainingListener {
  /**
   * Asked once when a run resumes, before {@link #trainingStarted}: a listener that keeps the
   * run's resume state ({@link CheckpointListener}) puts the model back where it was saved and
   * says where the loop stood; every other answers null (the first answer counts). With no answer
   * the run starts from epoch 1.
   */
  default Trainer.Restored restore(Trainer.Run run) {
    return null;
  }

  /** Once, before the first (or resumed) epoch: the run as listeners may use it. */
  default void trainingStarted(Trainer.Run run) {}

  /** Asked before each epoch: why the run should end before {@code epoch}, or null to go on. */
  default String stopBefore(int epoch) {
    return null;
  }

  default void epochStarted(int epoch, int epochs, int steps, int images) {}

  default void batchEnded(int epoch, int step, int images, TrainableModel.StepResult result, double runningLoss) {}

  /** After validation; {@code best}: the best epoch so far ({@link Trainer.Run#best} is it now). */
  default void epochEnded(EpochRecord record, boolean best) {}

  /** The loop stopped mid-epoch on request (Ctrl-C, {@link Trainer#requestStop}) at {@code state}. */
  default void interrupted(Trainer.State state) {}

  default void trainingEnded(TrainingResult result) {}

  /**
   * What {@code train}, {@code finetune} and each sweep cell leave in the run directory besides the
   * loop's own history.csv and train.log: the checkpoints ({@link CheckpointListener}, which a
   * resume needs), early stopping after {@code plan.earlyStopPatience()} epochs (when > 0), then
   * model/, metrics.json and predictions.csv of the best epoch ({@link ExportListener}) and
   * report.html ({@link ReportListener}), in that order.
   */
  static List<TrainingListener> runOutputs(TrainingPlan plan) {
    List<TrainingListener> listeners = new ArrayList<>();
    listeners.add(new CheckpointListener());
    if (plan.earlyStopPatience() > 0) {
      listeners.add(new EarlyStopping(plan.earlyStopPatience()));
    }
    listeners.add(new ExportListener());
    listeners.add(new ReportListener());
    return listeners;
  }
}
