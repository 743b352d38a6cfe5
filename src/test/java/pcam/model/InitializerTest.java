package pcam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class InitializerTest {
  private static final Shape DENSE = Shape.of(512, 256);
  private static final Shape CONV = Shape.of(3, 3, 64, 128);

  @Test
  void fansFollowKeras() {
    assertThat(Initializer.fans(DENSE)).containsExactly(512, 256);
    // receptive field 3*3 counted once: fan_in 9*64, fan_out 9*128
    assertThat(Initializer.fans(CONV)).containsExactly(576, 1152);
  }

  @Test
  void standardDeviationsAreTheKerasFormulas() {
    assertThat(Initializer.GLOROT_UNIFORM.standardDeviation(CONV)).isCloseTo(Math.sqrt(2.0 / (576 + 1152)), within(1e-12));
    assertThat(Initializer.GLOROT_NORMAL.standardDeviation(DENSE)).isCloseTo(Math.sqrt(2.0 / (512 + 256)), within(1e-12));
    assertThat(Initializer.LECUN_NORMAL.standardDeviation(CONV)).isCloseTo(Math.sqrt(1.0 / 576), within(1e-12));
    assertThat(Initializer.HE_UNIFORM.standardDeviation(DENSE)).isCloseTo(Math.sqrt(2.0 / 512), within(1e-12));
  }

  @ParameterizedTest
  @EnumSource(Initializer.class)
  void drawsHaveMeanZeroAndTheFormulasSpreadForDenseAndConvKernels(Initializer initializer) {
    for (Shape shape : new Shape[] {DENSE, CONV}) {
      float[] w = draw(initializer, shape, 42);
      double expectedSd = initializer.standardDeviation(shape);
      double mean = 0;
      for (float v : w) {
        mean += v;
      }
      mean /= w.length;
      double var = 0;
      double maxAbs = 0;
      for (float v : w) {
        var += (v - mean) * (v - mean);
        maxAbs = Math.max(maxAbs, Math.abs(v));
      }
      double sd = Math.sqrt(var / w.length);
      assertThat(mean).as("%s %s mean", initializer, shape).isCloseTo(0, within(0.02 * expectedSd));
      assertThat(sd).as("%s %s sd", initializer, shape).isCloseTo(expectedSd, within(0.02 * expectedSd));
      boolean uniform = initializer.kerasName().endsWith("uniform");
      // uniform: |w| <= sqrt(3)*sd; truncated normal: |w| <= 2 * sd / 0.8796...
      double bound = uniform ? Math.sqrt(3) * expectedSd : 2 * expectedSd / Initializer.TRUNCATED_NORMAL_SD;
      assertThat(maxAbs).isLessThanOrEqualTo(bound * (1 + 1e-6)).isGreaterThan(0.95 * bound);
    }
  }

  @Test
  void differentSeedsGiveDifferentStreamsAndTheSameSeedRepeats() {
    float[] a = draw(Initializer.GLOROT_UNIFORM, DENSE, 1);
    float[] b = draw(Initializer.GLOROT_UNIFORM, DENSE, 2);
    assertThat(draw(Initializer.GLOROT_UNIFORM, DENSE, 1)).containsExactly(a);
    assertThat(a).isNotEqualTo(b);
  }

  private static float[] draw(Initializer initializer, Shape shape, long seed) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> value = initializer.initialValue(tf, shape, seed);
      try (Result r = s.runner().fetch(value).run()) {
        float[] out = new float[(int) shape.size()];
        ((TFloat32) r.get(0)).asRawTensor().data().asFloats().read(out);
        return out;
      }
    }
  }
}
