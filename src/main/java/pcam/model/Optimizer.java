package pcam.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Keras-equivalent optimizers on the raw TF training ops, with the learning rate an operand (a
 * fed placeholder) so schedules can change it every step. Written here because the framework's
 * bake the rate in, start RMSProp's mean square at 1, and let Adam's bias correction race ahead
 * (DESIGN.md, measured traps).
 */
public enum Optimizer {
  /** Plain gradient descent: w -= lr * g. */
  SGD,
  /** Keras SGD(momentum=0.9): accum = 0.9 * accum + g; w -= lr * accum. */
  MOMENTUM,
  /** Keras RMSprop(rho=0.9, epsilon=1e-7), mean square starting at 0. */
  RMSPROP,
  /** Keras Adam(beta_1=0.9, beta_2=0.999, epsilon=1e-7). */
  ADAM;

  public static final float MOMENTUM_DECAY = 0.9f;
  public static final float RMS_RHO = 0.9f;
  public static final float EPSILON = 1e-7f;
  public static final float BETA1 = 0.9f;
  public static final float BETA2 = 0.999f;

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Builds one training step: the updates of all {@code variables} from {@code gradients}, then
   * the optimizer's own bookkeeping. Returns an op that completes the whole step; slot variables
   * are created under {@code variable.name + "/" + slot} and start at 0 (Keras).
   */
  public Op buildStep(
      Ops tf, List<Variable<TFloat32>> variables, List<Operand<TFloat32>> gradients, Operand<TFloat32> learningRate) {
    // One scope per optimizer ("adam/..."): TF uniquifies a sub-scope name each time it is requested.
    Ops slots = tf.withSubScope(cliName()).withInitScope();
    List<Op> applies = new ArrayList<>();
    List<Op> afterApplies = new ArrayList<>();
    switch (this) {
      case SGD -> {
        for (int i = 0; i < variables.size(); i++) {
          applies.add(tf.train.applyGradientDescent(variables.get(i), learningRate, gradients.get(i)));
        }
      }
      case MOMENTUM -> {
        Operand<TFloat32> momentum = tf.constant(MOMENTUM_DECAY);
        for (int i = 0; i < variables.size(); i++) {
          Variable<TFloat32> accum = slot(slots, variables.get(i), "momentum");
          applies.add(tf.train.applyMomentum(variables.get(i), accum, learningRate, gradients.get(i), momentum));
        }
      }
      case RMSPROP -> {
        Operand<TFloat32> rho = tf.constant(RMS_RHO);
        Operand<TFloat32> noMomentum = tf.constant(0f);
        Operand<TFloat32> epsilon = tf.constant(EPSILON);
        for (int i = 0; i < variables.size(); i++) {
          Variable<TFloat32> ms = slot(slots, variables.get(i), "rms");
          Variable<TFloat32> mom = slot(slots, variables.get(i), "rms_momentum");
          applies.add(
              tf.train.applyRmsProp(variables.get(i), ms, mom, learningRate, rho, noMomentum, epsilon, gradients.get(i)));
        }
      }
      case ADAM -> {
        Variable<TFloat32> beta1Power = scalarVariable(slots, "beta1_power", BETA1);
        Variable<TFloat32> beta2Power = scalarVariable(slots, "beta2_power", BETA2);
        Operand<TFloat32> beta1 = tf.constant(BETA1);
        Operand<TFloat32> beta2 = tf.constant(BETA2);
        Operand<TFloat32> epsilon = tf.constant(EPSILON);
        for (int i = 0; i < variables.size(); i++) {
          Variable<TFloat32> m = slot(slots, variables.get(i), "adam_m");
          Variable<TFloat32> v = slot(slots, variables.get(i), "adam_v");
          applies.add(
              tf.train.applyAdam(
                  variables.get(i), m, v, beta1Power, beta2Power, learningRate, beta1, beta2, epsilon, gradients.get(i)));
        }
        // The bias correction of step t must use beta^t: advance the powers only after every apply read them.
        Ops after = tf.withControlDependencies(applies);
        afterApplies.add(after.assign(beta1Power, after.math.mul(beta1Power, beta1)));
        afterApplies.add(after.assign(beta2Power, after.math.mul(beta2Power, beta2)));
      }
    }
    List<Op> all = new ArrayList<>(applies);
    all.addAll(afterApplies);
    return tf.withControlDependencies(all).noOp();
  }

  /** A zero-initialised slot named after its variable, e.g. {@code adam/conv2d.kernel.adam_m}. */
  /** d loss / d variable for each variable, in order: what {@link #buildStep} takes. */
  static List<Operand<TFloat32>> gradients(Ops tf, Operand<TFloat32> loss, List<Variable<TFloat32>> variables) {
    Gradients gradients = tf.gradients(loss, variables);
    List<Operand<TFloat32>> grads = new ArrayList<>();
    for (int i = 0; i < variables.size(); i++) {
      @SuppressWarnings("unchecked")
      Operand<TFloat32> g = (Operand<TFloat32>) (Operand<?>) gradients.dy(i);
      grads.add(g);
    }
    return grads;
  }

  private static Variable<TFloat32> slot(Ops slots, Variable<TFloat32> variable, String slot) {
    String name = variable.op().name().replace('/', '.') + "." + slot;
    Variable<TFloat32> v = slots.withName(name).variable(variable.shape(), TFloat32.class);
    slots.assign(v, slots.zeros(slots.constant(variable.shape().asArray()), TFloat32.class));
    return v;
  }

  private static Variable<TFloat32> scalarVariable(Ops slots, String name, float value) {
    Variable<TFloat32> v = slots.withName(name).variable(org.tensorflow.ndarray.Shape.scalar(), TFloat32.class);
    slots.assign(v, slots.constant(value));
    return v;
  }
}
