package pcam.model;

import pcam.data.Batch;

/**
 * Anything that turns a batch of RGB uint8 patches into tumour probabilities: a model trained in
 * Java, or any SavedModel with the scoring contract. Owns native resources; close it.
 */
public interface ScoringModel extends AutoCloseable {
  /** Input height the model expects; batches of another size must be resized first. */
  int inputHeight();

  int inputWidth();

  /** One probability of label 1 per patch, in batch order. */
  float[] predict(Batch batch);

  @Override
  void close();
}
