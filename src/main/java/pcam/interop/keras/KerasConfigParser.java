package pcam.interop.keras;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import pcam.model.KerasGraph;
import pcam.model.KerasSpec;
import pcam.model.KerasSpec.Node;
import pcam.util.InputException;

/**
 * Reads a saved Keras model config (Keras 2 and Keras 3 dialects) into pcam's flat layer graph:
 * Sequential and Functional models, branches, and models nested as layers (a base model inside a
 * transfer-learning model), whose layers get ids {@code outer/inner}. Also records where each
 * layer's weights live in the file ({@link Node#weightPath()}): the chain of Keras layer names for a
 * Keras 2 {@code .h5}, and the {@code layers/<class>_<n>} path for a Keras 3 weights file.
 */
final class KerasConfigParser {
  /** Keras 1 class names that Keras 2 renamed: their presence means the Keras 1 config dialect. */
  private static final Set<String> KERAS1_CLASSES =
      Set.of("Convolution1D", "Convolution2D", "Convolution3D", "AtrousConvolution2D", "Deconvolution2D", "Merge", "MaxoutDense", "Highway");
  private static final Set<String> MODEL_CLASSES = Set.of("Sequential", "Functional", "Model");

  /** The parsed graph: nodes in topological order, the output node, and the input size. */
  record Parsed(List<Node> nodes, String output, int height, int width, Set<String> dtypePolicies) {}

  private final boolean keras3;
  private final List<Node> nodes = new ArrayList<>();
  private final Set<String> ids = new HashSet<>();
  private final Set<String> dtypePolicies = new HashSet<>();
  private long[] inputShape;

  private KerasConfigParser(boolean keras3) {
    this.keras3 = keras3;
  }

  static Parsed parse(JsonNode model, boolean keras3) {
    KerasConfigParser p = new KerasConfigParser(keras3);
    String cls = model.path("class_name").asText("");
    if (!MODEL_CLASSES.contains(cls)) {
      if (model.isArray() || model.path("config").isArray() && !model.has("class_name")) {
        throw new InputException("the model config is in the Keras 1 dialect: load the model in Keras 2 or 3 and re-save it with model.save()");
      }
      throw new InputException(
          "the saved model is a '" + cls + "', not a Sequential or Functional model: a subclassed model cannot be rebuilt from its"
              + " config; export it as a SavedModel (model.export) instead");
    }
    String output = p.model(model, "", "", null, true, false);
    if (p.inputShape == null) {
      throw new InputException("the model config gives no input shape (no InputLayer, no batch_input_shape): build the model with an Input before saving");
    }
    long[] s = p.inputShape;
    if (s.length != 4 || s[3] != 3) {
      throw new InputException("the model's input is " + shape(s) + ": pcam feeds RGB patches [N,H,W,3]");
    }
    int h = s[1] > 0 ? (int) s[1] : 96;
    int w = s[2] > 0 ? (int) s[2] : 96;
    return new Parsed(List.copyOf(p.nodes), output, h, w, Set.copyOf(p.dtypePolicies));
  }

  /**
   * Adds a (possibly nested) model's layers; returns the id of its output.
   *
   * @param inputs the outer tensors it is called on; null for the top-level model (its own input)
   */
  private String model(JsonNode model, String idPrefix, String pathPrefix, List<String> inputs, boolean trainable, boolean inferenceOnly) {
    String cls = model.path("class_name").asText();
    JsonNode config = model.path("config");
    boolean modelTrainable = trainable && config.path("trainable").asBoolean(true);
    if (cls.equals("Sequential")) {
      JsonNode layers = config.isArray() ? config : config.path("layers");
      // A model nested first (Sequential([base, ...])) gives the outer model its input shape.
      shapeFrom(config.path("build_input_shape"));
      String current = inputs == null ? KerasSpec.INPUT : single(inputs, idPrefix);
      Map<String, Integer> used = new HashMap<>();
      for (JsonNode layer : layers) {
        String layerCls = layer.path("class_name").asText();
        JsonNode layerConfig = layer.path("config");
        String path = weightPath(pathPrefix, layer, used);
        shapeFrom(layerConfig.has("batch_shape") ? layerConfig.path("batch_shape") : layerConfig.path("batch_input_shape"));
        if (layerCls.equals("InputLayer")) {
          continue;
        }
        current = layer(layer, idPrefix, path, List.of(current), modelTrainable, inferenceOnly);
      }
      return current;
    }
    // Functional (Keras 2 also calls it Model).
    Map<String, String> tensors = new HashMap<>();
    List<String> inputNames = names(config.path("input_layers"));
    List<String> outputNames = names(config.path("output_layers"));
    if (inputs == null && inputNames.size() != 1) {
      throw new InputException("the model has " + inputNames.size() + " inputs " + inputNames + ": pcam feeds one image input");
    }
    if (inputs != null && inputNames.size() != inputs.size()) {
      throw new InputException("nested model '" + idPrefix + "' takes " + inputNames.size() + " inputs, called on " + inputs.size());
    }
    for (int i = 0; i < inputNames.size(); i++) {
      tensors.put(inputNames.get(i), inputs == null ? KerasSpec.INPUT : inputs.get(i));
    }
    Map<String, Integer> used = new HashMap<>();
    List<JsonNode> pending = new ArrayList<>();
    Map<JsonNode, String> paths = new HashMap<>();
    for (JsonNode layer : config.path("layers")) {
      String path = weightPath(pathPrefix, layer, used);
      if (layer.path("class_name").asText().equals("InputLayer")) {
        JsonNode c = layer.path("config");
        shapeFrom(c.has("batch_shape") ? c.path("batch_shape") : c.path("batch_input_shape"));
        continue;
      }
      paths.put(layer, path);
      pending.add(layer);
    }
    // Configs list layers in topological order; resolve in passes anyway, to be safe.
    while (!pending.isEmpty()) {
      boolean progress = false;
      for (var it = pending.iterator(); it.hasNext(); ) {
        JsonNode layer = it.next();
        Call call = call(layer);
        if (call == null) {
          it.remove(); // never called: not part of the graph
          progress = true;
          continue;
        }
        if (!call.sources().stream().allMatch(tensors::containsKey)) {
          continue;
        }
        List<String> in = call.sources().stream().map(tensors::get).toList();
        String name = layerName(layer);
        tensors.put(name, layer(layer, idPrefix, paths.get(layer), in, modelTrainable, inferenceOnly || call.inferenceOnly()));
        it.remove();
        progress = true;
      }
      if (!progress) {
        throw new InputException("the model config's layer graph cannot be resolved: layer '" + layerName(pending.get(0)) + "' reads a missing layer");
      }
    }
    if (outputNames.size() != 1) {
      throw new InputException("the model has " + outputNames.size() + " outputs " + outputNames + ": pcam needs one");
    }
    String out = tensors.get(outputNames.get(0));
    if (out == null) {
      throw new InputException("the model's output layer '" + outputNames.get(0) + "' is not in its layers");
    }
    return out;
  }

  /** A layer (or a nested model) called on {@code inputs}; returns its output id. */
  private String layer(JsonNode layer, String idPrefix, String path, List<String> inputs, boolean trainable, boolean inferenceOnly) {
    String cls = layer.path("class_name").asText();
    JsonNode config = layer.path("config");
    String name = layerName(layer);
    if (KERAS1_CLASSES.contains(cls) || cls.equals("Dense") && config.has("output_dim")) {
      throw new InputException("layer '" + name + "' (" + cls + ") is in the Keras 1 config dialect: load the model in Keras 2 or 3 and re-save it with model.save()");
    }
    if (MODEL_CLASSES.contains(cls)) {
      return model(layer, idPrefix + id(name) + "/", path + "/", inputs, trainable, inferenceOnly);
    }
    String id = idPrefix + id(name);
    if (!ids.add(id)) {
      throw new InputException("layer '" + id + "' appears twice in the model config");
    }
    dtypePolicies.add(policy(config.path("dtype")));
    boolean layerTrainable = trainable && config.path("trainable").asBoolean(true);
    List<String> weights = KerasGraph.weightNames(cls, config);
    nodes.add(new Node(id, cls, List.copyOf(inputs), config, weights, layerTrainable, inferenceOnly, path));
    return id;
  }

  /** The tensors a layer is called on and its training kwarg; null if never called. */
  private record Call(List<String> sources, boolean inferenceOnly) {}

  private Call call(JsonNode layer) {
    JsonNode inbound = layer.path("inbound_nodes");
    if (!inbound.isArray() || inbound.isEmpty()) {
      return null;
    }
    if (inbound.size() > 1) {
      throw new InputException("layer '" + layerName(layer) + "' (" + layer.path("class_name").asText()
          + ") is called " + inbound.size() + " times (a shared layer): not supported by pcam import-keras");
    }
    JsonNode node = inbound.get(0);
    List<String> sources = new ArrayList<>();
    JsonNode kwargs;
    if (node.isObject()) {
      // Keras 3: {"args": [...], "kwargs": {...}} with {"class_name": "__keras_tensor__", "config": {"keras_history": [name, node, index]}}.
      collectKeras3(node.path("args"), sources, layer);
      kwargs = node.path("kwargs");
    } else {
      // Keras 2: [[name, node_index, tensor_index, kwargs], ...].
      kwargs = null;
      for (JsonNode entry : node) {
        requireFirstTensor(layer, entry.get(0).asText(), entry.path(2).asInt(0));
        sources.add(entry.get(0).asText());
        if (entry.size() > 3) {
          kwargs = entry.get(3);
        }
      }
    }
    boolean inference = kwargs != null && kwargs.has("training") && !kwargs.path("training").asBoolean(true) && !kwargs.path("training").isNull();
    return new Call(sources, inference);
  }

  private void collectKeras3(JsonNode value, List<String> sources, JsonNode layer) {
    if (value.isArray()) {
      for (JsonNode v : value) {
        collectKeras3(v, sources, layer);
      }
    } else if (value.isObject() && value.path("class_name").asText().equals("__keras_tensor__")) {
      JsonNode history = value.path("config").path("keras_history");
      requireFirstTensor(layer, history.get(0).asText(), history.path(2).asInt(0));
      sources.add(history.get(0).asText());
    }
  }

  private static void requireFirstTensor(JsonNode layer, String source, int tensorIndex) {
    if (tensorIndex != 0) {
      throw new InputException("layer '" + layerName(layer) + "' reads output " + tensorIndex + " of layer '" + source
          + "': layers with several outputs are not supported by pcam import-keras");
    }
  }

  /**
   * Where the layer's weights are in the file. Keras 3 names a container's layers by their class in
   * snake case, numbered by repeats (conv2d, conv2d_1, ...: saving_lib); Keras 2 by layer name.
   */
  private String weightPath(String prefix, JsonNode layer, Map<String, Integer> used) {
    if (!keras3) {
      return prefix + layerName(layer);
    }
    String name = snakeCase(layer.path("class_name").asText());
    Integer n = used.get(name);
    used.put(name, n == null ? 0 : n + 1);
    return prefix + "layers/" + (n == null ? name : name + "_" + (n + 1));
  }

  /** Keras's naming.to_snake_case. */
  static String snakeCase(String name) {
    String s = name.replaceAll("\\W+", "");
    s = s.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
    s = s.replaceAll("([a-z])([A-Z])", "$1_$2");
    return s.toLowerCase(Locale.ROOT);
  }

  private static String layerName(JsonNode layer) {
    String name = layer.path("name").asText("");
    return name.isEmpty() ? layer.path("config").path("name").asText() : name;
  }

  /** A layer name as a TF name-scope segment. */
  private static String id(String name) {
    String s = name.replaceAll("[^A-Za-z0-9_.\\-]", "_");
    return s.isEmpty() || !Character.isLetterOrDigit(s.charAt(0)) ? "l" + s : s;
  }

  private static String single(List<String> inputs, String prefix) {
    if (inputs.size() != 1) {
      throw new InputException("nested Sequential '" + prefix + "' called on " + inputs.size() + " inputs");
    }
    return inputs.get(0);
  }

  /** [["input_1", 0, 0], ...] (Keras 2) or ["input_layer", 0, 0] (Keras 3, one input). */
  private static List<String> names(JsonNode layers) {
    List<String> out = new ArrayList<>();
    if (layers.isArray() && !layers.isEmpty() && layers.get(0).isTextual()) {
      out.add(layers.get(0).asText());
      return out;
    }
    for (JsonNode l : layers) {
      out.add(l.get(0).asText());
    }
    return out;
  }

  private void shapeFrom(JsonNode shape) {
    if (inputShape != null || !shape.isArray()) {
      return;
    }
    long[] s = new long[shape.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = shape.get(i).isNull() ? -1 : shape.get(i).asLong();
    }
    inputShape = s;
  }

  private static String policy(JsonNode dtype) {
    if (dtype.isTextual()) {
      return dtype.asText();
    }
    return dtype.path("config").path("name").asText("float32");
  }

  private static String shape(long[] s) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < s.length; i++) {
      b.append(i == 0 ? "" : ",").append(s[i] < 0 ? "N" : String.valueOf(s[i]));
    }
    return b.append("]").toString();
  }
}
