package pcam.model;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The workaround, in bf16 graphs, for TF 2.18's oneDNN bfloat16 forward Conv2D: over an odd number
 * of input channels above 1 it returns wrong, run-to-run varying outputs on this build (measured on
 * Zen 5 for 3, 5, 7, 9, 11 and 13: relative error 0.3 to 1.5 against float32, some runs 1e16; 1, 2,
 * 4, 6, 8, 12, 16, 24 and 64 agree to bfloat16's ~0.4%, as do both gradients and MatMul at any
 * size), and training on it diverges. Such a conv reads its input with one zero channel appended
 * ({@link #input}) through its kernel with one zero input row appended ({@link #kernel}): the same
 * convolution, and its gradients reach the unpadded weights unchanged. The variables, checkpoints,
 * parameter counts and exports stay as they are; float32 graphs get no pad at all.
 */
final class Bf16ConvPad {
  private Bf16ConvPad() {}

  /** Whether a Conv2D over {@code inChannels} input channels needs the pad in a {@code precision} graph. */
  static boolean needed(Precision precision, long inChannels) {
    return precision == Precision.BF16 && inChannels > 1 && inChannels % 2 == 1;
  }

  /** An NHWC map with one zero channel appended. */
  static Operand<TFloat32> input(Ops tf, Operand<TFloat32> x) {
    return padOne(tf, x, 3);
  }

  /** An HWIO kernel with one zero input row appended, to read {@link #input}'s map. */
  static Operand<TFloat32> kernel(Ops tf, Operand<TFloat32> kernel) {
    return padOne(tf, kernel, 2);
  }

  /** {@code x} with one zero slice appended along {@code axis} of its 4. */
  private static Operand<TFloat32> padOne(Ops tf, Operand<TFloat32> x, int axis) {
    int[][] paddings = new int[4][2];
    paddings[axis][1] = 1;
    return tf.pad(x, tf.constant(paddings), tf.constant(0f));
  }
}
