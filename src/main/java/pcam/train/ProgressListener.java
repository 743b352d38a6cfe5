package pcam.train;

import java.util.Locale;
import pcam.model.TrainableModel;
import pcam.util.Progress;

/** A progress bar per epoch (images), showing the running training loss. */
final class ProgressListener implements TrainingListener, AutoCloseable {
  private Progress bar;

  @Override
  public void epochStarted(int epoch, int epochs, int steps, int images) {
    close();
    bar = Progress.start("epoch " + epoch + "/" + epochs, images, "img");
  }

  @Override
  public void batchEnded(int epoch, int step, int images, TrainableModel.StepResult result, double runningLoss) {
    bar.step(images);
    bar.message(String.format(Locale.ROOT, "loss %.4f", runningLoss));
  }

  @Override
  public void epochEnded(EpochRecord record, boolean best) {
    close();
  }

  @Override
  public void trainingEnded(TrainingResult result) {
    close();
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
