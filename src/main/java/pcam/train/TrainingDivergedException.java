package pcam.train;

import java.util.Locale;
import pcam.run.RunDirectory;
import pcam.util.ExplainedFailure;

/**
 * The loss (or the validation scores) became NaN or infinite: the weights are gone and every
 * further step, checkpoint or metric would be made up. The run stops where it is and keeps its
 * last finite checkpoint; nothing non-finite is saved or exported.
 */
public final class TrainingDivergedException extends ExplainedFailure {
  private final int epoch;
  private final int step;

  TrainingDivergedException(String what, int epoch, int step, int steps, double learningRate, RunDirectory dir) {
    super(String.format(Locale.ROOT, "training diverged: %s %s (learning rate %s); lower --lr (e.g. 10x) and start a"
        + " new run. %s", what, step > 0 ? "at epoch " + epoch + ", step " + step + " of " + steps : "after epoch " + epoch,
        Double.isNaN(learningRate) ? "?" : String.valueOf(learningRate),
        dir.hasCheckpoint() ? "The last finite checkpoint is kept in " + dir.lastCheckpoint() + "." : "No checkpoint had been saved yet."));
    this.epoch = epoch;
    this.step = step;
  }

  /** 1-based epoch in which the loss stopped being finite. */
  public int epoch() {
    return epoch;
  }

  /** 1-based step of that epoch; 0 when the validation scores, not a training step, were non-finite. */
  public int step() {
    return step;
  }
}
