package pcam.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;
import pcam.data.Batch;
import pcam.util.AtomicFiles;
import pcam.util.InputException;

/**
 * A study CNN built in Java: owns its {@link Graph} and {@link Session}. Weights, optimizer slots
 * and the step counter are {@code VariableV2}s, so {@link Session#save} checkpoints all of them
 * and the SavedModel exporter writes them.
 */
public final class CnnModel implements TrainableModel {
  /** Checkpoint files are {@code <dir>/ckpt.index} and {@code <dir>/ckpt.data-*}. */
  public static final String CHECKPOINT_PREFIX = "ckpt";

  private final ModelSpec spec;
  private final Graph graph;
  private final Session session;
  private final long trainableParams;

  private CnnModel(ModelSpec spec, Graph graph, Session session, long trainableParams) {
    this.spec = spec;
    this.graph = graph;
    this.session = session;
    this.trainableParams = trainableParams;
  }

  /**
   * Builds the graph for {@code spec} and a session on it with freshly initialised variables.
   *
   * @param device where the session runs ({@link Device#AUTO} picks a GPU when TF sees one)
   * @param threads intra- and inter-op threads; 0 lets TensorFlow choose
   */
  public static CnnModel create(ModelSpec spec, Device device, int threads) {
    if (threads < 0) {
      throw new InputException("--threads must be >= 0, got " + threads);
    }
    Graph graph = new Graph();
    try {
      CnnGraph.Built built = CnnGraph.build(graph, spec);
      Session session = new Session(graph, device.sessionConfig(threads));
      return new CnnModel(spec, graph, session, built.trainableParams());
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  public ModelSpec spec() {
    return spec;
  }

  /** Trainable parameters counted from the graph's variables. */
  public long trainableParams() {
    return trainableParams;
  }

  /** Optimizer steps taken so far (restored with a checkpoint). */
  public long step() {
    try (Result r = session.runner().fetch(CnnGraph.STEP).run()) {
      return ((TInt64) r.get(0)).getLong();
    }
  }

  @Override
  public int inputHeight() {
    return CnnGraph.INPUT_SIZE;
  }

  @Override
  public int inputWidth() {
    return CnnGraph.INPUT_SIZE;
  }

  @Override
  public StepResult trainStep(Batch batch, float learningRate) {
    try (TUint8 pixels = pixels(batch);
        TFloat32 labels = labels(batch);
        TFloat32 lr = TFloat32.scalarOf(learningRate);
        Result r =
            session.runner()
                .feed(CnnGraph.PIXELS, pixels)
                .feed(CnnGraph.LABELS, labels)
                .feed(CnnGraph.LEARNING_RATE, lr)
                .addTarget(CnnGraph.TRAIN)
                .fetch(CnnGraph.TRAIN_LOSS)
                .fetch(CnnGraph.TRAIN_ACCURACY)
                .run()) {
      return new StepResult(((TFloat32) r.get(0)).getFloat(), ((TFloat32) r.get(1)).getFloat());
    }
  }

  @Override
  public EvalResult evaluate(Batch batch) {
    try (TUint8 pixels = pixels(batch);
        TFloat32 labels = labels(batch);
        Result r =
            session.runner()
                .feed(CnnGraph.PIXELS, pixels)
                .feed(CnnGraph.LABELS, labels)
                .fetch(CnnGraph.DATA_LOSS)
                .fetch(CnnGraph.PROBABILITY)
                .run()) {
      return new EvalResult(((TFloat32) r.get(0)).getFloat(), read((TFloat32) r.get(1), batch.count()));
    }
  }

  @Override
  public float[] predict(Batch batch) {
    try (TUint8 pixels = pixels(batch); Result r = session.runner().feed(CnnGraph.PIXELS, pixels).fetch(CnnGraph.PROBABILITY).run()) {
      return read((TFloat32) r.get(0), batch.count());
    }
  }

  @Override
  public boolean swapAveragedWeights() {
    if (spec.emaDecay() == 0) {
      return false;
    }
    session.runner().addTarget(CnnGraph.EMA_SWAP).run();
    return true;
  }

  /** Loss as the optimizer sees it (with regularisation, dropout off), without taking a step. */
  public float loss(Batch batch) {
    try (TUint8 pixels = pixels(batch);
        TFloat32 labels = labels(batch);
        Result r = session.runner().feed(CnnGraph.PIXELS, pixels).feed(CnnGraph.LABELS, labels).fetch(CnnGraph.LOSS).run()) {
      return ((TFloat32) r.get(0)).getFloat();
    }
  }

  /** The current value of a variable (e.g. {@code conv2d/kernel}), flattened; for inspection and tests. */
  float[] variable(String name) {
    try (Result r = session.runner().fetch(name).run()) {
      TFloat32 value = (TFloat32) r.get(0);
      return read(value, (int) value.shape().size());
    }
  }

  @Override
  public void saveCheckpoint(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir + ": " + AtomicFiles.describe(e), e);
    }
    session.save(dir.resolve(CHECKPOINT_PREFIX).toString());
  }

  @Override
  public void restoreCheckpoint(Path dir) {
    if (!Files.isRegularFile(dir.resolve(CHECKPOINT_PREFIX + ".index"))) {
      throw new InputException(dir + ": no checkpoint (" + CHECKPOINT_PREFIX + ".index missing)");
    }
    session.restore(dir.resolve(CHECKPOINT_PREFIX).toString());
  }

  @Override
  public void exportSavedModel(Path dir) {
    Signature serving =
        Signature.builder()
            .key(SavedModelScorer.SERVING_KEY)
            .input(CnnGraph.IMAGES, graph.operation(CnnGraph.IMAGES).output(0))
            .output(SavedModelScorer.PROBABILITY, graph.operation(CnnGraph.PROBABILITY).output(0))
            .build();
    AtomicFiles.write(dir, tmp -> SavedModelBundle.exporter(tmp.toString()).withSession(session).withSignature(serving).export());
  }

  private static void checkSize(Batch batch) {
    if (batch.height() != CnnGraph.INPUT_SIZE || batch.width() != CnnGraph.INPUT_SIZE) {
      throw new IllegalArgumentException("batch is " + batch.height() + "x" + batch.width() + ", the CNNs take 96x96");
    }
  }

  private static TUint8 pixels(Batch batch) {
    checkSize(batch);
    return TUint8.tensorOf(
        Shape.of(batch.count(), batch.height(), batch.width(), 3), DataBuffers.of(batch.pixels(), true, false));
  }

  private static TFloat32 labels(Batch batch) {
    return TFloat32.tensorOf(Shape.of(batch.count(), 1), DataBuffers.of(batch.labels(), true, false));
  }

  private static float[] read(TFloat32 tensor, int count) {
    float[] out = new float[count];
    tensor.asRawTensor().data().asFloats().read(out);
    return out;
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
