package pcam.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;
import pcam.model.CnnGraph;

/**
 * Builds and exports, from Java, a small CNN SavedModel with exactly the signature contract a
 * Keras export has (see DESIGN.md): resource variables ({@code VarHandleOp}), {@code
 * serving_default} images -> probability, {@code train_step} images, labels, learning_rate ->
 * loss, accuracy (one Adam step on {@code ResourceApplyAdam}), and {@code save}/{@code restore}
 * (checkpoint_path). TF Java's own saver skips resource variables, so the saver ops are built here
 * under the names {@code Graph.saverDef()} looks for ({@code save/filename}, {@code
 * save/control_dependency}, {@code save/restore_all}).
 *
 * <p>The network: /255 -> conv3x3(8) relu -> maxpool2 -> conv3x3(16) relu -> maxpool2 ->
 * conv3x3(32) relu -> global average -> dense(1) -> sigmoid; 6,065 parameters, Glorot-uniform
 * kernels from a fixed seed.
 */
public final class ContractFixture {
  /** Which signatures the export carries, to test the inspector's and loader's verdicts. */
  public enum Variant {
    FULL,
    /** train_step takes no learning_rate (a fixed rate is baked in): scorable, not fine-tunable. */
    NO_LEARNING_RATE,
    /** serving_default only: scorable, not fine-tunable. */
    SCORE_ONLY
  }

  /** Trainable weights plus Adam's two slots per weight plus the step counter. */
  public static final int VARIABLES = 8 * 3 + 1;

  public static final int PARAMETERS = 6065;

  private static final long SEED = 20240501L;
  private static final float FIXED_LEARNING_RATE = 1e-3f;

  private ContractFixture() {}

  public static Path create(Path dir, int inputSize) {
    return create(dir, inputSize, Variant.FULL);
  }

  public static Path create(Path dir, int inputSize, Variant variant) {
    try (Graph graph = new Graph();
        Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      Builder b = new Builder(tf, new SplittableRandom(SEED));

      Placeholder<TFloat32> images =
          tf.withName("images").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, inputSize, inputSize, 3)));
      Operand<TFloat32> x = tf.math.div(images, tf.constant(255f));
      x = b.conv(x, "conv1", 3, 8);
      x = b.maxPool(x);
      x = b.conv(x, "conv2", 8, 16);
      x = b.maxPool(x);
      x = b.conv(x, "conv3", 16, 32);
      x = tf.math.mean(x, tf.constant(new int[] {1, 2}));
      Operand<TFloat32> logits = b.dense(x, "dense", 32, 1);
      Operand<TFloat32> probability = tf.withName("probability").math.sigmoid(logits);

      List<Signature> signatures = new ArrayList<>();
      signatures.add(Signature.builder().key("serving_default").input("images", images).output("probability", probability).build());

      Placeholder<TFloat32> labels =
          tf.withName("labels").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 1)));
      Placeholder<TFloat32> learningRate =
          tf.withName("learning_rate").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      Operand<TFloat32> rate = variant == Variant.NO_LEARNING_RATE ? tf.constant(FIXED_LEARNING_RATE) : learningRate;
      Op update = b.adamStep(CnnGraph.crossEntropy(tf, logits, labels), rate);
      Ops afterUpdate = tf.withControlDependencies(List.of(update));
      Operand<TFloat32> loss = afterUpdate.withName("loss").identity(CnnGraph.crossEntropy(tf, logits, labels));
      Operand<TFloat32> accuracy = afterUpdate.withName("accuracy").identity(accuracy(tf, probability, labels));
      if (variant != Variant.SCORE_ONLY) {
        Signature.Builder train =
            Signature.builder().key("train_step").input("images", images).input("labels", labels);
        if (variant == Variant.FULL) {
          train.input("learning_rate", learningRate);
        }
        signatures.add(train.output("loss", loss).output("accuracy", accuracy).build());
      }
      signatures.addAll(b.saver());

      session.initialize();
      SavedModelBundle.exporter(dir.toString())
          .withSession(session)
          .withSignatures(signatures.toArray(Signature[]::new))
          .export();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Operand<TFloat32> accuracy(Ops tf, Operand<TFloat32> probability, Operand<TFloat32> labels) {
    Operand<TFloat32> predicted = tf.dtypes.cast(tf.math.greaterEqual(probability, tf.constant(0.5f)), TFloat32.class);
    Operand<TFloat32> correct = tf.dtypes.cast(tf.math.equal(predicted, labels), TFloat32.class);
    return tf.math.mean(correct, tf.constant(new int[] {0, 1}));
  }

  /** Creates the variables as it builds layers, then the optimizer and the saver over all of them. */
  private static final class Builder {
    private final Ops tf;
    private final SplittableRandom random;
    private final List<String> names = new ArrayList<>();
    private final List<Operand<? extends TType>> handles = new ArrayList<>();
    private final List<String> weightNames = new ArrayList<>();
    private final List<Operand<? extends TType>> weights = new ArrayList<>();
    private final List<Operand<TFloat32>> reads = new ArrayList<>();

    Builder(Ops tf, SplittableRandom random) {
      this.tf = tf;
      this.random = random;
    }

    Operand<TFloat32> conv(Operand<TFloat32> x, String name, int in, int out) {
      Operand<TFloat32> kernel = weight(name + "_kernel", glorotUniform(new long[] {3, 3, in, out}, 9L * in, 9L * out), Shape.of(3, 3, in, out));
      Operand<TFloat32> bias = weight(name + "_bias", new float[out], Shape.of(out));
      return tf.nn.relu(tf.nn.biasAdd(tf.nn.conv2d(x, kernel, Arrays.asList(1L, 1L, 1L, 1L), "SAME"), bias));
    }

    Operand<TFloat32> maxPool(Operand<TFloat32> x) {
      Operand<TInt32> two = tf.constant(new int[] {1, 2, 2, 1});
      return tf.nn.maxPool(x, two, two, "VALID");
    }

    Operand<TFloat32> dense(Operand<TFloat32> x, String name, int in, int out) {
      Operand<TFloat32> kernel = weight(name + "_kernel", glorotUniform(new long[] {in, out}, in, out), Shape.of(in, out));
      Operand<TFloat32> bias = weight(name + "_bias", new float[out], Shape.of(out));
      return tf.nn.biasAdd(tf.linalg.matMul(x, kernel), bias);
    }

    private float[] glorotUniform(long[] dims, long fanIn, long fanOut) {
      int n = (int) Arrays.stream(dims).reduce(1, (a, c) -> a * c);
      double limit = Math.sqrt(6.0 / (fanIn + fanOut));
      float[] values = new float[n];
      for (int i = 0; i < n; i++) {
        values[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
      }
      return values;
    }

    /** A trainable resource variable; returns its read value, which the gradients are taken against. */
    private Operand<TFloat32> weight(String name, float[] init, Shape shape) {
      Operand<? extends TType> handle = variable(name, init, shape);
      Operand<TFloat32> read = tf.readVariableOp(handle, TFloat32.class);
      weightNames.add(name);
      weights.add(handle);
      reads.add(read);
      return read;
    }

    private Operand<? extends TType> variable(String name, float[] initialValue, Shape shape) {
      VarHandleOp handle = tf.withName(name).varHandleOp(TFloat32.class, shape, VarHandleOp.sharedName(name));
      Ops init = tf.withInitScope();
      init.assignVariableOp(handle, init.constant(shape, DataBuffers.of(initialValue, true, false)));
      names.add(name);
      handles.add(handle);
      return handle;
    }

    /** One Adam step (Keras defaults: beta1 0.9, beta2 0.999, epsilon 1e-7), then step += 1. */
    Op adamStep(Operand<TFloat32> loss, Operand<TFloat32> learningRate) {
      List<Operand<? extends TType>> trainable = List.copyOf(weights);
      List<Operand<TFloat32>> trainableReads = List.copyOf(reads);
      var gradients = tf.gradients(loss, trainableReads);
      Operand<? extends TType> step = variable("optimizer_iterations", new float[] {0f}, Shape.scalar());
      Operand<TFloat32> t = tf.math.add(tf.readVariableOp(step, TFloat32.class), tf.constant(1f));
      Operand<TFloat32> beta1 = tf.constant(0.9f);
      Operand<TFloat32> beta2 = tf.constant(0.999f);
      Operand<TFloat32> beta1Power = tf.math.pow(beta1, t);
      Operand<TFloat32> beta2Power = tf.math.pow(beta2, t);
      List<Op> applies = new ArrayList<>();
      for (int i = 0; i < trainable.size(); i++) {
        Shape shape = trainableReads.get(i).shape();
        float[] zeros = new float[(int) shape.size()];
        Operand<? extends TType> m = variable("optimizer_" + weightNames.get(i) + "_m", zeros, shape);
        Operand<? extends TType> v = variable("optimizer_" + weightNames.get(i) + "_v", zeros, shape);
        Operand<TFloat32> gradient = gradients.<TFloat32>dy(i);
        applies.add(
            tf.train.resourceApplyAdam(
                trainable.get(i), m, v, beta1Power, beta2Power, learningRate, beta1, beta2, tf.constant(1e-7f), gradient));
      }
      return tf.withControlDependencies(applies).assignAddVariableOp(step, tf.constant(1f));
    }

    /**
     * SaveV2/RestoreV2 over every variable, named as {@code Graph.saverDef()} expects (one sub
     * scope, "save"), plus the contract's save/restore signatures on top of them.
     */
    List<Signature> saver() {
      Ops s = tf.withSubScope("save");
      Placeholder<TString> filename = s.withName("filename").placeholder(TString.class, Placeholder.shape(Shape.scalar()));
      String[] emptySlices = new String[names.size()];
      Arrays.fill(emptySlices, "");
      Operand<TString> tensorNames = s.constant(StdArrays.ndCopyOf(names.toArray(String[]::new)));
      Operand<TString> slices = s.constant(StdArrays.ndCopyOf(emptySlices));
      List<Operand<?>> values = new ArrayList<>();
      List<Class<? extends TType>> types = new ArrayList<>();
      for (Operand<? extends TType> handle : handles) {
        values.add(s.readVariableOp(handle, TFloat32.class));
        types.add(TFloat32.class);
      }
      Op saveAll = s.train.save(filename, tensorNames, slices, values);
      Operand<TString> saved = s.withControlDependencies(List.of(saveAll)).withName("control_dependency").identity(filename);
      var restored = s.train.restore(filename, tensorNames, slices, types);
      List<Op> assigns = new ArrayList<>();
      for (int i = 0; i < handles.size(); i++) {
        assigns.add(s.assignVariableOp(handles.get(i), restored.tensors().get(i)));
      }
      Op restoreAll = s.withControlDependencies(assigns).withName("restore_all").noOp();
      Operand<TString> restoredPath = s.withControlDependencies(List.of(restoreAll)).withName("restored").identity(filename);
      return List.of(
          Signature.builder().key("save").input("checkpoint_path", filename).output("checkpoint_path", saved).build(),
          Signature.builder().key("restore").input("checkpoint_path", filename).output("checkpoint_path", restoredPath).build());
    }
  }
}
