package pcam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * First two steps of each optimizer on f(w) = w^2 (gradient 2w) from w = 1, against the Keras
 * update rules computed by hand in double precision.
 */
class OptimizerTest {
  private static final double LR = 0.2;

  @Test
  void sgd() {
    double w = 1;
    w -= LR * 2 * w; // 0.6
    double w1 = w;
    w -= LR * 2 * w; // 0.36
    assertSteps(Optimizer.SGD, w1, w);
    assertThat(w1).isCloseTo(0.6, within(1e-12));
  }

  @Test
  void momentum() {
    // Keras SGD(momentum=0.9): v = 0.9 v - lr g; w += v
    double w = 1, v = 0;
    v = 0.9 * v - LR * 2 * w;
    w += v; // 0.6
    double w1 = w;
    v = 0.9 * v - LR * 2 * w;
    w += v; // 0.6 - 0.36 - 0.24 = 0.0
    assertSteps(Optimizer.MOMENTUM, w1, w);
  }

  @Test
  void rmsprop() {
    // Keras RMSprop(rho=0.9, eps=1e-7), mean square starting at 0: w -= lr g / (sqrt(ms) + eps)
    double w = 1, ms = 0;
    double g = 2 * w;
    ms = 0.9 * ms + 0.1 * g * g;
    w -= LR * g / (Math.sqrt(ms) + 1e-7); // 1 - 0.2/sqrt(0.1) = 0.3675
    double w1 = w;
    g = 2 * w;
    ms = 0.9 * ms + 0.1 * g * g;
    w -= LR * g / (Math.sqrt(ms) + 1e-7);
    assertSteps(Optimizer.RMSPROP, w1, w);
    assertThat(w1).isCloseTo(1 - 0.2 / Math.sqrt(0.1), within(1e-6));
  }

  @Test
  void adam() {
    // Keras Adam: m, v EMAs; alpha = lr sqrt(1-b2^t)/(1-b1^t); w -= alpha m / (sqrt(v) + eps)
    double w = 1, m = 0, v = 0;
    double w1 = 0;
    for (int t = 1; t <= 2; t++) {
      double g = 2 * w;
      m = 0.9 * m + 0.1 * g;
      v = 0.999 * v + 0.001 * g * g;
      double alpha = LR * Math.sqrt(1 - Math.pow(0.999, t)) / (1 - Math.pow(0.9, t));
      w -= alpha * m / (Math.sqrt(v) + 1e-7);
      if (t == 1) {
        w1 = w;
      }
    }
    // The first Adam step moves by ~lr whatever the gradient: 1 - 0.2 = 0.8 (the framework's gave 0.8512).
    assertThat(w1).isCloseTo(0.8, within(1e-6));
    assertSteps(Optimizer.ADAM, w1, w);
  }

  @Test
  void theLearningRateIsFedEachStep() {
    float[] w = run(Optimizer.SGD, new float[] {0.2f, 0.05f});
    assertThat(w[0]).isCloseTo(0.6f, within(1e-6f));
    assertThat(w[1]).isCloseTo(0.6f - 0.05f * 2 * 0.6f, within(1e-6f));
  }

  private static void assertSteps(Optimizer optimizer, double expectedW1, double expectedW2) {
    float[] w = run(optimizer, new float[] {(float) LR, (float) LR});
    assertThat((double) w[0]).as("%s step 1", optimizer).isCloseTo(expectedW1, within(1e-5));
    assertThat((double) w[1]).as("%s step 2", optimizer).isCloseTo(expectedW2, within(1e-5));
  }

  /** Runs one step per learning rate; returns w after each. */
  private static float[] run(Optimizer optimizer, float[] rates) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Ops init = tf.withInitScope();
      Variable<TFloat32> w = init.withName("w").variable(Shape.of(1), TFloat32.class);
      init.assign(w, init.constant(new float[] {1f}));
      Placeholder<TFloat32> lr = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      // Reading through Identity: the C++ Square gradient crashes on a ref-typed (VariableV2) input.
      Operand<TFloat32> loss = tf.reduceSum(tf.math.square(tf.identity(w)), tf.constant(0));
      @SuppressWarnings("unchecked")
      Operand<TFloat32> grad = (Operand<TFloat32>) (Operand<?>) tf.gradients(loss, List.of(w)).dy(0);
      Op step = optimizer.buildStep(tf, List.of(w), List.of(grad), lr);
      float[] after = new float[rates.length];
      try (Session s = new Session(g)) {
        for (int i = 0; i < rates.length; i++) {
          try (TFloat32 rate = TFloat32.scalarOf(rates[i])) {
            s.runner().feed(lr, rate).addTarget(step).run().close();
          }
          try (Result r = s.runner().fetch(w).run()) {
            after[i] = ((TFloat32) r.get(0)).getFloat(0);
          }
        }
      }
      return after;
    }
  }
}
