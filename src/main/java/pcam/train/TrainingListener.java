package pcam.train;

import pcam.model.TrainableModel;

/** Hooks the loop calls, so progress, history and logging stay out of it. Epochs count from 1. */
public interface TrainingListener {
  default void epochStarted(int epoch, int epochs, int steps, int images) {}

  default void batchEnded(int epoch, int step, int images, TrainableModel.StepResult result, double runningLoss) {}

  default void epochEnded(EpochRecord record, boolean best) {}

  default void trainingEnded(TrainingResult result) {}
}
