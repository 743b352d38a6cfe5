package pcam.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.math.Mean;
import org.tensorflow.op.nn.Conv2d;
import org.tensorflow.op.nn.LeakyRelu;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;
import pcam.model.KerasSpec.Node;
import pcam.util.InputException;

/**
 * Builds a {@link KerasSpec} into a {@link Graph} with the op names of {@link CnnGraph} (pixels or
 * images in, {@code probability} out, and for fine-tuning {@code train}, {@code train_loss}, ...),
 * so that {@link GraphModel} drives it like cnn3. Layer semantics follow Keras (TF backend); every
 * config option that would change the result and is not implemented is an {@link InputException}
 * naming the layer, its class and the option, so a model is never silently rebuilt differently.
 *
 * <p>Weights are {@code VariableV2}s named {@code keras/<node id>/<weight>} (e.g. {@code
 * keras/conv2d/kernel}), initialised to zeros; their values are loaded afterwards ({@link
 * KerasModel}).
 */
public final class KerasGraph {
  /** Name scope of the layers' variables and inference ops. */
  public static final String SCOPE = "keras";
  /** Layer classes pcam rebuilds, for error messages and docs. */
  public static final List<String> SUPPORTED =
      List.of(
          "InputLayer", "Conv2D", "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D", "GlobalMaxPooling2D",
          "BatchNormalization", "Dropout", "SpatialDropout2D", "Flatten", "Dense", "Activation", "ReLU", "LeakyReLU", "ELU",
          "Softmax", "Rescaling", "ZeroPadding2D", "Add", "Concatenate", "Multiply");
  /** Activations by Keras name (in layers' {@code activation} option and Activation layers). */
  public static final List<String> ACTIVATIONS =
      List.of("linear", "relu", "sigmoid", "softmax", "tanh", "elu", "selu", "swish", "silu", "gelu", "softplus", "softsign", "relu6", "exponential");
  private static final Set<String> PASS_THROUGH = Set.of("Dropout", "SpatialDropout2D");

  /**
   * What fine-tuning adds: the optimizer, the nodes whose weights train (BatchNormalization outside
   * this set runs in inference mode, as Keras does for a frozen layer), and the seed of dropout masks.
   */
  public record Training(Optimizer optimizer, Set<String> trainableNodes, long seed) {}

  /** Every weight variable by {@code node id/weight}, and which of them train. */
  public record Built(Map<String, Variable<TFloat32>> variables, List<String> trainable, long trainableParams) {}

  private KerasGraph() {}

  /** The Keras weights a layer owns, in Keras order (trainable first), for its class and config. */
  public static List<String> weightNames(String kerasClass, JsonNode config) {
    return switch (kerasClass) {
      case "Conv2D", "Dense" -> config.path("use_bias").asBoolean(true) ? List.of("kernel", "bias") : List.of("kernel");
      case "BatchNormalization" -> {
        List<String> names = new ArrayList<>();
        if (config.path("scale").asBoolean(true)) {
          names.add("gamma");
        }
        if (config.path("center").asBoolean(true)) {
          names.add("beta");
        }
        names.add("moving_mean");
        names.add("moving_variance");
        yield List.copyOf(names);
      }
      default -> List.of();
    };
  }

  /** Whether Keras trains this weight at all (BatchNormalization's moving statistics it does not). */
  public static boolean intrinsicallyTrainable(String weight) {
    return !weight.startsWith("moving_");
  }

  /**
   * The activation that ends the model: that of the output layer, looking through dropout. Layers
   * without one (an Add, a pooling) end "linear".
   */
  public static String outputActivation(KerasSpec spec) {
    Node node = spec.node(spec.output());
    while (PASS_THROUGH.contains(node.kerasClass()) && !node.inputs().get(0).equals(KerasSpec.INPUT)) {
      node = spec.node(node.inputs().get(0));
    }
    return switch (node.kerasClass()) {
      case "Dense", "Conv2D", "Activation" -> activationName(node);
      case "Softmax" -> "softmax";
      case "ReLU", "LeakyReLU", "ELU" -> node.kerasClass().toLowerCase(java.util.Locale.ROOT);
      default -> "linear";
    };
  }

  /** The static shape of the output layer's pre-activation (its class scores), built into {@code graph}. */
  public static Shape outputShape(Graph graph, KerasSpec spec) {
    Ops tf = Ops.create(graph);
    Scopes scopes = new Scopes(tf.withSubScope(SCOPE));
    Forward forward = new Forward(tf, scopes, new Weights(scopes), Precision.FLOAT32, null, null, null);
    Operand<TFloat32> images = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, spec.height(), spec.width(), 3)));
    return forward.scores(spec, images).shape();
  }

  /** The float32 graph: {@link #build(Graph, KerasSpec, Training, Precision)} in {@link Precision#FLOAT32}. */
  public static Built build(Graph graph, KerasSpec spec, Training training) {
    return build(graph, spec, training, Precision.FLOAT32);
  }

  /**
   * The scoring head and, with {@code training}, the fine-tuning head, for a session computing in
   * {@code precision}. For bf16 every Conv2D over an odd number of input channels above 1 reads its
   * input with a zero channel appended, through its kernel with a zero input row ({@link
   * Bf16ConvPad}); the variables are the same as in float32, whose graph has no such pad.
   */
  public static Built build(Graph graph, KerasSpec spec, Training training, Precision precision) {
    Ops tf = Ops.create(graph);
    Ops init = tf.withInitScope();
    Shape imageShape = Shape.of(-1, spec.height(), spec.width(), 3);
    Placeholder<TUint8> pixels = tf.withName(CnnGraph.PIXELS).placeholder(TUint8.class, Placeholder.shape(imageShape));
    Operand<TFloat32> images =
        tf.withName(CnnGraph.IMAGES).placeholderWithDefault(tf.dtypes.cast(pixels, TFloat32.class), imageShape);
    Placeholder<TFloat32> labels = tf.withName(CnnGraph.LABELS).placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 1)));
    Variable<TInt64> step = init.withName(CnnGraph.STEP).variable(Shape.scalar(), TInt64.class);
    init.assign(step, init.constant(0L));

    Ops kerasScope = tf.withSubScope(SCOPE);
    Scopes layerScopes = new Scopes(kerasScope);
    Weights weights = new Weights(layerScopes);
    Forward inference = new Forward(tf, layerScopes, weights, precision, null, null, null);
    Operand<TFloat32> logits = tf.withName(CnnGraph.LOGITS).identity(inference.logits(spec, images));
    tf.withName(CnnGraph.PROBABILITY).math.sigmoid(logits);
    Operand<TFloat32> dataLoss = tf.withName(CnnGraph.DATA_LOSS).identity(CnnGraph.crossEntropy(tf, logits, labels));
    tf.withName(CnnGraph.LOSS).identity(dataLoss);
    if (training == null) {
      return new Built(weights.variables, List.of(), 0);
    }

    Placeholder<TFloat32> learningRate =
        tf.withName(CnnGraph.LEARNING_RATE).placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    Ops trainScope = tf.withSubScope("training");
    Forward trainForward =
        new Forward(trainScope, new Scopes(trainScope), weights, precision, training, tf.identity(step), new SplittableRandom(training.seed()));
    Operand<TFloat32> trainLogits = trainForward.logits(spec, images);
    Operand<TFloat32> trainLoss = tf.withName(CnnGraph.TRAIN_LOSS).identity(CnnGraph.crossEntropy(trainScope, trainLogits, labels));
    Operand<TFloat32> predicted =
        trainScope.dtypes.cast(trainScope.math.greaterEqual(trainLogits, trainScope.constant(0f)), TFloat32.class);
    tf.withName(CnnGraph.TRAIN_ACCURACY)
        .math.mean(trainScope.dtypes.cast(trainScope.math.equal(predicted, labels), TFloat32.class), trainScope.constant(new int[] {0, 1}));

    List<String> trainableNames = new ArrayList<>();
    List<Variable<TFloat32>> variables = new ArrayList<>();
    for (Node node : spec.weighted()) {
      if (!training.trainableNodes().contains(node.id())) {
        continue;
      }
      for (String w : node.weights()) {
        if (intrinsicallyTrainable(w)) {
          trainableNames.add(node.id() + "/" + w);
          variables.add(weights.variables.get(node.id() + "/" + w));
        }
      }
    }
    if (variables.isEmpty()) {
      throw new InputException("no weights to train: every layer with weights is frozen");
    }
    List<Operand<TFloat32>> grads = Optimizer.gradients(tf, trainLoss, variables);
    // As in CnnGraph: the applies update in place, so they wait until every gradient has been read.
    List<Op> fence = new ArrayList<>(grads);
    fence.addAll(trainForward.reads);
    Ops afterGradients = tf.withControlDependencies(fence);
    Op update = training.optimizer().buildStep(afterGradients, variables, grads, learningRate);
    List<Op> all = new ArrayList<>(List.of(update));
    all.add(tf.withControlDependencies(List.of(update)).assignAdd(step, tf.constant(1L)));
    all.addAll(trainForward.statUpdates(afterGradients));
    tf.withControlDependencies(all).withName(CnnGraph.TRAIN).noOp();
    long params = variables.stream().mapToLong(v -> v.shape().size()).sum();
    return new Built(weights.variables, List.copyOf(trainableNames), params);
  }

  /** One scope per path segment, made once: TF uniquifies a sub-scope name each time it is requested. */
  private static final class Scopes {
    private final Ops root;
    private final Map<String, Ops> scopes = new HashMap<>();

    Scopes(Ops root) {
      this.root = root;
    }

    Ops get(String path) {
      Ops s = scopes.get(path);
      if (s == null) {
        int slash = path.lastIndexOf('/');
        s = slash < 0 ? root.withSubScope(path) : get(path.substring(0, slash)).withSubScope(path.substring(slash + 1));
        scopes.put(path, s);
      }
      return s;
    }
  }

  /** The variables, created on first use, zero-initialised (real values are assigned after the build). */
  private static final class Weights {
    final Scopes scopes;
    final Map<String, Variable<TFloat32>> variables = new LinkedHashMap<>();

    Weights(Scopes scopes) {
      this.scopes = scopes;
    }

    /** The value of {@code node/name} with the given shape, as an Identity (not the ref-typed variable). */
    Operand<TFloat32> get(Ops reader, Node node, String name, Shape shape) {
      String key = node.id() + "/" + name;
      Variable<TFloat32> v = variables.get(key);
      if (v == null) {
        Ops init = scopes.get(node.id()).withInitScope();
        v = init.withName(name).variable(shape, TFloat32.class);
        init.assign(v, init.zeros(init.constant(shape.asArray()), TFloat32.class));
        variables.put(key, v);
      }
      return reader.identity(v);
    }

    Variable<TFloat32> variable(Node node, String name) {
      return variables.get(node.id() + "/" + name);
    }
  }

  /** One head over the shared weights: inference (training == null) or the fine-tuning head. */
  private static final class Forward {
    private final Ops tf;
    private final Scopes scopes;
    private final Weights weights;
    private final Precision precision;
    private final Training training;
    private final Operand<TInt64> step;
    private final SplittableRandom seeds;
    private final Map<String, Operand<TFloat32>> out = new HashMap<>();
    private final Map<String, Operand<TFloat32>> pre = new HashMap<>();
    /** BatchNormalization moving-statistics updates: variable, batch value, momentum. */
    private final List<Object[]> stats = new ArrayList<>();
    /** Ops that read a weight, which the optimizer's in-place update must not overtake. */
    final List<Op> reads = new ArrayList<>();

    Forward(Ops tf, Scopes scopes, Weights weights, Precision precision, Training training, Operand<TInt64> step, SplittableRandom seeds) {
      this.tf = tf;
      this.scopes = scopes;
      this.weights = weights;
      this.precision = precision;
      this.training = training;
      this.step = step;
      this.seeds = seeds;
    }

    /** Runs every layer; returns the output layer's pre-activation (looking through dropout). */
    Operand<TFloat32> scores(KerasSpec spec, Operand<TFloat32> images) {
      out.put(KerasSpec.INPUT, scale(spec.inputScale(), tf.withSubScope("input_scale"), images));
      for (Node node : spec.nodes()) {
        List<Operand<TFloat32>> inputs = node.inputs().stream().map(out::get).toList();
        Ops s = scopes.get(node.id());
        Operand<TFloat32> y = layer(s, node, inputs);
        out.put(node.id(), y);
        pre.putIfAbsent(node.id(), y);
      }
      Node last = spec.node(spec.output());
      while (PASS_THROUGH.contains(last.kerasClass()) && !last.inputs().get(0).equals(KerasSpec.INPUT)) {
        last = spec.node(last.inputs().get(0));
      }
      return pre.get(last.id());
    }

    /** The [N,1] logit of label 1 from the model's output, per {@link KerasSpec#head()}. */
    Operand<TFloat32> logits(KerasSpec spec, Operand<TFloat32> images) {
      Operand<TFloat32> z = scores(spec, images);
      String lastId = spec.output();
      KerasSpec.Head head = spec.head();
      Ops h = tf.withSubScope("head");
      if (z.shape().numDimensions() != 2 || z.shape().size(1) != head.units()) {
        throw new InputException("the output of layer '" + lastId + "' is " + z.shape() + ", expected [N," + head.units() + "]");
      }
      int k = head.units();
      if (head.activation().equals("sigmoid") || k == 1) {
        return k == 1 ? z : h.linalg.matMul(z, h.constant(column(k, head.positiveClass(), 1f)));
      }
      // softmax (or linear logits of K classes): log(p_c / (1 - p_c)) = z_c - logsumexp of the other columns.
      Operand<TFloat32> zc = h.linalg.matMul(z, h.constant(column(k, head.positiveClass(), 1f)));
      Operand<TFloat32> max = h.stopGradient(h.reduceMax(z, h.constant(1), org.tensorflow.op.core.ReduceMax.keepDims(true)));
      Operand<TFloat32> others = h.linalg.matMul(h.math.exp(h.math.sub(z, max)), h.constant(complement(k, head.positiveClass())));
      return h.math.sub(zc, h.math.add(max, h.math.log(others)));
    }

    private static float[][] column(int k, int c, float v) {
      float[][] m = new float[k][1];
      m[c][0] = v;
      return m;
    }

    private static float[][] complement(int k, int c) {
      float[][] m = new float[k][1];
      for (int i = 0; i < k; i++) {
        m[i][0] = i == c ? 0f : 1f;
      }
      return m;
    }

    private Operand<TFloat32> weight(Ops s, Node node, String name, Shape shape) {
      Operand<TFloat32> v = weights.get(s, node, name, shape);
      reads.add(v);
      return v;
    }

    private boolean trainsHere(Node node) {
      return training != null && !node.inferenceOnly();
    }

    private Operand<TFloat32> layer(Ops s, Node node, List<Operand<TFloat32>> in) {
      JsonNode c = node.config();
      String cls = node.kerasClass();
      if (!List.of("Add", "Multiply", "Concatenate").contains(cls) && in.size() != 1) {
        throw unsupported(node, "takes one input, called on " + in.size());
      }
      Operand<TFloat32> x = in.get(0);
      switch (cls) {
        case "Conv2D" -> {
          channelsLast(node);
          if (c.path("groups").asInt(1) != 1) {
            throw unsupported(node, "option groups=" + c.path("groups").asInt());
          }
          long[] k = pair(node, "kernel_size");
          long[] st = pair(node, "strides");
          long[] d = pair(node, "dilation_rate");
          int filters = c.path("filters").asInt();
          long inC = x.shape().size(3);
          Operand<TFloat32> kernel = weight(s, node, "kernel", Shape.of(k[0], k[1], inC, filters));
          if (Bf16ConvPad.needed(precision, inC)) {
            x = Bf16ConvPad.input(s, x);
            kernel = Bf16ConvPad.kernel(s, kernel);
          }
          Operand<TFloat32> y =
              s.nn.conv2d(x, kernel, List.of(1L, st[0], st[1], 1L), padding(node), Conv2d.dilations(List.of(1L, d[0], d[1], 1L)));
          if (c.path("use_bias").asBoolean(true)) {
            y = s.nn.biasAdd(y, weight(s, node, "bias", Shape.of(filters)));
          }
          return activate(s, node, y);
        }
        case "Dense" -> {
          int units = c.path("units").asInt();
          int rank = x.shape().numDimensions();
          long inUnits = x.shape().size(rank - 1);
          Operand<TFloat32> kernel = weight(s, node, "kernel", Shape.of(inUnits, units));
          Operand<TFloat32> flat = rank == 2 ? x : s.reshape(x, s.constant(new long[] {-1, inUnits}));
          Operand<TFloat32> y = s.linalg.matMul(flat, kernel);
          if (c.path("use_bias").asBoolean(true)) {
            y = s.nn.biasAdd(y, weight(s, node, "bias", Shape.of(units)));
          }
          if (rank != 2) {
            long[] shape = x.shape().asArray();
            shape[0] = -1;
            shape[rank - 1] = units;
            y = s.reshape(y, s.constant(shape));
          }
          return activate(s, node, y);
        }
        case "MaxPooling2D", "AveragePooling2D" -> {
          channelsLast(node);
          long[] size = pair(node, "pool_size");
          long[] st = c.path("strides").isNull() || c.path("strides").isMissingNode() ? size : pair(node, "strides");
          return s.scope()
              .opBuilder(cls.startsWith("Max") ? "MaxPool" : "AvgPool", cls.startsWith("Max") ? "MaxPool" : "AvgPool")
              .addInput(x.asOutput())
              .setAttr("ksize", new long[] {1, size[0], size[1], 1})
              .setAttr("strides", new long[] {1, st[0], st[1], 1})
              .setAttr("padding", padding(node))
              .build()
              .output(0);
        }
        case "GlobalAveragePooling2D" -> {
          channelsLast(node);
          return s.math.mean(x, s.constant(new int[] {1, 2}), Mean.keepDims(c.path("keepdims").asBoolean(false)));
        }
        case "GlobalMaxPooling2D" -> {
          channelsLast(node);
          return s.reduceMax(x, s.constant(new int[] {1, 2}), org.tensorflow.op.core.ReduceMax.keepDims(c.path("keepdims").asBoolean(false)));
        }
        case "BatchNormalization" -> {
          return batchNorm(s, node, x);
        }
        case "Dropout", "SpatialDropout2D" -> {
          double rate = c.path("rate").asDouble();
          if (!c.path("noise_shape").isNull() && !c.path("noise_shape").isMissingNode()) {
            throw unsupported(node, "option noise_shape=" + c.path("noise_shape"));
          }
          long seed = seeds == null ? 0 : seeds.nextLong();
          if (!trainsHere(node) || rate <= 0) {
            return x;
          }
          return dropout(s, x, (float) rate, seed, cls.equals("SpatialDropout2D"));
        }
        case "Flatten" -> {
          channelsLast(node);
          long units = 1;
          for (int i = 1; i < x.shape().numDimensions(); i++) {
            if (x.shape().size(i) < 0) {
              throw unsupported(node, "needs a fixed input size, got " + x.shape());
            }
            units *= x.shape().size(i);
          }
          // NHWC row-major: Keras flattens channels_last maps in H, W, C order, as this reshape does.
          return s.reshape(x, s.constant(new long[] {-1, units}));
        }
        case "Activation" -> {
          pre.put(node.id(), x);
          return activation(s, node, activationName(node), x);
        }
        case "Softmax" -> {
          int axis = c.path("axis").isArray() ? c.path("axis").get(0).asInt() : c.path("axis").asInt(-1);
          if (axis != -1 && axis != x.shape().numDimensions() - 1) {
            throw unsupported(node, "option axis=" + c.path("axis"));
          }
          pre.put(node.id(), x);
          return s.nn.softmax(x);
        }
        case "ReLU" -> {
          double threshold = c.path("threshold").asDouble(0);
          if (threshold != 0) {
            throw unsupported(node, "option threshold=" + threshold);
          }
          double slope = c.path("negative_slope").asDouble(0);
          Operand<TFloat32> y = s.nn.relu(x);
          if (slope != 0) {
            y = s.math.sub(y, s.math.mul(s.constant((float) slope), s.nn.relu(s.math.neg(x))));
          }
          JsonNode max = c.path("max_value");
          if (!max.isNull() && !max.isMissingNode()) {
            y = s.math.minimum(y, s.constant((float) max.asDouble()));
          }
          return y;
        }
        case "LeakyReLU" -> {
          double alpha = c.has("negative_slope") ? c.path("negative_slope").asDouble() : c.path("alpha").asDouble(0.3);
          return s.nn.leakyRelu(x, LeakyRelu.alpha((float) alpha));
        }
        case "ELU" -> {
          return elu(s, x, c.path("alpha").asDouble(1.0));
        }
        case "Rescaling" -> {
          Operand<TFloat32> y = s.math.mul(x, perChannel(s, node, "scale"));
          return s.math.add(y, perChannel(s, node, "offset"));
        }
        case "ZeroPadding2D" -> {
          channelsLast(node);
          long[][] p = zeroPadding(node);
          return s.pad(x, s.constant(new long[][] {{0, 0}, p[0], p[1], {0, 0}}), s.constant(0f));
        }
        case "Add", "Multiply" -> {
          Operand<TFloat32> y = in.get(0);
          for (int i = 1; i < in.size(); i++) {
            y = cls.equals("Add") ? s.math.add(y, in.get(i)) : s.math.mul(y, in.get(i));
          }
          return y;
        }
        case "Concatenate" -> {
          return s.concat(in, s.constant(c.path("axis").asInt(-1)));
        }
        default -> throw new InputException(
            "layer '" + node.id() + "' (" + cls + "): layer class not supported by pcam import-keras (supported: "
                + String.join(", ", SUPPORTED) + ")");
      }
    }

    private Operand<TFloat32> activate(Ops s, Node node, Operand<TFloat32> y) {
      pre.put(node.id(), y);
      return activation(s, node, activationName(node), y);
    }

    private Operand<TFloat32> batchNorm(Ops s, Node node, Operand<TFloat32> x) {
      JsonNode c = node.config();
      int rank = x.shape().numDimensions();
      JsonNode axisNode = c.path("axis");
      int axis = axisNode.isArray() ? (axisNode.size() == 1 ? axisNode.get(0).asInt() : Integer.MIN_VALUE) : axisNode.asInt(-1);
      if (axis != -1 && axis != rank - 1) {
        throw unsupported(node, "option axis=" + axisNode + " (only the channels axis, -1, is supported)");
      }
      if (c.path("renorm").asBoolean(false)) {
        throw unsupported(node, "option renorm=true");
      }
      if (c.has("virtual_batch_size") && !c.path("virtual_batch_size").isNull()) {
        throw unsupported(node, "option virtual_batch_size=" + c.path("virtual_batch_size"));
      }
      float epsilon = (float) c.path("epsilon").asDouble(1e-3);
      long channels = x.shape().size(rank - 1);
      Shape shape = Shape.of(channels);
      Operand<TFloat32> movingMean = weight(s, node, "moving_mean", shape);
      Operand<TFloat32> movingVariance = weight(s, node, "moving_variance", shape);
      Operand<TFloat32> gamma = node.weights().contains("gamma") ? weight(s, node, "gamma", shape) : null;
      Operand<TFloat32> beta = node.weights().contains("beta") ? weight(s, node, "beta", shape) : null;
      Operand<TFloat32> mean = movingMean;
      Operand<TFloat32> variance = movingVariance;
      // Keras: a frozen BatchNormalization (trainable=False) runs in inference mode even while fitting.
      if (trainsHere(node) && training.trainableNodes().contains(node.id())) {
        int[] axes = java.util.stream.IntStream.range(0, rank - 1).toArray();
        mean = s.math.mean(x, s.constant(axes));
        variance = s.math.mean(s.math.squaredDifference(x, mean), s.constant(axes));
        float momentum = (float) c.path("momentum").asDouble(0.99);
        stats.add(new Object[] {weights.variable(node, "moving_mean"), mean, momentum});
        stats.add(new Object[] {weights.variable(node, "moving_variance"), variance, momentum});
      }
      // Keras 3's formula: x * inv + (beta - mean * inv), inv = gamma / sqrt(var + eps).
      Operand<TFloat32> inv = s.math.rsqrt(s.math.add(variance, s.constant(epsilon)));
      if (gamma != null) {
        inv = s.math.mul(inv, gamma);
      }
      Operand<TFloat32> shift = s.math.neg(s.math.mul(mean, inv));
      if (beta != null) {
        shift = s.math.add(shift, beta);
      }
      return s.math.add(s.math.mul(x, inv), shift);
    }

    /** moving = moving * momentum + batch * (1 - momentum), after the gradients were read. */
    @SuppressWarnings("unchecked")
    List<Op> statUpdates(Ops after) {
      List<Op> updates = new ArrayList<>();
      for (Object[] u : stats) {
        Variable<TFloat32> v = (Variable<TFloat32>) u[0];
        Operand<TFloat32> batch = (Operand<TFloat32>) u[1];
        float m = (Float) u[2];
        updates.add(after.assign(v, after.math.add(after.math.mul(after.identity(v), after.constant(m)), after.math.mul(batch, after.constant(1 - m)))));
      }
      return updates;
    }

    /** Inverted dropout keyed on (layer seed, step); SpatialDropout2D drops whole channels. */
    private Operand<TFloat32> dropout(Ops s, Operand<TFloat32> x, float rate, long seed, boolean spatial) {
      Operand<TInt64> shape = s.shape(x, TInt64.class);
      if (spatial) {
        shape = s.math.add(s.math.mul(shape, s.constant(new long[] {1, 0, 0, 1})), s.constant(new long[] {0, 1, 1, 0}));
      }
      Operand<TInt64> streamSeed = s.stack(List.of(s.constant(seed), step));
      Operand<TFloat32> u = s.random.statelessRandomUniform(shape, streamSeed, TFloat32.class);
      Operand<TFloat32> keep = s.dtypes.cast(s.math.greaterEqual(u, s.constant(rate)), TFloat32.class);
      return s.math.mul(x, s.math.mul(keep, s.constant(1f / (1f - rate))));
    }
  }

  /**
   * The contract's RGB 0..255 {@code x} as the model expects it, as graph ops in the order of Keras's
   * preprocessing formulas (so the float results match Keras's, not just {@link InputScale#apply}'s tables).
   */
  static Operand<TFloat32> scale(InputScale scale, Ops tf, Operand<TFloat32> x) {
    return switch (scale) {
      case RAW -> x;
      case UNIT -> tf.math.mul(x, tf.constant(1f / 255));
      case IMAGENET -> tf.math.div(
          tf.math.sub(tf.math.div(x, tf.constant(255f)), tf.constant(new float[] {0.485f, 0.456f, 0.406f})),
          tf.constant(new float[] {0.229f, 0.224f, 0.225f}));
      case CAFFE -> tf.math.sub(tf.reverse(x, tf.constant(new int[] {-1})), tf.constant(new float[] {103.939f, 116.779f, 123.68f}));
      case TF -> tf.math.sub(tf.math.div(x, tf.constant(127.5f)), tf.constant(1f));
    };
  }

  static String activationName(Node node) {
    JsonNode a = node.config().path("activation");
    if (a.isMissingNode() || a.isNull()) {
      return "linear";
    }
    if (a.isTextual()) {
      return a.asText();
    }
    // Keras 3 may serialise a built-in activation as {"class_name": "function", "config": "relu"}.
    if (a.path("config").isTextual()) {
      return a.path("config").asText();
    }
    return a.path("config").path("name").asText(a.path("class_name").asText("?"));
  }

  private static Operand<TFloat32> activation(Ops s, Node node, String name, Operand<TFloat32> x) {
    return switch (name) {
      case "linear", "None" -> x;
      case "relu" -> s.nn.relu(x);
      case "sigmoid" -> s.math.sigmoid(x);
      case "softmax" -> s.nn.softmax(x);
      case "tanh" -> s.math.tanh(x);
      case "elu" -> s.nn.elu(x);
      case "selu" -> s.nn.selu(x);
      // x / (1 + exp(-x)), not x * sigmoid(x): oneDNN's remapper fuses the latter into the convolution
      // as _MklSwish and then fails on a following activation ("Fusion is not implemented").
      case "swish", "silu" -> s.math.div(x, s.math.add(s.constant(1f), s.math.exp(s.math.neg(x))));
      // Keras's default gelu is the exact one: x/2 * (1 + erf(x / sqrt 2)).
      case "gelu" -> s.math.mul(s.math.mul(x, s.constant(0.5f)), s.math.add(s.constant(1f), s.math.erf(s.math.mul(x, s.constant((float) (1 / Math.sqrt(2)))))));
      case "softplus" -> s.math.softplus(x);
      case "softsign" -> s.math.div(x, s.math.add(s.constant(1f), s.math.abs(x)));
      case "relu6" -> s.nn.relu6(x);
      case "exponential" -> s.math.exp(x);
      default -> throw unsupported(node, "activation '" + name + "' (supported: " + String.join(", ", ACTIVATIONS) + ")");
    };
  }

  private static Operand<TFloat32> elu(Ops s, Operand<TFloat32> x, double alpha) {
    if (alpha == 1.0) {
      return s.nn.elu(x);
    }
    // relu(x) + alpha * (exp(min(x, 0)) - 1), without Select (whose gradient TF Java lacks).
    Operand<TFloat32> negative = s.math.sub(s.math.exp(s.math.minimum(x, s.constant(0f))), s.constant(1f));
    return s.math.add(s.nn.relu(x), s.math.mul(s.constant((float) alpha), negative));
  }

  private static Operand<TFloat32> perChannel(Ops s, Node node, String option) {
    JsonNode v = node.config().path(option);
    if (v.isArray()) {
      float[] values = new float[v.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) v.get(i).asDouble();
      }
      return s.constant(values);
    }
    if (!v.isNumber() && !v.isMissingNode() && !v.isNull()) {
      throw unsupported(node, "option " + option + "=" + v);
    }
    return s.constant((float) v.asDouble(option.equals("scale") ? 1.0 : 0.0));
  }

  private static long[][] zeroPadding(Node node) {
    JsonNode p = node.config().path("padding");
    if (p.isInt()) {
      long n = p.asLong();
      return new long[][] {{n, n}, {n, n}};
    }
    if (p.isArray() && p.size() == 2 && p.get(0).isInt()) {
      return new long[][] {{p.get(0).asLong(), p.get(0).asLong()}, {p.get(1).asLong(), p.get(1).asLong()}};
    }
    if (p.isArray() && p.size() == 2 && p.get(0).isArray()) {
      return new long[][] {{p.get(0).get(0).asLong(), p.get(0).get(1).asLong()}, {p.get(1).get(0).asLong(), p.get(1).get(1).asLong()}};
    }
    throw unsupported(node, "option padding=" + p);
  }

  private static void channelsLast(Node node) {
    JsonNode f = node.config().path("data_format");
    if (!f.isMissingNode() && !f.isNull() && !f.asText().equals("channels_last")) {
      throw unsupported(node, "option data_format=" + f.asText() + " (only channels_last)");
    }
  }

  private static String padding(Node node) {
    String p = node.config().path("padding").asText("valid");
    return switch (p) {
      case "valid" -> "VALID";
      case "same" -> "SAME";
      default -> throw unsupported(node, "option padding=" + p);
    };
  }

  private static long[] pair(Node node, String option) {
    JsonNode v = node.config().path(option);
    if (v.isInt()) {
      return new long[] {v.asLong(), v.asLong()};
    }
    if (v.isArray() && v.size() == 2) {
      return new long[] {v.get(0).asLong(), v.get(1).asLong()};
    }
    if (v.isMissingNode() && (option.equals("strides") || option.equals("dilation_rate"))) {
      return new long[] {1, 1};
    }
    throw unsupported(node, "option " + option + "=" + v);
  }

  static InputException unsupported(Node node, String what) {
    return new InputException("layer '" + node.id() + "' (" + node.kerasClass() + "): " + what + " is not supported by pcam import-keras");
  }
}
