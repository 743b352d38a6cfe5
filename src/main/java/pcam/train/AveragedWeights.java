package pcam.train;

import pcam.model.TrainableModel;

/**
 * Puts a model's averaged weights (e.g. an exponential moving average, {@code --ema}) in place for
 * as long as it is open, and the trained ones back on close. The trainer validates inside it and
 * {@link CheckpointListener} saves the best checkpoint inside it, so the averages are what is
 * validated, kept as best and exported, while training continues on the trained weights. A model without averages is left as it is.
 */
final class AveragedWeights implements AutoCloseable {
  private final TrainableModel model;
  private final boolean swapped;

  private AveragedWeights(TrainableModel model, boolean swapped) {
    this.model = model;
    this.swapped = swapped;
  }

  static AveragedWeights swapIn(TrainableModel model) {
    return new AveragedWeights(model, model.swapAveragedWeights());
  }

  @Override
  public void close() {
    if (swapped) {
      model.swapAveragedWeights();
    }
  }
}
