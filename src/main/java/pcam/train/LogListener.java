package pcam.train;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per epoch (stderr, and train.log while a run is open), and with {@code -v} one
 * DEBUG line per batch, for following a run with no progress bar (no terminal, CI).
 */
final class LogListener implements TrainingListener {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
  private int steps;

  @Override
  public void epochStarted(int epoch, int epochs, int steps, int images) {
    this.steps = steps;
  }

  @Override
  public void batchEnded(int epoch, int step, int images, pcam.model.TrainableModel.StepResult result, double runningLoss) {
    if (LOG.isDebugEnabled()) {
      LOG.debug(String.format(Locale.ROOT, "epoch %d batch %d/%d: loss %.4f", epoch, step, steps, runningLoss));
    }
  }

  @Override
  public void epochEnded(EpochRecord r, boolean best) {
    LOG.info(
        String.format(
            Locale.ROOT,
            "epoch %d: loss %.4f acc %.4f | val loss %.4f acc %.4f auc %.4f | lr %.2e | %.0f img/s%s",
            r.epoch(), r.trainLoss(), r.trainAccuracy(), r.valLoss(), r.valAccuracy(), r.valAuc(), r.lr(),
            r.imagesPerSecond(), best ? " | best" : ""));
  }

  @Override
  public void trainingEnded(TrainingResult result) {
    LOG.info("training ended: {}", result.stopReason());
  }
}
