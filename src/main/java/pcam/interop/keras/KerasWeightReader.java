package pcam.interop.keras;

import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import pcam.model.KerasGraph;
import pcam.model.KerasModel.Weight;
import pcam.model.KerasSpec;
import pcam.util.InputException;

/**
 * Reads a Keras file's weights for a parsed layer graph, by Keras's own rules:
 *
 * <ul>
 *   <li>Keras 2 {@code .h5} ({@code legacy_h5_format.load_weights_from_hdf5_group}): the groups
 *       named in {@code model_weights/@layer_names} that hold weights are matched, in order, with the
 *       model's top-level layers that have weights; a group's {@code @weight_names} lists its
 *       datasets in the layer's weight order (trainable first). For a nested model that order is all
 *       its trainable weights, then all non-trainable ones; pcam matches such weights by their
 *       {@code layer/weight} names and falls back to that order.
 *   <li>Keras 3 ({@code saving_lib}): {@code <path>/vars/0, 1, ...} in the layer's variable order,
 *       where the path names layers by class ({@code layers/conv2d_1}).
 * </ul>
 */
final class KerasWeightReader {
  private KerasWeightReader() {}

  static Map<String, Weight> read(KerasFile file, List<KerasSpec.Node> nodes) {
    try {
      return file.format() == KerasFile.Format.KERAS3_ZIP ? keras3(file, nodes) : keras2(file, nodes);
    } catch (InputException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new InputException(file.path() + ": cannot read the weights (truncated or corrupt file?): " + KerasFile.firstLine(e), e);
    }
  }

  private static Map<String, Weight> keras3(KerasFile file, List<KerasSpec.Node> nodes) {
    Map<String, Weight> out = new LinkedHashMap<>();
    Group root = file.weights();
    for (KerasSpec.Node node : nodes) {
      if (node.weights().isEmpty()) {
        continue;
      }
      Node vars = find(root, node.weightPath() + "/vars");
      if (vars == null) {
        // Keras 2.13-2.15 wrote the same layout under _layer_checkpoint_dependencies.
        vars = find(root, node.weightPath().replace("layers", "_layer_checkpoint_dependencies") + "/vars");
      }
      if (!(vars instanceof Group group)) {
        throw new InputException(file.path() + ": no weights for layer '" + node.id() + "' (" + node.kerasClass() + ") at " + node.weightPath() + "/vars");
      }
      if (group.getChildren().size() != node.weights().size()) {
        throw new InputException(file.path() + ": layer '" + node.id() + "' (" + node.kerasClass() + ") has " + group.getChildren().size()
            + " weights in the file, the config gives " + node.weights().size() + " " + node.weights());
      }
      for (int i = 0; i < node.weights().size(); i++) {
        out.put(node.id() + "/" + node.weights().get(i), weight((Dataset) group.getChild(String.valueOf(i))));
      }
    }
    return out;
  }

  private static Map<String, Weight> keras2(KerasFile file, List<KerasSpec.Node> nodes) {
    Group root = (Group) file.weights().getChild("model_weights");
    // The model's top-level layers with weights, in order; a nested model is one of them.
    Map<String, List<KerasSpec.Node>> units = new LinkedHashMap<>();
    for (KerasSpec.Node node : nodes) {
      if (!node.weights().isEmpty()) {
        String top = node.weightPath().split("/", 2)[0];
        units.computeIfAbsent(top, k -> new ArrayList<>()).add(node);
      }
    }
    List<String> groups = new ArrayList<>();
    for (String name : strings(root, "layer_names")) {
      Node g = root.getChild(name);
      if (g instanceof Group group && !strings(group, "weight_names").isEmpty()) {
        groups.add(name);
      }
    }
    if (groups.size() != units.size()) {
      throw new InputException(file.path() + ": the file holds weights for " + groups.size() + " layers " + groups
          + ", the model config has " + units.size() + " layers with weights " + units.keySet());
    }
    Map<String, Weight> out = new LinkedHashMap<>();
    int i = 0;
    for (List<KerasSpec.Node> unit : units.values()) {
      Group group = (Group) root.getChild(groups.get(i++));
      List<String> names = strings(group, "weight_names");
      List<Dataset> values = new ArrayList<>();
      for (String n : names) {
        Node d = find(group, n);
        if (!(d instanceof Dataset dataset)) {
          throw new InputException(file.path() + ": weight " + group.getName() + "/" + n + " is listed but missing");
        }
        values.add(dataset);
      }
      boolean nested = unit.get(0).weightPath().contains("/");
      if (!nested) {
        KerasSpec.Node node = unit.get(0);
        if (values.size() != node.weights().size()) {
          throw new InputException(file.path() + ": layer '" + node.id() + "' (" + node.kerasClass() + ") has " + values.size()
              + " weights in the file " + names + ", the config gives " + node.weights());
        }
        for (int w = 0; w < values.size(); w++) {
          out.put(node.id() + "/" + node.weights().get(w), weight(values.get(w)));
        }
      } else {
        out.putAll(nested(file, unit, names, values));
      }
    }
    return out;
  }

  /** A nested model's weights: by "layer/weight" name when every one is found once, else in Keras's order. */
  private static Map<String, Weight> nested(KerasFile file, List<KerasSpec.Node> unit, List<String> names, List<Dataset> values) {
    Map<String, Integer> byName = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      String[] parts = names.get(i).replaceAll(":\\d+$", "").split("/");
      if (parts.length >= 2) {
        String key = parts[parts.length - 2] + "/" + parts[parts.length - 1];
        byName.put(key, byName.containsKey(key) ? -1 : i);
      }
    }
    Map<String, Weight> out = new LinkedHashMap<>();
    boolean allByName = true;
    int expected = 0;
    for (KerasSpec.Node node : unit) {
      String layer = node.weightPath().substring(node.weightPath().lastIndexOf('/') + 1);
      for (String w : node.weights()) {
        expected++;
        Integer index = byName.get(layer + "/" + w);
        if (index == null || index < 0) {
          allByName = false;
        } else {
          out.put(node.id() + "/" + w, weight(values.get(index)));
        }
      }
    }
    if (expected != values.size()) {
      throw new InputException(file.path() + ": nested model '" + unit.get(0).weightPath().split("/")[0] + "' has " + values.size()
          + " weights in the file, its config gives " + expected);
    }
    if (allByName) {
      return out;
    }
    // Keras 2's order for a model used as a layer: trainable weights of all its layers, then the rest.
    out.clear();
    List<String> order = new ArrayList<>();
    for (boolean trainablePass : new boolean[] {true, false}) {
      for (KerasSpec.Node node : unit) {
        for (String w : node.weights()) {
          boolean trains = node.trainable() && KerasGraph.intrinsicallyTrainable(w);
          if (trains == trainablePass) {
            order.add(node.id() + "/" + w);
          }
        }
      }
    }
    for (int i = 0; i < order.size(); i++) {
      out.put(order.get(i), weight(values.get(i)));
    }
    return out;
  }

  /** A path of groups (names may hold '/', which separates groups, and ':'). */
  private static Node find(Group root, String path) {
    Node current = root;
    for (String part : path.split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      if (!(current instanceof Group g) || !g.getChildren().containsKey(part)) {
        return null;
      }
      current = g.getChild(part);
    }
    return current;
  }

  /**
   * A string-list attribute, also when h5py split a large one into {@code name0}, {@code name1}, ...
   * (Keras's save_attributes_to_hdf5_group); empty when absent or empty.
   */
  static List<String> strings(Node node, String name) {
    List<String> out = new ArrayList<>();
    if (node.getAttribute(name) != null) {
      addAll(out, node.getAttribute(name));
      return out;
    }
    for (int chunk = 0; node.getAttribute(name + chunk) != null; chunk++) {
      addAll(out, node.getAttribute(name + chunk));
    }
    return out;
  }

  private static void addAll(List<String> out, Attribute attribute) {
    Object data = attribute.getData();
    if (data == null) {
      return;
    }
    if (data.getClass().isArray()) {
      for (int i = 0; i < Array.getLength(data); i++) {
        Object v = Array.get(data, i);
        out.add(v instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(v));
      }
    } else {
      out.add(String.valueOf(data));
    }
  }

  /** A dataset as float32 (float16 and float64 weights are converted), with its shape. */
  static Weight weight(Dataset dataset) {
    int[] dims = dataset.getDimensions();
    long[] shape = new long[dims.length];
    for (int i = 0; i < dims.length; i++) {
      shape[i] = dims[i];
    }
    Object flat = dataset.getDataFlat();
    float[] values;
    if (flat instanceof float[] f) {
      values = f;
    } else if (flat instanceof double[] d) {
      values = new float[d.length];
      for (int i = 0; i < d.length; i++) {
        values[i] = (float) d[i];
      }
    } else if (flat != null && flat.getClass().isArray() && (Array.getLength(flat) == 0 || Array.get(flat, 0) instanceof Number)) {
      values = new float[Array.getLength(flat)];
      for (int i = 0; i < values.length; i++) {
        values[i] = ((Number) Array.get(flat, i)).floatValue();
      }
    } else {
      throw new InputException("weight " + dataset.getPath() + " is not numeric (" + dataset.getJavaType().getSimpleName() + ")");
    }
    return new Weight(shape, values);
  }
}
