package pcam.model;

import java.nio.file.Path;
import pcam.data.Batch;

/**
 * A model the training loop can drive: the study's CNNs built in Java, or a Keras SavedModel with
 * the fine-tuning contract ({@code train_step}). The loop never sees which.
 */
public interface TrainableModel extends ScoringModel {
  /** One optimizer step at the given learning rate, with dropout on; batch-mean loss and accuracy. */
  StepResult trainStep(Batch batch, float learningRate);

  /** Batch-mean loss (with dropout off, no regularisation) and probabilities, for validation. */
  EvalResult evaluate(Batch batch);

  /** Writes everything needed to continue training (weights and optimizer state) into {@code dir}. */
  void saveCheckpoint(Path dir);

  /** Restores what {@link #saveCheckpoint} wrote. */
  void restoreCheckpoint(Path dir);

  /**
   * Swaps the trained weights with their moving averages, if the model keeps any (a second call
   * swaps back); returns whether it did. Checkpoints and exports take whichever set is in place.
   */
  default boolean swapAveragedWeights() {
    return false;
  }

  /** Writes a scorable SavedModel ({@code serving_default}: images 0..255 -> probability) to {@code dir}. */
  void exportSavedModel(Path dir);

  record StepResult(float loss, float accuracy) {}

  record EvalResult(float loss, float[] probabilities) {}
}
