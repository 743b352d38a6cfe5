package pcam.interop.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import pcam.util.Json;

/**
 * Writes small Keras model files the way Keras does (written here with jhdf, from the formats'
 * documented layout, not with pcam's reader): a Keras 2 full-model {@code .h5} and a Keras 3 {@code
 * .keras} zip, for Sequential and Functional models with a nested model. {@link ReferenceForward}
 * computes the same models with plain loops, independently of TensorFlow.
 */
public final class KerasFixture {
  static final JsonNodeFactory J = JsonNodeFactory.instance;
  /** Keras 3 names a container's layers by class in snake case (saving_lib), written out here by hand. */
  private static final Map<String, String> SNAKE =
      Map.of("Conv2D", "conv2d", "Dense", "dense", "BatchNormalization", "batch_normalization", "Functional", "functional",
          "Sequential", "sequential");

  /** A layer (or a nested model when {@code nested} is set) with its weights in Keras order. */
  public record Layer(String name, String cls, ObjectNode config, List<String> inputs, LinkedHashMap<String, Tensor> weights, Model nested,
      boolean trainingFalse) {}

  /** A weight: values and shape. */
  public record Tensor(long[] shape, float[] values) {}

  /** A Functional or Sequential model; {@code input} is the InputLayer's name. */
  public static final class Model {
    final String name;
    final String kind;
    final long[] inputShape;
    public final String input;
    final List<Layer> layers = new ArrayList<>();
    String output;
    boolean trainable = true;
    /** False for a Sequential whose first layer is a nested model (no InputLayer of its own). */
    boolean inputLayer = true;

    public Model(String name, String kind, long[] inputShape) {
      this.name = name;
      this.kind = kind;
      this.inputShape = inputShape;
      this.input = name + "_input";
    }

    /** Adds a layer called on {@code inputs} (names of earlier layers or the input); it becomes the output. */
    public Layer add(String name, String cls, ObjectNode config, String... inputs) {
      config.put("name", name);
      config.put("trainable", true);
      config.put("dtype", "float32");
      Layer layer = new Layer(name, cls, config, List.of(inputs), new LinkedHashMap<>(), null, false);
      layers.add(layer);
      output = name;
      return layer;
    }

    public Layer nest(Model inner, boolean trainingFalse, String input) {
      Layer layer = new Layer(inner.name, inner.kind, J.objectNode(), List.of(input), new LinkedHashMap<>(), inner, trainingFalse);
      layers.add(layer);
      output = inner.name;
      return layer;
    }
  }

  private KerasFixture() {}

  public static ObjectNode cfg(Object... kv) {
    ObjectNode n = J.objectNode();
    for (int i = 0; i < kv.length; i += 2) {
      n.set((String) kv[i], Json.MAPPER.valueToTree(kv[i + 1]));
    }
    return n;
  }

  static Tensor random(Random r, float scale, long... shape) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (r.nextGaussian() * scale);
    }
    return new Tensor(shape, v);
  }

  // ---------------------------------------------------------------- configs

  /** {"class_name": ..., "config": {...}} in the Keras 2 (false) or Keras 3 (true) dialect. */
  static ObjectNode modelConfig(Model m, boolean keras3) {
    ObjectNode root = J.objectNode();
    if (keras3) {
      root.put("module", "keras");
    }
    root.put("class_name", m.kind);
    ObjectNode config = root.putObject("config");
    config.put("name", m.name);
    config.put("trainable", m.trainable);
    ArrayNode layers = config.putArray("layers");
    ObjectNode input = m.inputLayer ? layers.addObject() : J.objectNode();
    input.put("class_name", "InputLayer");
    ObjectNode ic = input.putObject("config");
    ArrayNode shape = ic.putArray(keras3 ? "batch_shape" : "batch_input_shape");
    shape.addNull();
    for (int i = 1; i < m.inputShape.length; i++) {
      shape.add(m.inputShape[i]);
    }
    ic.put("name", m.input);
    ic.put("dtype", "float32");
    if (m.kind.equals("Functional")) {
      input.put("name", m.input);
      input.putArray("inbound_nodes");
    }
    for (Layer l : m.layers) {
      ObjectNode node;
      if (l.nested() != null) {
        node = modelConfig(l.nested(), keras3);
      } else {
        node = layers.objectNode();
        if (keras3) {
          node.put("module", "keras.layers");
        }
        node.put("class_name", l.cls());
        node.set("config", l.config());
      }
      if (m.kind.equals("Functional")) {
        node.put("name", l.name());
        ArrayNode inbound = node.putArray("inbound_nodes");
        if (keras3) {
          ObjectNode call = inbound.addObject();
          ArrayNode args = call.putArray("args");
          ArrayNode target = l.inputs().size() > 1 ? args.addArray() : args;
          for (String in : l.inputs()) {
            ObjectNode t = target.addObject();
            t.put("class_name", "__keras_tensor__");
            ArrayNode history = t.putObject("config").putArray("keras_history");
            history.add(in).add(0).add(0);
          }
          ObjectNode kwargs = call.putObject("kwargs");
          if (l.trainingFalse()) {
            kwargs.put("training", false);
          }
        } else {
          ArrayNode call = inbound.addArray();
          for (String in : l.inputs()) {
            ArrayNode entry = call.addArray().add(in).add(0).add(0);
            ObjectNode kwargs = entry.addObject();
            if (l.trainingFalse()) {
              kwargs.put("training", false);
            }
          }
        }
      }
      layers.add(node);
    }
    if (m.kind.equals("Functional")) {
      ArrayNode in = config.putArray("input_layers");
      ArrayNode out = config.putArray("output_layers");
      if (keras3) {
        in.add(m.input).add(0).add(0);
        out.add(m.output).add(0).add(0);
      } else {
        in.addArray().add(m.input).add(0).add(0);
        out.addArray().add(m.output).add(0).add(0);
      }
    }
    return root;
  }

  // ---------------------------------------------------------------- Keras 2 .h5

  /**
   * model.save('x.h5') of Keras 2: root attributes, model_weights/@layer_names (every top-level
   * layer), one group per layer with @weight_names and the datasets at group/weight_name. A nested
   * model lists its trainable weights first, then the non-trainable ones; {@code prefixedNames}
   * false writes bare names (kernel:0), which leaves only that order to match by.
   */
  public static void writeKeras2(Model m, Path file, boolean prefixedNames) {
    try (WritableHdfFile f = HdfFile.write(file)) {
      f.putAttribute("keras_version", "2.15.0");
      f.putAttribute("backend", "tensorflow");
      f.putAttribute("model_config", Json.MAPPER.writeValueAsString(modelConfig(m, false)));
      WritableGroup weights = f.putGroup("model_weights");
      List<String> names = new ArrayList<>();
      if (m.kind.equals("Functional")) {
        names.add(m.input);
        weights.putGroup(m.input);
      }
      for (Layer l : m.layers) {
        names.add(l.name());
        WritableGroup g = weights.putGroup(l.name());
        List<String[]> entries = new ArrayList<>(); // {weight name, layer, weight}
        if (l.nested() == null) {
          for (String w : l.weights().keySet()) {
            entries.add(new String[] {l.name() + "/" + w + ":0", l.name(), w});
          }
        } else {
          for (boolean trainable : new boolean[] {true, false}) {
            for (Layer inner : l.nested().layers) {
              for (String w : inner.weights().keySet()) {
                if (!w.startsWith("moving_") == trainable) {
                  entries.add(new String[] {prefixedNames ? inner.name() + "/" + w + ":0" : w + "_" + entries.size() + ":0", inner.name(), w});
                }
              }
            }
          }
        }
        if (!entries.isEmpty()) {
          g.putAttribute("weight_names", entries.stream().map(e -> e[0]).toArray(String[]::new));
        }
        for (String[] e : entries) {
          Layer owner = l.nested() == null ? l : l.nested().layers.stream().filter(x -> x.name().equals(e[1])).findFirst().orElseThrow();
          String[] path = e[0].split("/");
          WritableGroup at = g;
          for (int i = 0; i < path.length - 1; i++) {
            at = at.getChildren().containsKey(path[i]) ? (WritableGroup) at.getChild(path[i]) : at.putGroup(path[i]);
          }
          at.putDataset(path[path.length - 1], array(owner.weights().get(e[2])));
        }
      }
      weights.putAttribute("layer_names", names.toArray(String[]::new));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------- Keras 3 .keras

  /** model.save('x.keras') of Keras 3: config.json, metadata.json and model.weights.h5 (layers/<class>_<n>/vars/<i>). */
  public static void writeKeras3(Model m, Path file) throws IOException {
    Path h5 = Files.createTempFile("weights", ".h5");
    try {
      try (WritableHdfFile f = HdfFile.write(h5)) {
        // Keras also writes empty "vars" groups for the model and weightless layers; jhdf 0.13 cannot
        // write an empty group (the file becomes unreadable), and pcam never reads them.
        writeVars(f.putGroup("layers"), m);
      }
      try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
        zip.putNextEntry(new ZipEntry("metadata.json"));
        zip.write("{\"keras_version\": \"3.8.0\", \"date_saved\": \"2025-01-01@00:00:00\"}".getBytes());
        zip.putNextEntry(new ZipEntry("config.json"));
        zip.write(Json.MAPPER.writeValueAsBytes(modelConfig(m, true)));
        zip.putNextEntry(new ZipEntry("model.weights.h5"));
        zip.write(Files.readAllBytes(h5));
        zip.closeEntry();
      }
    } finally {
      Files.deleteIfExists(h5);
    }
  }

  private static void writeVars(WritableGroup layers, Model m) {
    Map<String, Integer> used = new HashMap<>();
    for (Layer l : m.layers) {
      String snake = SNAKE.get(l.cls());
      if (snake == null) {
        continue; // weightless layers: Keras writes an empty vars group, pcam does not read it
      }
      Integer n = used.merge(snake, 1, Integer::sum) - 1;
      WritableGroup g = layers.putGroup(n == 0 ? snake : snake + "_" + n);
      if (l.nested() != null) {
        writeVars(g.putGroup("layers"), l.nested());
      } else {
        WritableGroup vars = g.putGroup("vars");
        int i = 0;
        for (Tensor t : l.weights().values()) {
          vars.putDataset(String.valueOf(i++), array(t));
        }
      }
    }
  }

  /** A row-major float[] as the nested Java array jhdf writes with its shape. */
  static Object array(Tensor t) {
    long[] s = t.shape();
    float[] v = t.values();
    return switch (s.length) {
      case 1 -> v.clone();
      case 2 -> {
        float[][] a = new float[(int) s[0]][(int) s[1]];
        for (int i = 0; i < s[0]; i++) {
          System.arraycopy(v, (int) (i * s[1]), a[i], 0, (int) s[1]);
        }
        yield a;
      }
      case 4 -> {
        float[][][][] a = new float[(int) s[0]][(int) s[1]][(int) s[2]][(int) s[3]];
        int p = 0;
        for (int i = 0; i < s[0]; i++) {
          for (int j = 0; j < s[1]; j++) {
            for (int k = 0; k < s[2]; k++) {
              for (int l = 0; l < s[3]; l++) {
                a[i][j][k][l] = v[p++];
              }
            }
          }
        }
        yield a;
      }
      default -> throw new IllegalArgumentException("rank " + s.length);
    };
  }
}
