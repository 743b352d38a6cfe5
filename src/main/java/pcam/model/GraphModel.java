package pcam.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.proto.StepStats;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;
import pcam.data.Batch;
import pcam.util.AtomicFiles;
import pcam.util.InputException;

/**
 * A model built in Java with the op names of {@link CnnGraph} (cnn3/cnn9, or an imported Keras
 * model): owns its {@link Graph} and {@link Session}. Weights, optimizer slots and the step counter
 * are {@code VariableV2}s, so {@link Session#save} checkpoints all of them and the SavedModel
 * exporter writes them.
 */
abstract class GraphModel implements TrainableModel {
  /** Checkpoint files are {@code <dir>/ckpt.index} and {@code <dir>/ckpt.data-*}. */
  public static final String CHECKPOINT_PREFIX = "ckpt";

  protected final Graph graph;
  protected final Session session;
  private final int height;
  private final int width;

  GraphModel(Graph graph, Session session, int height, int width) {
    this.graph = graph;
    this.session = session;
    this.height = height;
    this.width = width;
  }

  /** The model's graph, for inspection (e.g. the shapes of the ops a profile times); not for adding ops. */
  public Graph graph() {
    return graph;
  }

  /** Optimizer steps taken so far (restored with a checkpoint). */
  public long step() {
    try (Result r = session.runner().fetch(CnnGraph.STEP).run()) {
      return ((TInt64) r.get(0)).getLong();
    }
  }

  @Override
  public int inputHeight() {
    return height;
  }

  @Override
  public int inputWidth() {
    return width;
  }

  @Override
  public StepResult trainStep(Batch batch, float learningRate) {
    return trainStep(batch, learningRate, null);
  }

  /**
   * One training step; with a {@code trace}, TensorFlow times every op of the step (a full trace)
   * and hands its step statistics to it. For profiling only: tracing slows the step a little.
   */
  public StepResult trainStep(Batch batch, float learningRate, Consumer<StepStats> trace) {
    try (TUint8 pixels = pixels(batch);
        TFloat32 labels = labels(batch);
        TFloat32 lr = TFloat32.scalarOf(learningRate)) {
      Session.Runner runner =
          session.runner()
              .feed(CnnGraph.PIXELS, pixels)
              .feed(CnnGraph.LABELS, labels)
              .feed(CnnGraph.LEARNING_RATE, lr)
              .addTarget(CnnGraph.TRAIN)
              .fetch(CnnGraph.TRAIN_LOSS)
              .fetch(CnnGraph.TRAIN_ACCURACY);
      if (trace != null) {
        runner.setOptions(RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build());
      }
      try (Result r = trace == null ? runner.run() : runner.runAndFetchMetadata()) {
        if (trace != null) {
          trace.accept(r.getMetadata().orElseThrow().getStepStats());
        }
        return new StepResult(((TFloat32) r.get(0)).getFloat(), ((TFloat32) r.get(1)).getFloat());
      }
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

  /** Loss as the optimizer sees it (with regularisation, dropout off), without taking a step. */
  public float loss(Batch batch) {
    try (TUint8 pixels = pixels(batch);
        TFloat32 labels = labels(batch);
        Result r = session.runner().feed(CnnGraph.PIXELS, pixels).feed(CnnGraph.LABELS, labels).fetch(CnnGraph.LOSS).run()) {
      return ((TFloat32) r.get(0)).getFloat();
    }
  }

  /** The current value of a variable (e.g. {@code conv2d/kernel}), flattened; for inspection and tests. */
  public float[] variable(String name) {
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
    AtomicFiles.write(dir, tmp -> {
      SavedModelBundle.exporter(tmp.toString()).withSession(session).withSignature(serving).export();
      addToExport(tmp);
    });
  }

  /** Writes files that belong beside the SavedModel into the (temporary) export folder. */
  protected void addToExport(Path dir) throws IOException {}

  private void checkSize(Batch batch) {
    if (batch.height() != height || batch.width() != width) {
      throw new IllegalArgumentException("batch is " + batch.height() + "x" + batch.width() + ", the model takes " + height + "x" + width);
    }
  }

  /** The pixels as fed; a subclass may resize first. */
  protected TUint8 pixels(Batch batch) {
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
