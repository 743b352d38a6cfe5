package pcam.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import pcam.util.InputException;
import pcam.util.Json;

/**
 * A Keras model as pcam rebuilds it: the layer graph read from a {@code .h5}/{@code .keras}
 * config, flattened (a nested base model's layers are named {@code base/layer}), in topological
 * order, plus what pcam needs around it: the input scale and how the output becomes one
 * probability. Saved as {@value #FILE} beside the SavedModel that {@code pcam import-keras} writes,
 * so that {@code pcam finetune} can rebuild the same graph with trainable variables.
 *
 * @param source the Keras file it was imported from (file name only)
 * @param kerasVersion the Keras version that wrote the file
 * @param height model input height (96 when the model leaves it open)
 * @param width model input width
 * @param inputScale what the model expects, applied in the graph to the contract's 0..255 input
 * @param inputScaleSource why: "--input-scale" or "the model's first layer is Rescaling"
 * @param nodes the layers after the input, each reading earlier nodes (or {@link #INPUT})
 * @param output id of the node whose output is the model's output
 * @param head how that output becomes the probability of label 1
 */
public record KerasSpec(
    String source,
    String kerasVersion,
    int height,
    int width,
    InputScale inputScale,
    String inputScaleSource,
    List<Node> nodes,
    String output,
    Head head) {

  public static final String FILE = "keras-model.json";
  /** The id under which nodes refer to the (scaled) image input. */
  public static final String INPUT = "input";

  /**
   * One layer.
   *
   * @param id unique, usable as a TF name scope: the Keras name, prefixed by enclosing models' names
   * @param kerasClass Keras class name (Conv2D, Dense, ...)
   * @param inputs ids of the nodes (or {@link #INPUT}) it reads, in call order
   * @param config the layer's Keras config, as saved
   * @param weights the layer's weights by Keras short name (kernel, bias, gamma, ...) in Keras order
   * @param trainable the layer's (and enclosing models') {@code trainable} flag at save time
   * @param inferenceOnly called with {@code training=False} (or inside a model called so): BN and
   *     dropout stay in inference mode even when fine-tuned
   * @param weightPath where a Keras 3 weights file keeps its variables (layers/conv2d_1); "" otherwise
   */
  public record Node(
      String id,
      String kerasClass,
      List<String> inputs,
      JsonNode config,
      List<String> weights,
      boolean trainable,
      boolean inferenceOnly,
      String weightPath) {}

  /**
   * @param activation the output layer's activation: sigmoid, softmax or linear (a logit)
   * @param units the output width K
   * @param positiveClass the column that is label 1
   */
  public record Head(String activation, int units, int positiveClass) {
    public String describe() {
      String column = units == 1 ? "" : " column " + positiveClass + " of " + units;
      return switch (activation) {
        case "sigmoid" -> "sigmoid" + column + " is the probability";
        case "softmax" -> "softmax" + column + " is the probability";
        default -> "linear output" + column + (units == 1 ? " is a logit: pcam applies a sigmoid" : " are logits: pcam applies a softmax");
      };
    }
  }

  public Node node(String id) {
    return nodes.stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow(() -> new IllegalArgumentException("no node " + id));
  }

  /** The nodes that own weights, in graph order. */
  public List<Node> weighted() {
    return nodes.stream().filter(n -> !n.weights().isEmpty()).toList();
  }

  public void save(Path dir) {
    Json.write(dir.resolve(FILE), this);
  }

  /** True when {@code dir} holds a model written by {@code pcam import-keras} (or fine-tuned from one). */
  public static boolean isImported(Path dir) {
    return Files.isRegularFile(dir.resolve(FILE));
  }

  public static KerasSpec load(Path dir) {
    if (!isImported(dir)) {
      throw new InputException(dir + ": no " + FILE + " (not a model written by pcam import-keras)");
    }
    return Json.read(dir.resolve(FILE), KerasSpec.class);
  }
}
