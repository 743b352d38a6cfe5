package pcam.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Session.Runner;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;
import pcam.data.Batch;
import pcam.data.Resize;
import pcam.model.KerasSpec.Node;
import pcam.util.InputException;

/**
 * A Keras model rebuilt in Java from its {@link KerasSpec}, with given weights: scores like any
 * model, trains (when built with {@link KerasGraph.Training}) with pcam's optimizers and loop, and
 * exports a contract SavedModel with {@value KerasSpec#FILE} beside it, so that the export can be
 * fine-tuned again. Batches of another size than the model's input are resized (bilinear).
 */
public final class KerasModel extends GraphModel {
  /** A weight's value: row-major float32 with its shape, as Keras stores it. */
  public record Weight(long[] shape, float[] values) {
    public Weight {
      if (Arrays.stream(shape).reduce(1, (a, b) -> a * b) != values.length) {
        throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold " + values.length + " values");
      }
    }
  }

  private final KerasSpec spec;
  private final KerasGraph.Built built;

  private KerasModel(KerasSpec spec, Graph graph, Session session, KerasGraph.Built built) {
    super(graph, session, spec.height(), spec.width());
    this.spec = spec;
    this.built = built;
  }

  /** Builds {@code spec} in float32 and sets its weights: {@link #create(KerasSpec, Map, KerasGraph.Training, Precision, ConfigProto)}. */
  public static KerasModel create(KerasSpec spec, Map<String, Weight> weights, KerasGraph.Training training, ConfigProto config) {
    return create(spec, weights, training, Precision.FLOAT32, config);
  }

  /**
   * Builds {@code spec} and sets its weights.
   *
   * @param weights by {@code node id/weight name} (conv2d/kernel); every weight of the spec is required
   * @param training null to score only
   * @param precision the graph's ({@link KerasGraph#build(Graph, KerasSpec, KerasGraph.Training, Precision)}) and the session's
   * @param config session options (device, threads); null for TensorFlow's defaults. {@code precision}'s rewrite is added to them.
   */
  public static KerasModel create(
      KerasSpec spec, Map<String, Weight> weights, KerasGraph.Training training, Precision precision, ConfigProto config) {
    Graph graph = new Graph();
    Session session = null;
    try {
      KerasGraph.Built built = KerasGraph.build(graph, spec, training, precision);
      List<Op> assigns = new ArrayList<>();
      List<Placeholder<TFloat32>> feeds = new ArrayList<>();
      List<Weight> values = new ArrayList<>();
      Ops load = Ops.create(graph).withSubScope("load_weights");
      for (Node node : spec.weighted()) {
        for (String name : node.weights()) {
          Variable<TFloat32> variable = built.variables().get(node.id() + "/" + name);
          Weight w = weights.get(node.id() + "/" + name);
          if (variable == null) {
            throw new IllegalStateException("the graph has no variable for " + node.id() + "/" + name);
          }
          if (w == null) {
            throw new InputException("layer '" + node.id() + "' (" + node.kerasClass() + "): weight '" + name + "' is missing from the file");
          }
          if (!Arrays.equals(w.shape(), variable.shape().asArray())) {
            throw new InputException(
                "layer '" + node.id() + "' (" + node.kerasClass() + "): weight '" + name + "' is " + Arrays.toString(w.shape())
                    + " in the file, the layer needs " + variable.shape());
          }
          Placeholder<TFloat32> feed = load.placeholder(TFloat32.class, Placeholder.shape(variable.shape()));
          assigns.add(load.assign(variable, feed));
          feeds.add(feed);
          values.add(w);
        }
      }
      session = new Session(graph, precision.sessionOptions(config));
      assign(session, assigns, feeds, values);
      return new KerasModel(spec, graph, session, built);
    } catch (RuntimeException e) {
      if (session != null) {
        session.close();
      }
      graph.close();
      throw e;
    }
  }

  private static void assign(Session session, List<Op> assigns, List<Placeholder<TFloat32>> feeds, List<Weight> values) {
    List<TFloat32> tensors = new ArrayList<>();
    try {
      Runner runner = session.runner();
      for (int i = 0; i < feeds.size(); i++) {
        Weight w = values.get(i);
        TFloat32 t = TFloat32.tensorOf(Shape.of(w.shape()), DataBuffers.of(w.values(), true, false));
        tensors.add(t);
        runner.feed(feeds.get(i), t);
      }
      assigns.forEach(runner::addTarget);
      runner.run().close();
    } finally {
      tensors.forEach(TFloat32::close);
    }
  }

  /** {@link #forFinetuning(Path, Optimizer, Integer, String, long, Precision, ConfigProto)} in float32. */
  public static KerasModel forFinetuning(
      Path dir, Optimizer optimizer, Integer trainableLayers, String freezeUntil, long seed, ConfigProto config) {
    return forFinetuning(dir, optimizer, trainableLayers, freezeUntil, seed, Precision.FLOAT32, config);
  }

  /**
   * Opens a folder written by {@code pcam import-keras} (or a fine-tuned one) for fine-tuning.
   *
   * @param trainableLayers the last N layers with weights train; null for all (unless freezeUntil)
   * @param freezeUntil the layers with weights before this one are frozen; null for none
   * @param precision what the session computes in; the folder's weights and the export stay float32
   */
  public static KerasModel forFinetuning(
      Path dir, Optimizer optimizer, Integer trainableLayers, String freezeUntil, long seed, Precision precision, ConfigProto config) {
    KerasSpec spec = KerasSpec.load(dir);
    Set<String> trainable = trainableNodes(spec, trainableLayers, freezeUntil);
    return create(spec, readWeights(dir, spec), new KerasGraph.Training(optimizer, trainable, seed), precision, config);
  }

  /** The ids of the layers whose weights train, per --trainable-layers / --freeze-until (all by default). */
  public static Set<String> trainableNodes(KerasSpec spec, Integer trainableLayers, String freezeUntil) {
    List<String> weighted = spec.weighted().stream().map(Node::id).toList();
    if (trainableLayers != null && freezeUntil != null) {
      throw new InputException("--trainable-layers and --freeze-until exclude each other: give one");
    }
    if (trainableLayers != null) {
      if (trainableLayers < 1 || trainableLayers > weighted.size()) {
        throw new InputException("--trainable-layers must be 1.." + weighted.size() + " (the model's layers with weights), got " + trainableLayers);
      }
      return new LinkedHashSet<>(weighted.subList(weighted.size() - trainableLayers, weighted.size()));
    }
    if (freezeUntil != null) {
      List<String> matches = weighted.stream().filter(id -> id.equals(freezeUntil) || id.endsWith("/" + freezeUntil)).toList();
      if (matches.size() != 1) {
        throw new InputException("--freeze-until " + freezeUntil + ": " + (matches.isEmpty() ? "no" : matches.size())
            + " layer with weights of that name (layers with weights: " + abbreviate(weighted) + ")");
      }
      return new LinkedHashSet<>(weighted.subList(weighted.indexOf(matches.get(0)), weighted.size()));
    }
    return new LinkedHashSet<>(weighted);
  }

  private static String abbreviate(List<String> names) {
    return names.size() <= 12 ? String.join(", ", names)
        : String.join(", ", names.subList(0, 6)) + ", ..., " + String.join(", ", names.subList(names.size() - 6, names.size()));
  }

  /** The weights of an imported (or fine-tuned) model folder: its SavedModel's variables, by spec name. */
  public static Map<String, Weight> readWeights(Path savedModel, KerasSpec spec) {
    Map<String, Weight> out = new LinkedHashMap<>();
    try (SavedModelBundle bundle = SavedModelBundle.load(savedModel.toString(), SavedModelBundle.DEFAULT_TAG)) {
      for (Node node : spec.weighted()) {
        for (String name : node.weights()) {
          String op = KerasGraph.SCOPE + "/" + node.id() + "/" + name;
          if (bundle.graph().operation(op) == null) {
            throw new InputException(savedModel + ": no variable " + op + " (was this folder written by pcam import-keras?)");
          }
          try (Result r = bundle.session().runner().fetch(op).run()) {
            TFloat32 t = (TFloat32) r.get(0);
            float[] values = new float[(int) t.shape().size()];
            t.asRawTensor().data().asFloats().read(values);
            out.put(node.id() + "/" + name, new Weight(t.shape().asArray(), values));
          }
        }
      }
    } catch (org.tensorflow.exceptions.TensorFlowException e) {
      throw new InputException(savedModel + ": cannot load SavedModel: " + e.getMessage().lines().findFirst().orElse(""), e);
    }
    return out;
  }

  public KerasSpec spec() {
    return spec;
  }

  /** Trainable parameters (0 when built to score only). */
  public long trainableParams() {
    return built.trainableParams();
  }

  /** The weights that train, as {@code node id/weight}. */
  public List<String> trainableWeights() {
    return built.trainable();
  }

  @Override
  protected TUint8 pixels(Batch batch) {
    return super.pixels(Resize.bilinear(batch, inputHeight(), inputWidth()));
  }

  @Override
  protected void addToExport(Path dir) throws IOException {
    spec.save(dir);
    // The SavedModel itself takes the contract's 0..255 and returns a probability; the Keras input
    // scale lives in the graph (and in keras-model.json), so no command scales again.
    new ModelMetadata(InputScale.RAW, null, ModelMetadata.OutputKind.PROBABILITY, null).writeInto(dir);
  }
}
