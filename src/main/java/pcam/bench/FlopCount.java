package pcam.bench;

import java.util.List;
import pcam.model.Architecture;
import pcam.model.Architecture.Conv;
import pcam.model.Architecture.Dense;
import pcam.model.Architecture.Layer;

/**
 * Floating-point operations per image, counted from the layer list: a multiply-add is two. Only
 * convolutions and dense layers are counted (pooling, ReLU, dropout and the loss are a rounding
 * error next to them). A training step is the forward pass plus, per layer, a weight gradient and
 * an input gradient, each as costly as that layer's forward pass, except the first layer's input
 * gradient: nothing needs the gradient of the pixels, and TensorFlow never computes it.
 */
public final class FlopCount {
  private FlopCount() {}

  /** conv: 2 * Hout * Wout * k * k * Cin * Cout; dense: 2 * in * out. */
  public static long forwardPerImage(List<Layer> layers) {
    return layers.stream().mapToLong(FlopCount::forward).sum();
  }

  public static long trainPerImage(List<Layer> layers) {
    long firstLayer = layers.stream().mapToLong(FlopCount::forward).filter(f -> f > 0).findFirst().orElse(0);
    return 3 * forwardPerImage(layers) - firstLayer;
  }

  /** One layer's forward FLOPs per image (0 for layers other than conv and dense). */
  public static long forward(Layer layer) {
    if (layer instanceof Conv conv) {
      int[] out = conv.outputShape();
      return 2L * out[0] * out[1] * Architecture.KERNEL * Architecture.KERNEL * conv.inChannels() * conv.filters();
    }
    if (layer instanceof Dense dense) {
      return 2L * dense.inUnits() * dense.units();
    }
    return 0;
  }
}
