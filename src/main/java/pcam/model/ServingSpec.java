package pcam.model;

import pcam.util.InputException;

/**
 * How {@link SavedModelScorer} drives a SavedModel's serving function: which tensors, how pixels
 * are fed, and how the output row becomes the probability of the positive class. Built by {@code
 * pcam.interop.ScoringSetup} from the graph, the user's flags and the stored {@link ModelMetadata}.
 *
 * @param inputTensor the image input, one [N,H,W,3] tensor
 * @param uint8Input true when the input is uint8 (pixels are fed as they are; {@code scale} is raw)
 * @param height input height; patches are resized to it
 * @param width input width
 * @param outputTensor the output, [N,K]
 * @param classes K, or -1 when the signature leaves it unknown (checked on the first batch)
 * @param positiveClass the column read: the probability of this class. For K = 1 (a sigmoid) class
 *     1 is the output itself and class 0 its complement
 * @param activation what pcam applies to the output row first (none when it already holds probabilities)
 * @param scale how uint8 pixels become the fed float values
 */
public record ServingSpec(
    String inputTensor,
    boolean uint8Input,
    int height,
    int width,
    String outputTensor,
    int classes,
    int positiveClass,
    Activation activation,
    InputScale scale) {

  /** What turns the model's output row into probabilities. */
  public enum Activation {
    NONE,
    SIGMOID,
    SOFTMAX
  }

  public ServingSpec {
    if (uint8Input && scale != InputScale.RAW) {
      throw new InputException("the model's input is uint8, which only carries raw 0..255 pixels, not input scale " + scale);
    }
  }

  /**
   * The probability of the positive class for each of {@code n} rows of {@code output} (row-major,
   * {@code k} columns, as fetched).
   */
  public float[] positiveProbabilities(float[] output, int n, int k) {
    int want = classes < 0 ? k : classes;
    if (k != want || output.length != (long) n * k) {
      throw new IllegalStateException("model output has " + k + " columns, expected " + want);
    }
    if (k == 1 ? positiveClass > 1 : positiveClass >= k) {
      throw new InputException("positive class " + positiveClass + " is out of range: the output has " + k
          + " class" + (k == 1 ? " (a sigmoid: 0 or 1)" : "es (0.." + (k - 1) + ")"));
    }
    float[] p = new float[n];
    for (int row = 0; row < n; row++) {
      int at = row * k;
      double value;
      if (k == 1) {
        double v = output[at];
        value = activation == Activation.NONE ? v : 1 / (1 + Math.exp(-v));
        value = positiveClass == 0 ? 1 - value : value;
      } else if (activation == Activation.SOFTMAX) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
          max = Math.max(max, output[at + j]);
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
          sum += Math.exp(output[at + j] - max);
        }
        value = Math.exp(output[at + positiveClass] - max) / sum;
      } else if (activation == Activation.SIGMOID) {
        value = 1 / (1 + Math.exp(-output[at + positiveClass]));
      } else {
        value = output[at + positiveClass];
      }
      p[row] = (float) value;
    }
    return p;
  }
}
