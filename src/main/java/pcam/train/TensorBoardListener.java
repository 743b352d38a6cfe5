package pcam.train;

import java.nio.file.Path;
import pcam.eval.TensorBoardWriter;

/** Writes each epoch's scalars as TensorBoard events ({@code train --tensorboard DIR}). */
public final class TensorBoardListener implements TrainingListener, AutoCloseable {
  private final TensorBoardWriter writer;

  public TensorBoardListener(Path logDir) {
    this.writer = TensorBoardWriter.create(logDir);
  }

  @Override
  public void epochEnded(EpochRecord record, boolean best) {
    int step = record.epoch();
    writer.scalar("train/loss", step, record.trainLoss());
    writer.scalar("train/accuracy", step, record.trainAccuracy());
    writer.scalar("validation/loss", step, record.valLoss());
    writer.scalar("validation/accuracy", step, record.valAccuracy());
    writer.scalar("validation/auc", step, record.valAuc());
    writer.scalar("learning_rate", step, record.lr());
    writer.scalar("images_per_second", step, record.imagesPerSecond());
  }

  @Override
  public void close() {
    writer.close();
  }
}
