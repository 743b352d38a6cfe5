package pcam.model;

import java.util.List;

/**
 * Everything that fixes a CNN graph: the architecture, the centre crop, dropout, regularisation
 * (Keras semantics: {@code l1 * sum|w| + l2 * sum w^2} over kernels, not biases), the kernel
 * initializer, the optimizer, the seed all random streams derive from, and the decay of the
 * exponential moving average of the weights ({@code emaDecay}, 0 = none; see {@link CnnGraph#EMA_SWAP}),
 * the {@link Head} between the conv blocks and the dense layers, and batch normalisation after each
 * conv ({@code batchNorm}; see {@link CnnGraph#BN_MOMENTUM}).
 */
public record ModelSpec(
    Architecture architecture,
    int crop,
    boolean dropout,
    double convDropout,
    double denseDropout,
    double l1,
    double l2,
    Initializer initializer,
    Optimizer optimizer,
    long seed,
    double emaDecay,
    Head head,
    boolean batchNorm) {

  public ModelSpec {
    java.util.Objects.requireNonNull(head, "head");
    Architecture.checkCrop(crop);
    checkRate("conv dropout", convDropout);
    checkRate("dense dropout", denseDropout);
    if (!(l1 >= 0 && l2 >= 0 && Double.isFinite(l1) && Double.isFinite(l2))) {
      throw new pcam.util.InputException("l1/l2 must be finite and >= 0, got " + l1 + "/" + l2);
    }
    if (!(emaDecay == 0 || (emaDecay > 0 && emaDecay < 1))) {
      throw new pcam.util.InputException("--ema decay must be in (0, 1), or 0 for none, got " + emaDecay);
    }
  }

  /** The study's flatten head, no batch normalisation. */
  public ModelSpec(
      Architecture architecture, int crop, boolean dropout, double convDropout, double denseDropout, double l1, double l2,
      Initializer initializer, Optimizer optimizer, long seed, double emaDecay) {
    this(architecture, crop, dropout, convDropout, denseDropout, l1, l2, initializer, optimizer, seed, emaDecay, Head.FLATTEN, false);
  }

  /** Without weight averaging, with the study's flatten head. */
  public ModelSpec(
      Architecture architecture, int crop, boolean dropout, double convDropout, double denseDropout, double l1, double l2,
      Initializer initializer, Optimizer optimizer, long seed) {
    this(architecture, crop, dropout, convDropout, denseDropout, l1, l2, initializer, optimizer, seed, 0);
  }

  public ModelSpec withEma(double decay) {
    return new ModelSpec(architecture, crop, dropout, convDropout, denseDropout, l1, l2, initializer, optimizer, seed, decay, head, batchNorm);
  }

  public ModelSpec withHead(Head newHead) {
    return new ModelSpec(architecture, crop, dropout, convDropout, denseDropout, l1, l2, initializer, optimizer, seed, emaDecay, newHead, batchNorm);
  }

  public ModelSpec withBatchNorm(boolean on) {
    return new ModelSpec(architecture, crop, dropout, convDropout, denseDropout, l1, l2, initializer, optimizer, seed, emaDecay, head, on);
  }

  /** The study's defaults for {@code architecture} at full size, with the given seed. */
  public static ModelSpec defaults(Architecture architecture, long seed) {
    return new ModelSpec(
        architecture, 96, true, architecture.defaultConvDropout(), architecture.defaultDenseDropout(),
        0, 0, Initializer.GLOROT_UNIFORM, Optimizer.ADAM, seed);
  }

  public ModelSpec withSeed(long newSeed) {
    return new ModelSpec(architecture, crop, dropout, convDropout, denseDropout, l1, l2, initializer, optimizer, newSeed, emaDecay, head, batchNorm);
  }

  public List<Architecture.Layer> layers() {
    return architecture.layers(crop, dropout, convDropout, denseDropout, head, batchNorm);
  }

  private static void checkRate(String what, double rate) {
    if (!(rate >= 0 && rate < 1)) {
      throw new pcam.util.InputException(what + " rate must be in [0, 1), got " + rate);
    }
  }
}
