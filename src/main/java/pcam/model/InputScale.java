package pcam.model;

import java.util.Arrays;
import java.util.Locale;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import pcam.util.InputException;

/**
 * The pixel scale a Keras model was trained on. pcam's contract feeds RGB 0..255, so an imported
 * model gets this conversion in front of its first layer. Keras's names: {@code
 * keras.applications.imagenet_utils.preprocess_input} modes {@code caffe}, {@code tf}, {@code torch}
 * (= {@link #IMAGENET}).
 */
public enum InputScale {
  /** 0..255, unchanged (the model's own Rescaling layer, if any, does the rest). */
  RAW,
  /** x / 255. */
  UNIT,
  /** x / 255, then per channel (x - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225]. */
  IMAGENET,
  /** RGB to BGR, then minus [103.939, 116.779, 123.68] (VGG16/ResNet50 of keras.applications). */
  CAFFE,
  /** x / 127.5 - 1, i.e. -1..1 (MobileNet, Inception, Xception). */
  TF;

  static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
  static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};
  static final float[] CAFFE_BGR_MEAN = {103.939f, 116.779f, 123.68f};

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static InputScale fromName(String name) {
    for (InputScale s : values()) {
      if (s.cliName().equalsIgnoreCase(name)) {
        return s;
      }
    }
    throw new InputException("unknown --input-scale '" + name + "' (choose from " + Arrays.toString(names()) + ")");
  }

  public static String[] names() {
    return Arrays.stream(values()).map(InputScale::cliName).toArray(String[]::new);
  }

  /** One line for logs and inspect: what the model receives. */
  public String describe() {
    return switch (this) {
      case RAW -> "raw: RGB 0..255 as is";
      case UNIT -> "unit: RGB / 255 (0..1)";
      case IMAGENET -> "imagenet: RGB / 255, then (x - [0.485,0.456,0.406]) / [0.229,0.224,0.225]";
      case CAFFE -> "caffe: BGR minus [103.939,116.779,123.68]";
      case TF -> "tf: RGB / 127.5 - 1 (-1..1)";
    };
  }

  /** The conversion of float32 NHWC RGB 0..255 {@code x}, as graph ops. */
  public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x) {
    return switch (this) {
      case RAW -> x;
      case UNIT -> tf.math.mul(x, tf.constant(1f / 255));
      case IMAGENET -> {
        // (x/255 - m) / s, in the operation order of Keras's "torch" mode.
        Operand<TFloat32> unit = tf.math.div(x, tf.constant(255f));
        yield tf.math.div(tf.math.sub(unit, tf.constant(IMAGENET_MEAN)), tf.constant(IMAGENET_STD));
      }
      case CAFFE -> {
        Operand<TFloat32> bgr = tf.reverse(x, tf.constant(new int[] {-1}));
        yield tf.math.sub(bgr, tf.constant(CAFFE_BGR_MEAN));
      }
      case TF -> tf.math.sub(tf.math.div(x, tf.constant(127.5f)), tf.constant(1f));
    };
  }
}
