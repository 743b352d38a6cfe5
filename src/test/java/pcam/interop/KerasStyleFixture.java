package pcam.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TNumber;
import pcam.model.InputScale;

/**
 * SavedModels shaped like the ones notebooks write with tf.keras 2.x {@code model.save()}, built
 * in Java: {@code serving_default} takes one input named like a Keras input layer and returns one
 * output named after the last layer (e.g. {@code dense_1}), not pcam's {@code probability}. The
 * network is a fixed pseudo-random 3x3 conv (8 filters), ReLU, global mean, dense to K units and
 * the chosen head. Options bake preprocessing into the graph the way Keras layers do (a {@code
 * Rescaling} layer is a Mul by 1/255 and an AddV2 of 0), so that tests can check that pcam feeding
 * the same model from outside gives the same output.
 */
public final class KerasStyleFixture {
  /** The model's last op. */
  public enum Head {
    SIGMOID,
    SOFTMAX,
    /** Dense without activation: logits, ending in BiasAdd. */
    LOGIT,
    /** A clip after the sigmoid: the graph walk cannot tell probability from logit. */
    CLIPPED
  }

  /**
   * @param size input height and width
   * @param classes units of the last dense layer (K)
   * @param bake preprocessing inside the graph: null for none, or the scale whose Keras formula the
   *     graph applies to raw pixels (UNIT is a Rescaling(1/255) layer)
   * @param outputName the output key (tf.keras 2 names it after the last layer)
   * @param uint8 input dtype uint8 (cast to float inside) instead of float32
   * @param twoImageInputs a second image input, added to the first: not scorable by pcam
   */
  public record Options(int size, int classes, Head head, InputScale bake, String outputName, boolean uint8, boolean twoImageInputs) {
    public static Options sigmoid(int size) {
      return new Options(size, 1, Head.SIGMOID, null, "dense_1", false, false);
    }

    public Options withHead(Head h, int k) {
      return new Options(size, k, h, bake, outputName, uint8, twoImageInputs);
    }

    public Options baking(InputScale scale) {
      return new Options(size, classes, head, scale, outputName, uint8, twoImageInputs);
    }

    public Options asUint8() {
      return new Options(size, classes, head, bake, outputName, true, twoImageInputs);
    }

    public Options withTwoImageInputs() {
      return new Options(size, classes, head, bake, outputName, uint8, true);
    }
  }

  private KerasStyleFixture() {}

  public static Path create(Path dir, Options o) {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Shape shape = Shape.of(-1, o.size(), o.size(), 3);
      Placeholder<? extends TNumber> input = o.uint8()
          ? tf.withName("input_1").placeholder(TUint8.class, Placeholder.shape(shape))
          : tf.withName("input_1").placeholder(TFloat32.class, Placeholder.shape(shape));
      Operand<TFloat32> x = o.uint8() ? tf.dtypes.cast(input, TFloat32.class) : (Operand<TFloat32>) input;
      Placeholder<TFloat32> second = null;
      if (o.twoImageInputs()) {
        second = tf.withName("input_2").placeholder(TFloat32.class, Placeholder.shape(shape));
        x = tf.math.add(x, second);
      }
      x = bake(tf, x, o.bake());
      SplittableRandom random = new SplittableRandom(11);
      Operand<TFloat32> kernel = tf.variable(tf.constant(Shape.of(3, 3, 3, 8), DataBuffers.of(values(random, 3 * 3 * 3 * 8, 0.3f))));
      Operand<TFloat32> dense = tf.variable(tf.constant(Shape.of(8, o.classes()), DataBuffers.of(values(random, 8 * o.classes(), 2f))));
      Operand<TFloat32> bias = tf.variable(tf.constant(Shape.of(o.classes()), DataBuffers.of(values(random, o.classes(), 0.5f))));
      Operand<TFloat32> features =
          tf.nn.relu(tf.withSubScope("conv2d").nn.conv2d(x, kernel, List.of(1L, 1L, 1L, 1L), "VALID"));
      Operand<TFloat32> pooled = tf.math.mean(features, tf.constant(new int[] {1, 2}));
      Operand<TFloat32> logits = tf.withSubScope("dense_1").nn.biasAdd(tf.linalg.matMul(pooled, dense), bias);
      Operand<TFloat32> out = switch (o.head()) {
        case SIGMOID -> tf.math.sigmoid(logits);
        case SOFTMAX -> tf.nn.softmax(logits);
        case LOGIT -> logits;
        case CLIPPED -> tf.clipByValue(tf.math.sigmoid(logits), tf.constant(1e-6f), tf.constant(1 - 1e-6f));
      };
      Operand<TFloat32> named = tf.withName("Identity").identity(out);
      Signature.Builder signature = Signature.builder().key("serving_default").input("input_1", input);
      if (second != null) {
        signature.input("input_2", second);
      }
      s.initialize();
      SavedModelBundle.exporter(dir.toString()).withSession(s).withSignature(signature.output(o.outputName(), named).build()).export();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The Keras formula of {@code scale} on raw 0..255 pixels, as graph ops. */
  private static Operand<TFloat32> bake(Ops tf, Operand<TFloat32> x, InputScale scale) {
    if (scale == null || scale == InputScale.RAW) {
      return x;
    }
    return switch (scale) {
      // keras.layers.Rescaling(1/255): inputs * scale + offset
      case UNIT -> tf.math.add(tf.math.mul(x, tf.constant(1f / 255)), tf.constant(0f));
      case TF -> tf.math.sub(tf.math.div(x, tf.constant(127.5f)), tf.constant(1f));
      case IMAGENET -> tf.math.div(
          tf.math.sub(tf.math.div(x, tf.constant(255f)), tf.constant(new float[] {0.485f, 0.456f, 0.406f})),
          tf.constant(new float[] {0.229f, 0.224f, 0.225f}));
      case CAFFE -> tf.math.sub(
          tf.reverse(x, tf.constant(new long[] {-1L})), tf.constant(new float[] {103.939f, 116.779f, 123.68f}));
      default -> throw new IllegalArgumentException(scale.toString());
    };
  }

  private static float[] values(SplittableRandom random, int n, float scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
    }
    return v;
  }

}
