package pcam.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * The peer a Java user would otherwise pick: the study's cnn3, built and trained with DJL on the
 * PyTorch engine (CPU), timed on one fixed in-memory batch exactly like pcam's graph-only figures
 * ({@code pcam.bench.Throughput}): warm-up steps, then the best of {@code rounds} timed rounds.
 * The input is float32 NCHW already scaled to [0,1] (PyTorch's native layout), which spares DJL
 * the cast, scale and layout work that pcam's graph does on its uint8 NHWC input, so any bias
 * favours the peer. Only compiled with {@code -Pdjl}; {@code pcam bench all} calls {@link #measure}
 * reflectively.
 */
public final class DjlPeer {
  private DjlPeer() {}

  /** Graph-only train and inference img/s ({@code train_img_s}, {@code infer_img_s}) for cnn3. */
  public static Map<String, Double> measure(int batchSize, int warmupSteps, int timedSteps, int rounds) {
    System.setProperty("ai.djl.offline", "true");
    Map<String, Double> result = new LinkedHashMap<>();
    try (Model model = Model.newInstance("cnn3", Device.cpu(), "PyTorch")) {
      model.setBlock(cnn3());
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(Loss.sigmoidBinaryCrossEntropyLoss())
              .optInitializer(new XavierInitializer(), "weight")
              .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build())
              .optDevices(new Device[] {Device.cpu()});
      try (Trainer trainer = model.newTrainer(config)) {
        Shape inputShape = new Shape(batchSize, 3, 96, 96);
        trainer.initialize(inputShape);
        Random random = new Random(42);
        float[] pixels = new float[(int) inputShape.size()];
        for (int i = 0; i < pixels.length; i++) {
          pixels[i] = random.nextFloat();
        }
        float[] labels = new float[batchSize];
        for (int i = 0; i < batchSize; i++) {
          labels[i] = i % 2;
        }
        NDManager root = model.getNDManager();
        result.put("train_img_s", best(batchSize, warmupSteps, timedSteps, rounds,
            () -> trainStep(trainer, root, pixels, inputShape, labels)));
        result.put("infer_img_s", best(batchSize, warmupSteps, timedSteps, rounds,
            () -> infer(trainer, root, pixels, inputShape)));
        result.put("params", (double) countParams(trainer));
      }
    }
    return result;
  }

  /**
   * What the peer runs on, so two runs can be compared: PyTorch's version, its intra- and
   * inter-op thread counts (DJL sets them from {@code -Dai.djl.pytorch.num_threads} and {@code
   * -Dai.djl.pytorch.num_interop_threads}, else PyTorch's defaults) and the features the native
   * library was built with (e.g. MKLDNN, i.e. oneDNN convolutions), and the environment that
   * changes its speed: {@code GLIBC_TUNABLES=glibc.malloc.hugetlb=1} (set by scripts/bench.sh)
   * lets glibc back PyTorch's large per-step tensors with transparent huge pages instead of
   * faulting in fresh 4 KB pages every step, which made it 3-4x faster on a 2-core VM.
   */
  public static String describe() {
    System.setProperty("ai.djl.offline", "true");
    Engine engine = Engine.getEngine("PyTorch");
    return "PyTorch " + engine.getVersion() + ", intra-op threads " + JniUtils.getNumThreads() + ", inter-op threads "
        + JniUtils.getNumInteropThreads() + ", features " + new TreeSet<>(JniUtils.getFeatures())
        + ", OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS") + ", ATEN_CPU_CAPABILITY=" + System.getenv("ATEN_CPU_CAPABILITY")
        + ", GLIBC_TUNABLES=" + System.getenv("GLIBC_TUNABLES");
  }

  private static double best(int batchSize, int warmupSteps, int timedSteps, int rounds, Runnable step) {
    for (int i = 0; i < warmupSteps; i++) {
      step.run();
    }
    double best = 0;
    for (int r = 0; r < rounds; r++) {
      long start = System.nanoTime();
      for (int i = 0; i < timedSteps; i++) {
        step.run();
      }
      best = Math.max(best, batchSize * (double) timedSteps / ((System.nanoTime() - start) / 1e9));
    }
    return best;
  }

  private static long countParams(Trainer trainer) {
    return trainer.getModel().getBlock().getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
  }

  /**
   * One step with the batch created in a per-step manager: DJL attaches every op's output to its
   * input's manager, so closing that manager frees all the step's activations and gradients.
   * (With the batch in a long-lived manager they pile up: tens of GB within a few hundred steps.)
   * The copy of the batch into native memory mirrors pcam's per-step uint8 feed.
   */
  private static void trainStep(Trainer trainer, NDManager root, float[] pixels, Shape shape, float[] labels) {
    try (NDManager step = root.newSubManager();
        GradientCollector collector = trainer.newGradientCollector()) {
      NDArray images = step.create(pixels, shape);
      NDArray targets = step.create(labels, new Shape(labels.length, 1));
      NDList predictions = trainer.forward(new NDList(images));
      NDArray loss = trainer.getLoss().evaluate(new NDList(targets), predictions);
      collector.backward(loss);
      trainer.step();
      loss.getFloat();
    }
  }

  private static void infer(Trainer trainer, NDManager root, float[] pixels, Shape shape) {
    try (NDManager step = root.newSubManager()) {
      NDList out = trainer.evaluate(new NDList(step.create(pixels, shape)));
      out.head().toType(DataType.FLOAT32, false).toFloatArray();
    }
  }

  /**
   * conv(32)-pool-drop, conv(64)-pool-drop, conv(128)-pool-drop, dense 256-drop, dense 1, 'valid'
   * 3x3 convolutions and 2x2 pools as pcam's cnn3 at crop 96, with its dropout rates (0.25 and
   * 0.25): 3,370,561 params.
   */
  static SequentialBlock cnn3() {
    SequentialBlock block = new SequentialBlock();
    for (int filters : new int[] {32, 64, 128}) {
      block
          .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(filters).build())
          .add(Activation::relu)
          .add(Pool.maxPool2dBlock(new Shape(2, 2)))
          .add(Dropout.builder().optRate(0.25f).build());
    }
    return block
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(256).build())
        .add(Activation::relu)
        .add(Dropout.builder().optRate(0.25f).build())
        .add(Linear.builder().setUnits(1).build());
  }

  public static void main(String[] args) {
    int batch = args.length > 0 ? Integer.parseInt(args[0]) : 64;
    System.out.println(describe());
    System.out.println(measure(batch, 3, 20, 2));
  }
}
