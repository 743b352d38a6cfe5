package pcam.model;

import java.util.Locale;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras-exact variance-scaling initializers, written here because the framework's are broken in
 * TF Java 1.1.0 (DESIGN.md, measured traps): uniform draws from [-limit, limit], fans follow Keras
 * (receptive field = product of all but the last two dims), and each variable has its own seed.
 */
public enum Initializer {
  GLOROT_UNIFORM(1, Mode.FAN_AVG, true),
  GLOROT_NORMAL(1, Mode.FAN_AVG, false),
  LECUN_NORMAL(1, Mode.FAN_IN, false),
  LECUN_UNIFORM(1, Mode.FAN_IN, true),
  HE_NORMAL(2, Mode.FAN_IN, false),
  HE_UNIFORM(2, Mode.FAN_IN, true);

  /** Keras divides by the sd of a unit normal truncated at +-2, so the truncated draw has sd 1. */
  static final double TRUNCATED_NORMAL_SD = 0.87962566103423978;

  private enum Mode { FAN_IN, FAN_AVG }

  private final double scale;
  private final Mode mode;
  private final boolean uniform;

  Initializer(double scale, Mode mode, boolean uniform) {
    this.scale = scale;
    this.mode = mode;
    this.uniform = uniform;
  }

  /** The Keras name, e.g. {@code lecun_normal}. */
  public String kerasName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Keras fans: [fan_in, fan_out] with the receptive field = product of dims[:-2]. */
  public static long[] fans(Shape shape) {
    int rank = shape.numDimensions();
    if (rank < 2) {
      throw new IllegalArgumentException("fans need a kernel of rank >= 2, got " + shape);
    }
    long receptiveField = 1;
    for (int d = 0; d < rank - 2; d++) {
      receptiveField *= shape.size(d);
    }
    return new long[] {receptiveField * shape.size(rank - 2), receptiveField * shape.size(rank - 1)};
  }

  /** Standard deviation of the weights this initializer draws for a kernel of {@code shape}. */
  public double standardDeviation(Shape shape) {
    return Math.sqrt(variance(shape));
  }

  private double variance(Shape shape) {
    long[] fans = fans(shape);
    double n = mode == Mode.FAN_IN ? fans[0] : (fans[0] + fans[1]) / 2.0;
    return scale / n;
  }

  /**
   * The initial value as graph ops (build them in the init scope). {@code seed} is this
   * variable's own seed, so two variables never share a random stream.
   */
  public Operand<TFloat32> initialValue(Ops init, Shape shape, long seed) {
    Operand<org.tensorflow.types.TInt64> dims = init.constant(shape.asArray());
    Operand<org.tensorflow.types.TInt64> seeds = init.constant(new long[] {seed, seed >>> 32 ^ 0x5DEECE66DL});
    if (uniform) {
      float limit = (float) Math.sqrt(3 * variance(shape));
      Operand<TFloat32> u = init.random.statelessRandomUniform(dims, seeds);
      // [0,1) -> [-limit, limit)
      return init.math.sub(init.math.mul(u, init.constant(2 * limit)), init.constant(limit));
    }
    float sd = (float) (Math.sqrt(variance(shape)) / TRUNCATED_NORMAL_SD);
    return init.math.mul(init.random.statelessTruncatedNormal(dims, seeds), init.constant(sd));
  }
}
