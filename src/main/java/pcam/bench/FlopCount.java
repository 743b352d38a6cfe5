package pcam.bench;

import java.util.List;
import pcam.model.Architecture;
import pcam.model.Architecture.Conv;
import pcam.model.Architecture.Dense;
import pcam.model.Architecture.Layer;

/**
 * Floating-point operations per image, counted from the layer list: a multiply-add is two. Only
 * convolutions and dense layers are counted (pooling, ReLU, dropout and the loss are a rounding
 * error next to them). A training step is taken as three forward passes: the forward pass, and a
 * backward pass that computes both the input and the weight gradients, each as costly as forward.
 */
public final class FlopCount {
  private FlopCount() {}

  /** conv: 2 * Hout * Wout * k * k * Cin * Cout; dense: 2 * in * out. */
  public static long forwardPerImage(List<Layer> layers) {
    long flops = 0;
    for (Layer layer : layers) {
      if (layer instanceof Conv conv) {
        int[] out = conv.outputShape();
        flops += 2L * out[0] * out[1] * Architecture.KERNEL * Architecture.KERNEL * conv.inChannels() * conv.filters();
      } else if (layer instanceof Dense dense) {
        flops += 2L * dense.inUnits() * dense.units();
      }
    }
    return flops;
  }

  public static long trainPerImage(List<Layer> layers) {
    return 3 * forwardPerImage(layers);
  }
}
