package pcam.model;

import java.nio.file.Path;

/**
 * Where a training run's model comes from. Sealed: the run flow opens each kind (and a new kind,
 * such as another import format, is one more record here and one more branch there).
 */
public sealed interface ModelSource {
  /** A fresh cnn3/cnn9 graph built from its spec. */
  record Cnn(ModelSpec spec) implements ModelSource {}

  /**
   * A SavedModel to fine-tune: a folder written by {@code import-keras} (rebuilt in Java, with
   * {@code optimizer} and the trainable layers chosen here), or a contract SavedModel (its
   * train_step brings its own optimizer and trainable layers).
   *
   * @param trainableLayers import-keras models: train the last N layers with weights; null = all
   * @param freezeUntil import-keras models: freeze the layers with weights before this one; null = none
   * @param seed import-keras models: dropout and the like
   */
  record SavedModel(Path dir, Optimizer optimizer, Integer trainableLayers, String freezeUntil, long seed) implements ModelSource {}
}
