package pcam.model;

import java.nio.file.Path;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import pcam.util.InputException;

/**
 * A study CNN built in Java: owns its {@link Graph} and {@link Session}. Weights, optimizer slots
 * and the step counter are {@code VariableV2}s, so {@link Session#save} checkpoints all of them
 * and the SavedModel exporter writes them.
 */
public final class CnnModel extends GraphModel {
  /** Checkpoint files are {@code <dir>/ckpt.index} and {@code <dir>/ckpt.data-*}. */
  public static final String CHECKPOINT_PREFIX = GraphModel.CHECKPOINT_PREFIX;

  private final ModelSpec spec;
  private final long trainableParams;

  private CnnModel(ModelSpec spec, Graph graph, Session session, long trainableParams) {
    super(graph, session, CnnGraph.INPUT_SIZE, CnnGraph.INPUT_SIZE);
    this.spec = spec;
    this.trainableParams = trainableParams;
  }

  /**
   * Builds the graph for {@code spec} and a session on it with freshly initialised variables.
   *
   * @param device where the session runs ({@link Device#AUTO} picks a GPU when TF sees one)
   * @param threads intra- and inter-op threads; 0 lets TensorFlow choose
   */
  public static CnnModel create(ModelSpec spec, Device device, int threads) {
    return create(spec, device, threads, Precision.FLOAT32);
  }

  /** As {@link #create(ModelSpec, Device, int)}, with the session computing in {@code precision}. */
  public static CnnModel create(ModelSpec spec, Device device, int threads, Precision precision) {
    if (threads < 0) {
      throw new InputException("--threads must be >= 0, got " + threads);
    }
    Graph graph = new Graph();
    try {
      CnnGraph.Built built = CnnGraph.build(graph, spec, precision);
      Session session = new Session(graph, device.sessionConfig(threads, precision));
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

  @Override
  public boolean swapAveragedWeights() {
    if (spec.emaDecay() == 0) {
      return false;
    }
    session.runner().addTarget(CnnGraph.EMA_SWAP).run();
    return true;
  }

  @Override
  protected void addToExport(Path dir) {
    ModelMetadata.pcamCnn().writeInto(dir);
  }
}
