package pcam.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import pcam.util.InputException;

/**
 * The study's two CNNs as layer lists (REFERENCE.md). One description drives both the graph
 * builder and the Keras-style summary, so they cannot disagree.
 */
public enum Architecture {
  /** conv32-pool-drop, conv64-pool-drop, conv128-pool-drop, dense256-drop, dense1. */
  CNN3(new int[][] {{32}, {64}, {128}}, 0.25, 0.25),
  /** Three blocks of 3 convs (32, 64, 128 filters) then pool and dropout; dense256-drop, dense1. */
  CNN9(new int[][] {{32, 32, 32}, {64, 64, 64}, {128, 128, 128}}, 0.3, 0.3);

  public static final int[] CROPS = {96, 84, 72, 60, 48, 32};
  public static final int KERNEL = 3;
  public static final int DENSE_UNITS = 256;

  private final int[][] blocks;
  private final double defaultConvDropout;
  private final double defaultDenseDropout;

  Architecture(int[][] blocks, double defaultConvDropout, double defaultDenseDropout) {
    this.blocks = blocks;
    this.defaultConvDropout = defaultConvDropout;
    this.defaultDenseDropout = defaultDenseDropout;
  }

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Dropout rate after each conv block when the study's dropout is on. */
  public double defaultConvDropout() {
    return defaultConvDropout;
  }

  /** Dropout rate after the 256-unit dense layer when the study's dropout is on. */
  public double defaultDenseDropout() {
    return defaultDenseDropout;
  }

  /**
   * Adam's rate. The study's lesson holds: cnn9 stalls at 1e-3 (reproduced on pcam-sample, seed 42:
   * accuracy stuck at the 0.6 prior). It learns at the study's 1e-4 but slowly (validation AUC 0.870
   * after 12 epochs), and at 3e-4 reaches 0.881 by epoch 10.
   */
  public double defaultLearningRate() {
    return this == CNN3 ? 1e-3 : 3e-4;
  }

  public static void checkCrop(int crop) {
    if (Arrays.stream(CROPS).noneMatch(c -> c == crop)) {
      throw new InputException("crop " + crop + " is not one of " + Arrays.toString(CROPS));
    }
  }

  /** One layer of the network, with the shape it outputs (batch dimension left out). */
  public sealed interface Layer {
    String name();

    int[] outputShape();

    /** Trainable parameters (weights + biases). */
    long params();
  }

  public record Conv(String name, int inChannels, int filters, int[] outputShape) implements Layer {
    public long params() {
      return (long) KERNEL * KERNEL * inChannels * filters + filters;
    }
  }

  public record MaxPool(String name, int[] outputShape) implements Layer {
    public long params() {
      return 0;
    }
  }

  public record Dropout(String name, double rate, int[] outputShape) implements Layer {
    public long params() {
      return 0;
    }
  }

  public record Flatten(String name, int[] outputShape) implements Layer {
    public long params() {
      return 0;
    }
  }

  /**
   * Batch normalisation of a conv layer's output, before its ReLU (Ioffe and Szegedy 2015): a
   * learned scale and shift per channel (the trainable parameters counted here) plus moving
   * averages of the batch mean and variance, used when scoring.
   */
  public record BatchNorm(String name, int channels, int[] outputShape) implements Layer {
    public long params() {
      return 2L * channels;
    }
  }

  /** The mean of each channel over the feature map (Keras GlobalAveragePooling2D). */
  public record GlobalAveragePool(String name, int[] outputShape) implements Layer {
    public long params() {
      return 0;
    }
  }

  public record Dense(String name, int inUnits, int units, boolean relu, int[] outputShape) implements Layer {
    public long params() {
      return (long) inUnits * units + units;
    }
  }

  /** The study's layers: the flatten head, no batch normalisation. */
  public List<Layer> layers(int crop, boolean dropout, double convDropout, double denseDropout) {
    return layers(crop, dropout, convDropout, denseDropout, Head.FLATTEN, false);
  }

  /**
   * The layers for a {@code crop}x{@code crop} input; dropout layers appear only when {@code
   * dropout} is on, a {@link BatchNorm} after each conv only with {@code batchNorm}. Keras names:
   * conv2d, conv2d_1, ..., like the study's summary.
   */
  public List<Layer> layers(int crop, boolean dropout, double convDropout, double denseDropout, Head head, boolean batchNorm) {
    checkCrop(crop);
    Names names = new Names();
    List<Layer> layers = new ArrayList<>();
    int size = crop;
    int channels = 3;
    for (int[] block : blocks) {
      for (int filters : block) {
        size -= KERNEL - 1; // 'valid' padding
        checkSize(size, crop);
        layers.add(new Conv(names.next("conv2d"), channels, filters, new int[] {size, size, filters}));
        if (batchNorm) {
          layers.add(new BatchNorm(names.next("batch_normalization"), filters, new int[] {size, size, filters}));
        }
        channels = filters;
      }
      size /= 2;
      checkSize(size, crop);
      layers.add(new MaxPool(names.next("max_pool"), new int[] {size, size, channels}));
      if (dropout) {
        layers.add(new Dropout(names.next("dropout"), convDropout, new int[] {size, size, channels}));
      }
    }
    int flat = head == Head.GAP ? channels : size * size * channels;
    if (head == Head.GAP) {
      layers.add(new GlobalAveragePool(names.next("global_average_pooling2d"), new int[] {flat}));
    } else {
      layers.add(new Flatten(names.next("flatten"), new int[] {flat}));
    }
    layers.add(new Dense(names.next("dense"), flat, DENSE_UNITS, true, new int[] {DENSE_UNITS}));
    if (dropout) {
      layers.add(new Dropout(names.next("dropout"), denseDropout, new int[] {DENSE_UNITS}));
    }
    layers.add(new Dense(names.next("dense"), DENSE_UNITS, 1, false, new int[] {1}));
    return layers;
  }

  private void checkSize(int size, int crop) {
    if (size < 1) {
      throw new InputException(cliName() + " does not fit a " + crop + "x" + crop + " crop (feature map shrinks to nothing)");
    }
  }

  public static long totalParams(List<Layer> layers) {
    return layers.stream().mapToLong(Layer::params).sum();
  }

  /** Keras layer naming: the first 'conv2d', then 'conv2d_1', 'conv2d_2', ... */
  private static final class Names {
    private final java.util.Map<String, Integer> counts = new java.util.HashMap<>();

    String next(String base) {
      int n = counts.merge(base, 1, Integer::sum) - 1;
      return n == 0 ? base : base + "_" + n;
    }
  }
}
