package pcam;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;

/**
 * Small SavedModels with pcam's scoring contract (serving_default: images float32 [N,H,W,3]
 * 0..255 -> probability [N,1]), built and exported in Java, for tests that need a real model on
 * disk. Weights are {@code tf.variable}s so the export has a real variables/ checkpoint.
 */
public final class TinySavedModels {
  /** Slope of {@link #meanIntensity}: probability = sigmoid(SLOPE * (mean/255 - 0.5)). */
  public static final float SLOPE = 4f;

  private TinySavedModels() {}

  /**
   * probability = sigmoid(4 * (mean pixel / 255 - 0.5)): invariant under every flip and rotation,
   * and easy to compute by hand with {@link #expectedMeanIntensity}.
   */
  public static Path meanIntensity(Path dir, int size) {
    return meanIntensity(dir, size, "serving_default");
  }

  /** {@link #meanIntensity} under another signature key: e.g. a SavedModel without serving_default. */
  public static Path meanIntensity(Path dir, int size, String signatureKey) {
    return meanIntensity(dir, size, signatureKey, SLOPE);
  }

  /** What a diverged training leaves: {@link #meanIntensity} with a NaN weight, so every score is NaN. */
  public static Path diverged(Path dir, int size) {
    return meanIntensity(dir, size, "serving_default", Float.NaN);
  }

  private static Path meanIntensity(Path dir, int size, String signatureKey, float slopeValue) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> images = images(tf, size);
      Operand<TFloat32> mean = tf.math.mean(images, tf.constant(new int[] {1, 2, 3}), Mean.keepDims(true));
      Operand<TFloat32> slope = tf.variable(tf.constant(slopeValue));
      Operand<TFloat32> centred = tf.math.sub(tf.math.div(tf.reshape(mean, tf.constant(new long[] {-1, 1})), tf.constant(255f)), tf.constant(0.5f));
      return export(g, tf, dir, signatureKey, images, tf.math.sigmoid(tf.math.mul(slope, centred)));
    }
  }

  /** What {@link #meanIntensity} gives for one HWC uint8 patch. */
  public static float expectedMeanIntensity(byte[] pixels) {
    double sum = 0;
    for (byte b : pixels) {
      sum += b & 0xff;
    }
    return (float) (1 / (1 + Math.exp(-SLOPE * (sum / pixels.length / 255 - 0.5))));
  }

  /**
   * A stand-in for a real CNN's cost: 3x3 conv with {@code filters} fixed pseudo-random filters,
   * ReLU, global mean, dense to one logit, sigmoid. Not orientation-invariant.
   */
  public static Path conv(Path dir, int size, int filters) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> images = images(tf, size);
      SplittableRandom random = new SplittableRandom(7);
      Operand<TFloat32> kernel = tf.variable(tf.constant(Shape.of(3, 3, 3, filters), randomArray(random, 3 * 3 * 3 * filters, 0.01f)));
      Operand<TFloat32> dense = tf.variable(tf.constant(Shape.of(filters, 1), randomArray(random, filters, 1f)));
      Operand<TFloat32> features =
          tf.nn.relu(tf.nn.conv2d(tf.math.div(images, tf.constant(255f)), kernel, java.util.List.of(1L, 1L, 1L, 1L), "VALID"));
      Operand<TFloat32> pooled = tf.math.mean(features, tf.constant(new int[] {1, 2}));
      return export(g, tf, dir, "serving_default", images, tf.math.sigmoid(tf.linalg.matMul(pooled, dense)));
    }
  }

  private static org.tensorflow.ndarray.buffer.FloatDataBuffer randomArray(SplittableRandom random, int n, float scale) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
    }
    return org.tensorflow.ndarray.buffer.DataBuffers.of(values);
  }

  private static Placeholder<TFloat32> images(Ops tf, int size) {
    return tf.withName("images").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, size, size, 3)));
  }

  private static Path export(Graph g, Ops tf, Path dir, String key, Placeholder<TFloat32> images, Operand<TFloat32> probability) {
    Operand<TFloat32> output = tf.withName("probability").identity(probability);
    try (Session s = new Session(g)) {
      s.initialize();
      SavedModelBundle.exporter(dir.toString())
          .withSession(s)
          .withSignature(Signature.builder().key(key).input("images", images).output("probability", output).build())
          .export();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }
}
