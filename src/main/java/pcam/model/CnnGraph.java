package pcam.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;
import pcam.model.Architecture.BatchNorm;
import pcam.model.Architecture.Conv;
import pcam.model.Architecture.Dense;
import pcam.model.Architecture.Dropout;
import pcam.model.Architecture.Flatten;
import pcam.model.Architecture.GlobalAveragePool;
import pcam.model.Architecture.Layer;
import pcam.model.Architecture.MaxPool;

/**
 * Builds a study CNN into a {@link Graph}: uint8 pixels in, centre crop and 1/255 inside, the
 * layers of {@link Architecture}, a numerically stable BCE loss plus regularisation, and the
 * optimizer step. The op names below are the contract between build, train and score.
 */
public final class CnnGraph {
  /** uint8 [N,96,96,3], what the training loop feeds. */
  public static final String PIXELS = "pixels";
  /** float32 [N,96,96,3] 0..255; defaults to the cast pixels; the exported model's input. */
  public static final String IMAGES = "images";
  /** float32 [N,1] of 0/1. */
  public static final String LABELS = "labels";
  /** float32 scalar, fed every step so schedules can change it. */
  public static final String LEARNING_RATE = "learning_rate";
  /** Inference head (no dropout): what scoring, validation and the exported model run. */
  public static final String LOGITS = "logits";
  /** float32 [N,1], sigmoid of the logits. */
  public static final String PROBABILITY = "probability";
  /** Batch-mean binary cross-entropy of the inference head, without regularisation. */
  public static final String DATA_LOSS = "data_loss";
  /** Inference-head data loss + l1/l2 penalty: the objective with dropout off. */
  public static final String LOSS = "loss";
  public static final String REGULARIZATION = "regularization";
  /** What the optimizer minimises: the training head's (dropout on) data loss + penalty. */
  public static final String TRAIN_LOSS = "train_loss";
  /** Batch accuracy of the training head at threshold 0.5, as Keras reports it while fitting. */
  public static final String TRAIN_ACCURACY = "train_accuracy";
  /** Target that runs one optimizer step and advances {@link #STEP}. */
  public static final String TRAIN = "train";
  /** int64 count of optimizer steps taken, saved with the checkpoint. */
  public static final String STEP = "global_step";
  /**
   * With {@link ModelSpec#emaDecay()} > 0: target that swaps every weight with its moving average
   * (run it again to swap back). The averages are variables {@code ema/<weight>}, updated by
   * {@link #TRAIN} after each step t (1-based) as {@code avg -= (1 - d) * (avg - w)} with
   * {@code d = min(decay, (1 + t) / (10 + t))}, TensorFlow's ExponentialMovingAverage with
   * num_updates, so early averages do not cling to the initial weights. They start at the initial
   * weights and are checkpointed with everything else.
   */
  public static final String EMA_SWAP = "ema/swap";

  /**
   * Batch normalisation's moving averages move toward each training batch's statistics by {@code 1 -
   * BN_MOMENTUM} per step: PyTorch's 0.1 rather than Keras's 0.01, so that a short run's validation
   * after the first epochs (40-50 steps each on pcam-sample) does not score with the initial 0 and 1.
   */
  public static final float BN_MOMENTUM = 0.9f;
  /** Added to the variance before its square root (Keras's and PyTorch's 1e-3 and 1e-5 differ; Keras's). */
  public static final float BN_EPSILON = 1e-3f;

  public static final int INPUT_SIZE = 96;
  /** Dropout draws are 8-bit, so a rate is applied in steps of 1/256. */
  static final int DROPOUT_LEVELS = 256;
  private static final List<Long> UNIT_STRIDES = List.of(1L, 1L, 1L, 1L);

  /** The trainable variables (kernels and biases, in layer order). */
  public record Built(List<Variable<TFloat32>> variables) {
    public long trainableParams() {
      return variables.stream().mapToLong(v -> v.shape().size()).sum();
    }
  }

  /**
   * A layer's weights, as read by both heads: a conv or dense layer's kernel and bias, or a batch
   * normalisation's scale (in {@code kernel}) and shift (in {@code bias}) with its moving mean and
   * variance (null for the others).
   */
  private record Weights(
      Operand<TFloat32> kernel, Operand<TFloat32> bias, Variable<TFloat32> movingMean, Variable<TFloat32> movingVariance) {
    Weights(Operand<TFloat32> kernel, Operand<TFloat32> bias) {
      this(kernel, bias, null, null);
    }
  }

  private CnnGraph() {}

  /**
   * Builds two heads over one set of variables: an inference head without dropout, and a training
   * head with it and with a faster layer order ({@link #convPoolBiasRelu}). Inference then never
   * pays for dropout masks (a third of cnn3's inference time when dropout was switched off by a fed
   * flag), and TF prunes each run to the head it fetches.
   */
  public static Built build(Graph graph, ModelSpec spec) {
    return build(graph, spec, Precision.FLOAT32);
  }

  /**
   * As {@link #build(Graph, ModelSpec)}, for a session computing in {@code precision}. For bf16 the
   * first conv reads its RGB input with a zero fourth channel, through its kernel with a zero fourth
   * input row ({@link Bf16ConvPad}: oneDNN's bfloat16 Conv2D is wrong over an odd number of input
   * channels above 1); every other conv of cnn3/cnn9 has an even channel count. The variables,
   * checkpoints and parameter count are unchanged.
   */
  public static Built build(Graph graph, ModelSpec spec, Precision precision) {
    boolean padRgb = Bf16ConvPad.needed(precision, 3);
    Ops tf = Ops.create(graph);
    Ops init = tf.withInitScope();
    Shape imageShape = Shape.of(-1, INPUT_SIZE, INPUT_SIZE, 3);
    Placeholder<TUint8> pixels = tf.withName(PIXELS).placeholder(TUint8.class, Placeholder.shape(imageShape));
    Operand<TFloat32> images =
        tf.withName(IMAGES).placeholderWithDefault(tf.dtypes.cast(pixels, TFloat32.class), imageShape);
    Placeholder<TFloat32> labels = tf.withName(LABELS).placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 1)));
    Placeholder<TFloat32> learningRate =
        tf.withName(LEARNING_RATE).placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    Variable<TInt64> step = init.withName(STEP).variable(Shape.scalar(), TInt64.class);
    init.assign(step, init.constant(0L));

    Operand<TFloat32> input = tf.math.mul(centreCrop(tf, images, spec.crop()), tf.constant(1f / 255));
    if (padRgb) {
      input = Bf16ConvPad.input(tf, input);
    }

    SplittableRandom seeds = new SplittableRandom(spec.seed());
    List<Variable<TFloat32>> variables = new ArrayList<>();
    Map<Variable<TFloat32>, Operand<TFloat32>> initialValues = new HashMap<>();
    List<Operand<TFloat32>> kernels = new ArrayList<>();
    Map<String, Weights> weights = new HashMap<>();
    Map<String, Long> dropoutSeeds = new HashMap<>();
    List<Variable<TFloat32>> movingStatistics = new ArrayList<>();
    for (Layer layer : spec.layers()) {
      Ops scope = tf.withSubScope(layer.name());
      if (layer instanceof BatchNorm norm) {
        Shape channels = Shape.of(norm.channels());
        Variable<TFloat32> gamma = filled(scope, "gamma", channels, 1f, initialValues);
        Variable<TFloat32> beta = filled(scope, "beta", channels, 0f, initialValues);
        Variable<TFloat32> mean = filled(scope, "moving_mean", channels, 0f, initialValues);
        Variable<TFloat32> variance = filled(scope, "moving_variance", channels, 1f, initialValues);
        weights.put(layer.name(), new Weights(read(scope, gamma), read(scope, beta), mean, variance));
        variables.add(gamma);
        variables.add(beta);
        movingStatistics.add(mean);
        movingStatistics.add(variance);
        continue;
      }
      Shape kernelShape;
      int units;
      if (layer instanceof Conv conv) {
        kernelShape = Shape.of(Architecture.KERNEL, Architecture.KERNEL, conv.inChannels(), conv.filters());
        units = conv.filters();
      } else if (layer instanceof Dense dense) {
        kernelShape = Shape.of(dense.inUnits(), dense.units());
        units = dense.units();
      } else {
        if (layer instanceof Dropout dropout) {
          long seed = seeds.nextLong();
          if (dropout.rate() > 0) {
            dropoutSeeds.put(layer.name(), seed);
          }
        }
        continue;
      }
      Variable<TFloat32> kernel = variable(scope, "kernel", spec.initializer(), kernelShape, seeds.nextLong(), initialValues);
      Variable<TFloat32> bias = filled(scope, "bias", Shape.of(units), 0f, initialValues);
      Operand<TFloat32> kernelRead = read(scope, kernel);
      boolean rgbConv = layer instanceof Conv conv && conv.inChannels() == 3;
      Weights w = new Weights(padRgb && rgbConv ? Bf16ConvPad.kernel(scope, kernelRead) : kernelRead, read(scope, bias));
      weights.put(layer.name(), w);
      kernels.add(kernelRead);
      variables.add(kernel);
      variables.add(bias);
    }

    Operand<TFloat32> logits = tf.withName(LOGITS).identity(forward(tf, spec, input, weights, Map.of(), null, null));
    tf.withName(PROBABILITY).math.sigmoid(logits);
    Operand<TFloat32> penalty = tf.withName(REGULARIZATION).identity(regularization(tf, kernels, spec.l1(), spec.l2()));
    Operand<TFloat32> dataLoss = tf.withName(DATA_LOSS).identity(crossEntropy(tf, logits, labels));
    tf.withName(LOSS).math.add(dataLoss, penalty);

    Ops training = tf.withSubScope("training");
    // Dropout masks are stateless, keyed on (layer seed, step): reproducible, and identical after a resume.
    List<Op> statisticsUpdates = new ArrayList<>();
    Operand<TFloat32> trainLogits = forward(training, spec, input, weights, dropoutSeeds, tf.identity(step), statisticsUpdates);
    Operand<TFloat32> trainLoss = tf.withName(TRAIN_LOSS).math.add(crossEntropy(training, trainLogits, labels), penalty);
    // sigmoid(x) >= 0.5 exactly when x >= 0.
    Operand<TFloat32> predicted = training.dtypes.cast(training.math.greaterEqual(trainLogits, training.constant(0f)), TFloat32.class);
    tf.withName(TRAIN_ACCURACY)
        .math.mean(training.dtypes.cast(training.math.equal(predicted, labels), TFloat32.class), training.constant(new int[] {0, 1}));

    List<Operand<TFloat32>> grads = Optimizer.gradients(tf, trainLoss, variables);
    // Ops read variables through aliasing Identity, and the applies update in place: without this
    // fence, an apply may run before another gradient has read the old weights (a race).
    Ops afterGradients = tf.withControlDependencies(new ArrayList<Op>(grads));
    Op update = spec.optimizer().buildStep(afterGradients, variables, grads, learningRate);
    Op advance = tf.withControlDependencies(List.of(update)).assignAdd(step, tf.constant(1L));
    List<Op> trainDone = new ArrayList<>(List.of(update, advance));
    trainDone.addAll(statisticsUpdates);
    if (spec.emaDecay() > 0) {
      // The batch-norm statistics are averaged and swapped with the weights (as timm's ModelEmaV2
      // does), so the averaged weights are scored with statistics that match them.
      List<Variable<TFloat32>> averaged = new ArrayList<>(variables);
      averaged.addAll(movingStatistics);
      trainDone.add(movingAverages(tf, averaged, initialValues, spec.emaDecay(), step, trainDone));
    }
    tf.withControlDependencies(trainDone).withName(TRAIN).noOp();
    return new Built(List.copyOf(variables));
  }

  /**
   * The shadow variables, their update after each step (returned) and the {@link #EMA_SWAP}
   * target. The swap copies both sides ({@code DeepCopy}) before assigning, so neither assignment
   * can read a buffer the other has already overwritten.
   */
  private static Op movingAverages(
      Ops tf, List<Variable<TFloat32>> variables, Map<Variable<TFloat32>, Operand<TFloat32>> initialValues, double decay,
      Variable<TInt64> step, List<Op> after) {
    Ops ema = tf.withSubScope("ema");
    Ops afterStep = ema.withControlDependencies(after);
    Operand<TFloat32> t = afterStep.dtypes.cast(afterStep.identity(step), TFloat32.class);
    Operand<TFloat32> d =
        afterStep.math.minimum(
            afterStep.constant((float) decay),
            afterStep.math.div(afterStep.math.add(afterStep.constant(1f), t), afterStep.math.add(afterStep.constant(10f), t)));
    Operand<TFloat32> oneMinusD = afterStep.math.sub(afterStep.constant(1f), d);
    List<Op> updates = new ArrayList<>();
    List<Op> swaps = new ArrayList<>();
    Map<String, Ops> scopes = new HashMap<>();
    for (Variable<TFloat32> v : variables) {
      // ema/<layer>/<kernel|bias>: one sub-scope per layer (names may not contain '/', and a
      // second withSubScope of the same name would be renamed layer_1).
      String[] path = v.op().name().split("/");
      Ops scoped = ema;
      for (int i = 0; i < path.length - 1; i++) {
        String prefix = String.join("/", java.util.Arrays.copyOfRange(path, 0, i + 1));
        Ops parent = scoped;
        String part = path[i];
        scoped = scopes.computeIfAbsent(prefix, k -> parent.withSubScope(part));
      }
      Ops shadowInit = scoped.withInitScope();
      Variable<TFloat32> shadow = shadowInit.withName(path[path.length - 1]).variable(v.shape(), TFloat32.class);
      shadowInit.assign(shadow, initialValues.get(v));
      Operand<TFloat32> weights = afterStep.identity(v);
      updates.add(afterStep.assignSub(shadow, afterStep.math.mul(oneMinusD, afterStep.math.sub(afterStep.identity(shadow), weights))));
      Operand<TFloat32> weightsCopy = ema.deepCopy(v);
      Operand<TFloat32> shadowCopy = ema.deepCopy(shadow);
      Ops copied = ema.withControlDependencies(List.of(weightsCopy, shadowCopy));
      swaps.add(copied.assign(v, shadowCopy));
      swaps.add(copied.assign(shadow, weightsCopy));
    }
    ema.withControlDependencies(swaps).withName("swap").noOp(); // = EMA_SWAP
    return ema.withControlDependencies(updates).noOp();
  }

  /**
   * The layers on {@code x}; dropout only for the layers in {@code dropoutSeeds}. The training head
   * ({@code statisticsUpdates} not null: it receives the batch-norm moving-average updates)
   * computes conv-relu-pool as conv-pool-bias-relu, see {@link #convPoolBiasRelu}. A conv followed
   * by batch norm leaves its ReLU to the batch norm.
   */
  private static Operand<TFloat32> forward(
      Ops tf, ModelSpec spec, Operand<TFloat32> x, Map<String, Weights> weights, Map<String, Long> dropoutSeeds,
      Operand<TInt64> step, List<Op> statisticsUpdates) {
    boolean training = statisticsUpdates != null;
    List<Layer> layers = spec.layers();
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      Ops scope = tf.withSubScope(layer.name());
      Weights w = weights.get(layer.name());
      boolean normalised = i + 1 < layers.size() && layers.get(i + 1) instanceof BatchNorm;
      if (layer instanceof Conv && training && i + 1 < layers.size() && layers.get(i + 1) instanceof MaxPool) {
        x = convPoolBiasRelu(scope, x, w);
        i++;
      } else if (layer instanceof Conv) {
        x = scope.nn.biasAdd(scope.nn.conv2d(x, w.kernel(), UNIT_STRIDES, "VALID"), w.bias());
        x = normalised ? x : scope.nn.relu(x);
      } else if (layer instanceof BatchNorm) {
        x = scope.nn.relu(batchNorm(scope, x, w, statisticsUpdates));
      } else if (layer instanceof MaxPool) {
        x = maxPool2x2(scope, x);
      } else if (layer instanceof Dropout dropout && dropoutSeeds.containsKey(layer.name())) {
        x = dropout(scope, x, (float) dropout.rate(), step, dropoutSeeds.get(layer.name()));
      } else if (layer instanceof Flatten flatten) {
        x = scope.reshape(x, scope.constant(new long[] {-1, flatten.outputShape()[0]}));
      } else if (layer instanceof GlobalAveragePool) {
        x = scope.math.mean(x, scope.constant(new int[] {1, 2}));
      } else if (layer instanceof Dense dense) {
        x = scope.nn.biasAdd(scope.linalg.matMul(x, w.kernel()), w.bias());
        if (dense.relu()) {
          x = scope.nn.relu(x);
        }
      }
    }
    return x;
  }

  /**
   * maxpool(relu(conv + b)) computed as relu(maxpool(conv) + b). Max-pooling commutes with adding
   * a per-channel constant and with relu, so values and gradients are the same. Why: TF's C++ Relu
   * gradient reads the Relu's input, which stops Grappler from fusing Relu into the convolution, and
   * the bias gradient it then fuses into the filter gradient takes a slow oneDNN path. In this order
   * bias, relu and their gradients run on the pooled map, 4x smaller. Together with cheaper dropout
   * draws, a cnn3 training step at batch 64 fell from 381 to 295 ms of summed op time.
   */
  private static Operand<TFloat32> convPoolBiasRelu(Ops tf, Operand<TFloat32> x, Weights w) {
    Operand<TFloat32> pooled = maxPool2x2(tf, tf.nn.conv2d(x, w.kernel(), UNIT_STRIDES, "VALID"));
    return tf.nn.relu(tf.nn.biasAdd(pooled, w.bias()));
  }

  /**
   * (x - mean) / sqrt(variance + {@link #BN_EPSILON}) * gamma + beta per channel. Training: the
   * batch's mean and (biased) variance over batch, height and width, with the moving averages'
   * updates {@code m -= (1 - BN_MOMENTUM) * (m - batch)} added to {@code statisticsUpdates};
   * scoring: the moving averages.
   */
  private static Operand<TFloat32> batchNorm(Ops tf, Operand<TFloat32> x, Weights w, List<Op> statisticsUpdates) {
    Operand<TFloat32> mean;
    Operand<TFloat32> variance;
    if (statisticsUpdates == null) {
      mean = tf.identity(w.movingMean());
      variance = tf.identity(w.movingVariance());
    } else {
      Operand<TInt32> axes = tf.constant(new int[] {0, 1, 2});
      mean = tf.math.mean(x, axes);
      variance = tf.math.mean(tf.math.square(tf.math.sub(x, mean)), axes);
      Operand<TFloat32> rate = tf.constant(1 - BN_MOMENTUM);
      for (Variable<TFloat32> moving : List.of(w.movingMean(), w.movingVariance())) {
        Operand<TFloat32> batch = tf.stopGradient(moving == w.movingMean() ? mean : variance);
        statisticsUpdates.add(tf.assignSub(moving, tf.math.mul(rate, tf.math.sub(tf.identity(moving), batch))));
      }
    }
    Operand<TFloat32> scale = tf.math.mul(w.kernel(), tf.math.rsqrt(tf.math.add(variance, tf.constant(BN_EPSILON))));
    return tf.math.add(tf.math.mul(tf.math.sub(x, mean), scale), w.bias());
  }

  /** Batch mean of max(x,0) - x*z + log(1 + exp(-|x|)): the BCE of sigmoid(x) that never overflows. */
  public static Operand<TFloat32> crossEntropy(Ops tf, Operand<TFloat32> logits, Operand<TFloat32> labels) {
    Operand<TFloat32> perExample =
        tf.math.add(
            tf.math.sub(tf.nn.relu(logits), tf.math.mul(logits, labels)),
            tf.math.log1p(tf.math.exp(tf.math.neg(tf.math.abs(logits)))));
    return tf.math.mean(perExample, tf.constant(new int[] {0, 1}));
  }

  private static Operand<TFloat32> centreCrop(Ops tf, Operand<TFloat32> images, int crop) {
    if (crop == INPUT_SIZE) {
      return images;
    }
    int offset = (INPUT_SIZE - crop) / 2;
    return tf.slice(images, tf.constant(new int[] {0, offset, offset, 0}), tf.constant(new int[] {-1, crop, crop, 3}));
  }

  /**
   * Inverted dropout: keep with probability 1-rate and scale by 1/(1-rate). The keep test reads 8
   * random bits per unit, four per Philox word: float uniforms cost a whole word per unit, and the
   * draws were a tenth of cnn3's training step. The rate is thus applied in steps of 1/256 (0.25
   * exactly; 0.3 as 77/256 = 0.3008), and the scale uses that exact keep probability, so the
   * expected activation is unchanged.
   */
  static Operand<TFloat32> dropout(Ops tf, Operand<TFloat32> x, float rate, Operand<TInt64> step, long seed) {
    int rank = x.shape().numDimensions();
    long units = x.shape().get(rank - 1);
    if (units % 4 != 0) {
      throw new IllegalArgumentException("dropout needs a multiple of 4 units per position, got " + units);
    }
    Operand<TInt64> shape = tf.shape(x, TInt64.class);
    // One int32 word holds the draws of 4 units along the last axis.
    long[] unitsPerWord = new long[rank];
    Arrays.fill(unitsPerWord, 1);
    unitsPerWord[rank - 1] = 4;
    Operand<TInt64> wordShape = tf.math.floorDiv(shape, tf.constant(unitsPerWord));
    Operand<TInt64> streamSeed = tf.stack(List.of(tf.constant(seed), step));
    Operand<TInt32> words = tf.random.statelessRandomUniformFullInt(wordShape, streamSeed, TInt32.class);
    Operand<TUint8> draws = tf.reshape(tf.bitcast(words, TUint8.class), shape);
    int keepBelow = keepThreshold(rate);
    Operand<TBool> keep = tf.math.less(draws, tf.constant((byte) keepBelow));
    // The scale is folded into the mask so that the backward pass is a single multiply.
    Operand<TFloat32> mask = tf.math.mul(tf.dtypes.cast(keep, TFloat32.class), tf.constant((float) DROPOUT_LEVELS / keepBelow));
    return tf.math.mul(x, mask);
  }

  /** A unit is kept when its 8-bit draw is below this: round((1 - rate) * 256), within 1..255. */
  static int keepThreshold(double rate) {
    return (int) Math.max(1, Math.min(DROPOUT_LEVELS - 1, Math.round((1 - rate) * DROPOUT_LEVELS)));
  }

  static Operand<TFloat32> regularization(Ops tf, List<Operand<TFloat32>> kernels, double l1, double l2) {
    Operand<TFloat32> total = tf.constant(0f);
    for (Operand<TFloat32> kernel : kernels) {
      Operand<TInt32> axes =
          tf.constant(java.util.stream.IntStream.range(0, kernel.shape().numDimensions()).toArray());
      if (l1 > 0) {
        total = tf.math.add(total, tf.math.mul(tf.constant((float) l1), tf.reduceSum(tf.math.abs(kernel), axes)));
      }
      if (l2 > 0) {
        total = tf.math.add(total, tf.math.mul(tf.constant((float) l2), tf.reduceSum(tf.math.square(kernel), axes)));
      }
    }
    return total;
  }

  /**
   * The variable's current value. Ops consume this rather than the ref-typed VariableV2 output:
   * some C++ gradients (Square) crash on a ref input.
   */
  private static Operand<TFloat32> read(Ops tf, Variable<TFloat32> variable) {
    return tf.identity(variable);
  }

  private static Variable<TFloat32> variable(
      Ops tf, String name, Initializer initializer, Shape shape, long seed, Map<Variable<TFloat32>, Operand<TFloat32>> initialValues) {
    Ops init = tf.withInitScope();
    Variable<TFloat32> v = init.withName(name).variable(shape, TFloat32.class);
    Operand<TFloat32> initial = initializer.initialValue(init, shape, seed);
    init.assign(v, initial);
    initialValues.put(v, initial);
    return v;
  }

  private static Variable<TFloat32> filled(
      Ops tf, String name, Shape shape, float value, Map<Variable<TFloat32>, Operand<TFloat32>> initialValues) {
    Ops init = tf.withInitScope();
    Variable<TFloat32> v = init.withName(name).variable(shape, TFloat32.class);
    Operand<TFloat32> initial = init.fill(init.constant(shape.asArray()), init.constant(value));
    init.assign(v, initial);
    initialValues.put(v, initial);
    return v;
  }

  /**
   * 2x2 max-pooling as the classic {@code MaxPool} op, with ksize and strides as attributes. TF
   * Java only generates {@code MaxPoolV2} (ksize as tensors), which oneDNN does not rewrite, so
   * every pool would leave its fast layout path.
   */
  private static Operand<TFloat32> maxPool2x2(Ops scope, Operand<TFloat32> x) {
    return scope.scope()
        .opBuilder("MaxPool", "MaxPool")
        .addInput(x.asOutput())
        .setAttr("ksize", new long[] {1, 2, 2, 1})
        .setAttr("strides", new long[] {1, 2, 2, 1})
        .setAttr("padding", "VALID")
        .build()
        .output(0);
  }
}
