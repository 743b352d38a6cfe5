package pcam.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import pcam.util.InputException;

/**
 * The pixel values a model's image input expects, as Keras notebooks prepare them. pcam's patches
 * are RGB uint8; each scale maps a pixel value v of source channel {@link #sourceChannel} to the
 * value fed in channel c, exactly as {@code keras.applications.imagenet_utils.preprocess_input}
 * does for the three named modes.
 */
public enum InputScale {
  /** 0..255 as decoded: the contract's scale, and the one to use when the graph rescales itself. */
  RAW("raw", "0..255 RGB as decoded"),
  /** v / 255: {@code ImageDataGenerator(rescale=1/255)}, the usual notebook scale. */
  UNIT("unit", "v/255, 0..1 RGB"),
  /** Keras mode "torch": (v/255 - mean) / std with the ImageNet RGB mean and std. */
  IMAGENET("imagenet", "(v/255 - [0.485,0.456,0.406]) / [0.229,0.224,0.225], RGB"),
  /** Keras mode "caffe" (VGG16, ResNet50): RGB to BGR, minus the ImageNet BGR means, no scaling. */
  CAFFE("caffe", "BGR, v - [103.939,116.779,123.68]"),
  /** Keras mode "tf" (MobileNet, Inception, Xception): v/127.5 - 1, -1..1 RGB. */
  TF("tf", "v/127.5 - 1, -1..1 RGB");

  /** Keras's constants; in a holder because enum constants are built before an enum's own statics. */
  private static final class Keras {
    static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406};
    static final double[] IMAGENET_STD = {0.229, 0.224, 0.225};
    static final double[] CAFFE_BGR_MEAN = {103.939, 116.779, 123.68};
  }

  private final String label;
  private final String formula;
  private final float[][] tables = new float[3][256];

  InputScale(String label, String formula) {
    this.label = label;
    this.formula = formula;
    for (int c = 0; c < 3; c++) {
      for (int v = 0; v < 256; v++) {
        tables[c][v] = (float) value(c, v);
      }
    }
  }

  private double value(int channel, int v) {
    return switch (label) {
      case "raw" -> v;
      case "unit" -> v / 255.0;
      case "imagenet" -> (v / 255.0 - Keras.IMAGENET_MEAN[channel]) / Keras.IMAGENET_STD[channel];
      case "caffe" -> v - Keras.CAFFE_BGR_MEAN[channel];
      case "tf" -> v / 127.5 - 1;
      default -> throw new IllegalStateException(label);
    };
  }

  @JsonValue
  public String label() {
    return label;
  }

  /** How a pixel value v becomes the fed value, for logs and {@code inspect}. */
  public String formula() {
    return formula;
  }

  /** The RGB channel (0 R, 1 G, 2 B) that feeds input channel {@code channel}: reversed for caffe (BGR). */
  public int sourceChannel(int channel) {
    return this == CAFFE ? 2 - channel : channel;
  }

  /** The fed value for pixel value {@code v} (0..255) landing in input channel {@code channel}. */
  public float apply(int channel, int v) {
    return tables[channel][v];
  }

  /** Lookup table of input channel {@code channel}, indexed by the pixel value 0..255. */
  float[] table(int channel) {
    return tables[channel];
  }

  @JsonCreator
  public static InputScale parse(String text) {
    String wanted = text.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values())
        .filter(s -> s.label.equals(wanted))
        .findFirst()
        .orElseThrow(() -> new InputException("unknown input scale '" + text + "' (expected one of " + labels() + ")"));
  }

  public static String labels() {
    return Arrays.stream(values()).map(InputScale::label).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return label;
  }
}
