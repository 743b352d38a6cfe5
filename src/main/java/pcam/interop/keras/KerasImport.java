package pcam.interop.keras;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.tensorflow.Graph;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.ConfigProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pcam.model.InputScale;
import pcam.model.KerasGraph;
import pcam.model.KerasModel;
import pcam.model.KerasModel.Weight;
import pcam.model.KerasSpec;
import pcam.util.InputException;

/**
 * {@code pcam import-keras}: a Keras {@code .h5}/{@code .keras} file to a pcam model folder. The
 * folder is a contract SavedModel ({@code serving_default}: images float32 [N,H,W,3] 0..255 to
 * {@code probability} [N,1], the input scaling in the graph) plus {@value KerasSpec#FILE}, which
 * {@code pcam finetune} rebuilds the trainable graph from.
 */
public final class KerasImport {
  private static final Logger LOG = LoggerFactory.getLogger(KerasImport.class);
  private static final Set<String> FLOAT_POLICIES =
      Set.of("float32", "mixed_float16", "mixed_bfloat16", "float16", "bfloat16", "float64");

  /**
   * @param inputScale the pixel scale the model was trained on; null when its first layer is Rescaling
   * @param positiveClass the output column that is label 1; null for the default (the only one, or 1 of 2)
   */
  public record Options(InputScale inputScale, Integer positiveClass) {}

  /** The model as read: its spec and weights. */
  public record Imported(KerasSpec spec, Map<String, Weight> weights, Set<String> dtypePolicies) {}

  private KerasImport() {}

  /** Reads and checks {@code file}; an {@link InputException} for anything pcam cannot rebuild exactly. */
  public static Imported read(Path file, Options options) {
    try (KerasFile keras = KerasFile.open(file)) {
      KerasConfigParser.Parsed parsed;
      try {
        parsed = KerasConfigParser.parse(keras.modelConfig(), keras.format() == KerasFile.Format.KERAS3_ZIP);
      } catch (InputException e) {
        throw new InputException(file + ": " + e.getMessage(), e);
      }
      for (String policy : parsed.dtypePolicies()) {
        if (!FLOAT_POLICIES.contains(policy)) {
          throw new InputException(file + ": dtype policy '" + policy + "' is not supported (float policies only)");
        }
      }
      Set<String> reduced = new TreeSet<>(parsed.dtypePolicies());
      reduced.remove("float32");
      KerasSpec provisional = spec(file, keras.kerasVersion(), parsed, InputScale.RAW, "", new KerasSpec.Head("linear", 1, 0));
      String activation = KerasGraph.outputActivation(provisional);
      Shape out = outputShape(provisional);
      KerasSpec.Head head = head(file, parsed.output(), activation, out, options.positiveClass());
      InputScale scale = options.inputScale();
      String scaleSource = "--input-scale";
      if (scale == null) {
        KerasSpec.Node first = provisional.nodes().stream().filter(n -> n.inputs().contains(KerasSpec.INPUT)).findFirst().orElseThrow();
        if (!first.kerasClass().equals("Rescaling")) {
          throw new InputException(file + ": --input-scale is required: the model does not start with a Rescaling layer, so pcam cannot tell"
              + " which pixel scale it was trained on (raw | unit | imagenet | caffe | tf; e.g. unit for ImageDataGenerator(rescale=1./255))");
        }
        scale = InputScale.RAW;
        scaleSource = "the model's first layer '" + first.id() + "' is Rescaling (scale " + first.config().path("scale") + ")";
      }
      KerasSpec spec = spec(file, keras.kerasVersion(), parsed, scale, scaleSource, head);
      Map<String, Weight> weights = KerasWeightReader.read(keras, spec.nodes());
      return new Imported(spec, weights, reduced);
    }
  }

  /** Reads {@code file} and writes the model folder {@code out} (atomically; it must not exist yet). */
  public static KerasSpec run(Path file, Path out, Options options, ConfigProto session) {
    if (Files.exists(out)) {
      throw new InputException("--out " + out + " already exists; pcam never overwrites: choose a new folder");
    }
    Imported imported = read(file, options);
    KerasSpec spec = imported.spec();
    if (!imported.dtypePolicies().isEmpty()) {
      LOG.info("dtype policy {}: weights are float32 and pcam computes in float32", imported.dtypePolicies());
    }
    try (KerasModel model = KerasModel.create(spec, imported.weights(), null, session)) {
      model.exportSavedModel(out);
    }
    return spec;
  }

  private static KerasSpec spec(Path file, String version, KerasConfigParser.Parsed parsed, InputScale scale, String source, KerasSpec.Head head) {
    return new KerasSpec(file.getFileName().toString(), version, parsed.height(), parsed.width(), scale, source, parsed.nodes(), parsed.output(), head);
  }

  /** The static shape of the output layer before its activation. */
  private static Shape outputShape(KerasSpec spec) {
    try (Graph g = new Graph()) {
      return KerasGraph.outputShape(g, spec);
    }
  }

  static KerasSpec.Head head(Path file, String output, String activation, Shape shape, Integer positiveClass) {
    if (!List.of("sigmoid", "softmax", "linear").contains(activation)) {
      throw new InputException(file + ": the model's output (layer '" + output + "') ends in " + activation
          + ": pcam needs a sigmoid, softmax or linear (logit) output");
    }
    if (shape.numDimensions() != 2) {
      throw new InputException(file + ": the model's output (layer '" + output + "') is " + shape + ": pcam needs [N,K] class scores");
    }
    int k = (int) shape.size(1);
    if (k == 1 && activation.equals("softmax")) {
      throw new InputException(file + ": the model's output is a softmax over 1 unit (always 1.0): not a usable classifier");
    }
    int c;
    if (positiveClass != null) {
      if (positiveClass < 0 || positiveClass >= k) {
        throw new InputException("--positive-class " + positiveClass + " is out of range: the output has " + k + " column" + (k == 1 ? "" : "s")
            + " (0.." + (k - 1) + ")");
      }
      c = positiveClass;
    } else if (k == 1) {
      c = 0;
    } else if (k == 2 && !activation.equals("sigmoid")) {
      c = 1;
    } else {
      throw new InputException(file + ": the output has " + k + " " + activation + " columns: pass --positive-class INDEX (0.." + (k - 1)
          + ") for the column that means tumour");
    }
    return new KerasSpec.Head(activation, k, c);
  }
}
