package pcam.train;

import pcam.data.Augmentation;
import pcam.util.InputException;

/**
 * How the loop trains, whatever the model: the part of a run's config that {@link Trainer}
 * reads. {@code pcam train} and {@code pcam finetune} each build one from their own config.
 *
 * @param earlyStopPatience stop after this many epochs without a better validation AUC; 0 = never
 * @param seed batch order and augmentation; epoch e uses a stream derived from (seed, e)
 * @param loaderThreads background threads assembling (and augmenting) batches
 */
public record TrainingPlan(
    int epochs,
    int batchSize,
    double learningRate,
    LearningRateSchedule.Config schedule,
    Augmentation augmentation,
    int earlyStopPatience,
    long seed,
    int loaderThreads) {

  public TrainingPlan {
    if (epochs < 1) {
      throw new InputException("--epochs must be >= 1, got " + epochs);
    }
    if (batchSize < 1) {
      throw new InputException("--batch-size must be >= 1, got " + batchSize);
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new InputException("--lr must be a positive number, got " + learningRate);
    }
    if (earlyStopPatience < 0) {
      throw new InputException("--early-stop must be >= 0, got " + earlyStopPatience);
    }
    if (loaderThreads < 1) {
      throw new IllegalArgumentException("loader threads must be >= 1, got " + loaderThreads);
    }
    schedule.create(learningRate, epochs); // rejects a warm-up as long as the run, before any work
  }
}
