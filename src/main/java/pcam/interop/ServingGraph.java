package pcam.interop;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;

/**
 * Reads what a serving function does at its two ends from the MetaGraph's GraphDef and function
 * library, without running it: the op that produces an output (so pcam can tell probabilities,
 * ending in Sigmoid or Softmax, from logits) and the arithmetic applied to an input before the
 * first layer (a Keras {@code Rescaling} layer is a Mul by 1/255 and an AddV2 of 0). Walks through
 * the nested {@code (Stateful)PartitionedCall}s a Keras export wraps its model in, and through
 * ops that do not change values (Identity, Cast, Reshape, ...).
 */
final class ServingGraph {
  private static final Set<String> CALLS = Set.of("StatefulPartitionedCall", "PartitionedCall");
  private static final Set<String> PASS_THROUGH =
      Set.of("Identity", "IdentityN", "Cast", "Reshape", "Squeeze", "ExpandDims", "StopGradient", "Snapshot", "EnsureShape");
  /** Ops that only read a tensor's shape: consumers of the input that are not its data path. */
  private static final Set<String> SHAPE_ONLY = Set.of("Shape", "ShapeN", "Size", "Rank");
  private static final int MAX_DEPTH = 64;

  private final GraphDef graph;
  private final Map<String, FunctionDef> functions = new HashMap<>();

  ServingGraph(GraphDef graph) {
    this.graph = graph;
    graph.getLibrary().getFunctionList().forEach(f -> functions.put(f.getSignature().getName(), f));
  }

  /**
   * Where the function that computes a signature output draws random numbers: the Keras layer
   * scope of each random op (e.g. "random_flip_1"), or the op's own name. Empty for a
   * deterministic graph. Keras 3 {@code model.export()} can leave augmentation layers such as
   * RandomFlip active in the serving function, so the same image scores differently on each call.
   */
  List<String> randomSources(String tensorName) {
    java.util.Set<String> sources = new java.util.LinkedHashSet<>();
    java.util.Set<String> visited = new java.util.HashSet<>();
    NodeDef start = graph.getNodeList().stream().filter(n -> n.getName().equals(nodeName(tensorName))).findFirst().orElse(null);
    if (start != null) {
      collectRandom(List.of(start), sources, visited);
    }
    return List.copyOf(sources);
  }

  private void collectRandom(List<NodeDef> nodes, java.util.Set<String> sources, java.util.Set<String> visited) {
    for (NodeDef node : nodes) {
      FunctionDef callee = callee(node);
      if (callee != null) {
        if (visited.add(callee.getSignature().getName())) {
          collectRandom(callee.getNodeDefList(), sources, visited);
        }
      } else if (node.getOp().contains("Random") || node.getOp().equals("Multinomial")) {
        String scope = null;
        for (String part : node.getName().split("/")) {
          if (part.startsWith("random_")) {
            scope = part;
            break;
          }
        }
        sources.add(scope != null ? scope : node.getName());
      }
    }
  }

  /** The op that computes a signature output (e.g. "Softmax"), or null if the walk cannot tell. */
  String producer(String tensorName) {
    Scope top = new Scope(graph.getNodeList(), null, null, null);
    Ref ref = top.resolve(tensorName);
    return ref == null || ref.node == null ? null : ref.node.getOp();
  }

  /**
   * An affine map {@code x * scale + offset} applied, with constant scalars, to a signature input
   * before anything else; with {@code perChannel} set when the constants are per-channel or read
   * from variables (a Keras Normalization layer) and so are not one scale and offset.
   *
   * @param bgr the channels are reversed first (RGB to BGR, as caffe-style preprocess_input does)
   * @param firstOp the op that takes the input once the arithmetic is done, e.g. Conv2D
   */
  record Preprocessing(boolean bgr, double scale, double offset, boolean perChannel, String firstOp) {
    /** True when the graph changes the input's values before its first layer. */
    boolean rescales() {
      return bgr || perChannel || Math.abs(scale - 1) > 1e-9 || Math.abs(offset) > 1e-9;
    }

    String describe() {
      return (bgr ? "RGB to BGR, then " : "") + arithmetic();
    }

    private String arithmetic() {
      if (perChannel) {
        return "per-channel normalisation (constants or stored statistics) before " + firstOp;
      }
      String affine = "x*" + number(scale) + (offset == 0 ? "" : (offset > 0 ? "+" : "") + number(offset));
      if (near(scale, 1 / 255.0) && near(offset, 0)) {
        return affine + " (x/255, a Keras Rescaling layer) before " + firstOp;
      }
      if (near(scale, 1 / 127.5) && near(offset, -1)) {
        return affine + " (x/127.5-1) before " + firstOp;
      }
      return affine + " before " + firstOp;
    }

    private static String number(double v) {
      return new java.math.BigDecimal(v).round(new java.math.MathContext(7)).stripTrailingZeros().toPlainString();
    }

    private static boolean near(double a, double b) {
      return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
    }
  }

  /** What the graph does to a signature input (a placeholder) before its first layer; null if not found. */
  Preprocessing preprocessing(String tensorName) {
    Scope top = new Scope(graph.getNodeList(), null, null, null);
    Hit hit = consumer(top, nodeName(tensorName));
    boolean bgr = false;
    boolean perChannel = false;
    double scale = 1;
    double offset = 0;
    for (int step = 0; step < 8 && hit != null; step++) {
      NodeDef node = hit.node;
      String op = node.getOp();
      List<String> inputs = dataInputs(node);
      int xAt = hit.scope.inputIndexOf(node, hit.source);
      if (step == 0 && op.equals("ReverseV2") && xAt == 0 && inputs.size() == 2) {
        // x[..., ::-1] on the channel axis: caffe-style preprocessing starts with it.
        Operand axis = hit.scope.constant(inputs.get(1));
        if (axis != null && axis.value != null && (axis.value == -1 || axis.value == 3)) {
          bgr = true;
          hit = consumer(hit.scope, node.getName());
          continue;
        }
      }
      boolean arithmetic = Set.of("Mul", "RealDiv", "Div", "AddV2", "Add", "BiasAdd", "Sub").contains(op);
      Operand other = !arithmetic || xAt < 0 || inputs.size() != 2 ? null : hit.scope.constant(inputs.get(1 - xAt));
      if (other == null) {
        return new Preprocessing(bgr, scale, offset, perChannel, op);
      }
      if (other.value == null || perChannel) {
        perChannel = true;
        hit = consumer(hit.scope, node.getName());
        continue;
      }
      double c = other.value;
      switch (op) {
        case "Mul" -> {
          scale *= c;
          offset *= c;
        }
        case "RealDiv", "Div" -> {
          if (xAt != 0) {
            return new Preprocessing(bgr, scale, offset, perChannel, op);
          }
          scale /= c;
          offset /= c;
        }
        case "Sub" -> {
          if (xAt == 0) {
            offset -= c;
          } else {
            scale = -scale;
            offset = c - offset;
          }
        }
        default -> offset += c;
      }
      hit = consumer(hit.scope, node.getName());
    }
    return hit == null ? null : new Preprocessing(bgr, scale, offset, perChannel, hit.node.getOp());
  }

  /** A node that computes with the values of {@code source}, the scope it is in, and the name it reads. */
  private record Hit(Scope scope, NodeDef node, String source) {}

  /**
   * The first op that computes with the values of {@code source} (a node or function argument of
   * {@code scope}): entering called functions, skipping pass-through ops and shape reads.
   */
  private Hit consumer(Scope scope, String source) {
    if (scope.depth() > MAX_DEPTH) {
      return null;
    }
    for (NodeDef node : scope.nodeList) {
      int at = scope.inputIndexOf(node, source);
      if (at < 0 || SHAPE_ONLY.contains(node.getOp())) {
        continue;
      }
      FunctionDef callee = callee(node);
      Hit found;
      if (callee != null) {
        found = at >= callee.getSignature().getInputArgCount() ? null
            : consumer(new Scope(callee.getNodeDefList(), callee, scope, node), callee.getSignature().getInputArg(at).getName());
      } else if (PASS_THROUGH.contains(node.getOp())) {
        found = consumer(scope, node.getName());
      } else {
        found = new Hit(scope, node, source);
      }
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  /** A constant operand: its scalar value, or null value when it is not one scalar (per-channel, variable). */
  private record Operand(Double value) {}

  private record Ref(Scope scope, NodeDef node, int output) {}

  /**
   * The nodes of the top-level graph or of one function body, with the call that entered it, so
   * that a function argument can be followed back to the caller's input.
   */
  private final class Scope {
    final Map<String, NodeDef> nodes = new HashMap<>();
    final List<NodeDef> nodeList;
    final FunctionDef function;
    final Scope caller;
    final NodeDef call;

    Scope(List<NodeDef> nodeList, FunctionDef function, Scope caller, NodeDef call) {
      this.nodeList = nodeList;
      this.function = function;
      this.caller = caller;
      this.call = call;
      nodeList.forEach(n -> nodes.put(n.getName(), n));
    }

    int depth() {
      return caller == null ? 0 : caller.depth() + 1;
    }

    /** Follows a tensor reference back through calls and pass-through ops to the op that computes it. */
    Ref resolve(String ref) {
      if (depth() > MAX_DEPTH) {
        return null;
      }
      String name = nodeName(ref);
      int output = outputIndex(ref);
      NodeDef node = nodes.get(name);
      if (node == null) {
        int arg = argIndex(name);
        if (arg < 0 || caller == null) {
          return null;
        }
        return caller.resolve(dataInputs(call).get(arg));
      }
      FunctionDef callee = callee(node);
      if (callee != null) {
        if (output >= callee.getSignature().getOutputArgCount()) {
          return null;
        }
        String ret = callee.getRetMap().get(callee.getSignature().getOutputArg(output).getName());
        return ret == null ? null : new Scope(callee.getNodeDefList(), callee, this, node).resolve(ret);
      }
      if (PASS_THROUGH.contains(node.getOp()) && !dataInputs(node).isEmpty()) {
        List<String> inputs = dataInputs(node);
        return resolve(node.getOp().equals("IdentityN") && output < inputs.size() ? inputs.get(output) : inputs.get(0));
      }
      return new Ref(this, node, output);
    }

    /** The constant behind an operand, or null when it is computed from data. */
    Operand constant(String ref) {
      Ref r = resolve(ref);
      if (r == null || r.node == null) {
        return null;
      }
      String op = r.node.getOp();
      if (op.equals("ReadVariableOp") || op.equals("VarHandleOp") || op.equals("VariableV2")) {
        return new Operand(null);
      }
      if (!op.equals("Const")) {
        return null;
      }
      AttrValue value = r.node.getAttrMap().get("value");
      return value == null ? null : new Operand(scalar(value.getTensor()));
    }

    int argIndex(String name) {
      if (function == null) {
        return -1;
      }
      for (int i = 0; i < function.getSignature().getInputArgCount(); i++) {
        if (function.getSignature().getInputArg(i).getName().equals(name)) {
          return i;
        }
      }
      return -1;
    }

    /** Position of {@code source} (a node or argument name) among {@code node}'s data inputs, -1 if absent. */
    int inputIndexOf(NodeDef node, String source) {
      List<String> inputs = dataInputs(node);
      for (int i = 0; i < inputs.size(); i++) {
        if (nodeName(inputs.get(i)).equals(source)) {
          return i;
        }
      }
      return -1;
    }

  }

  /** The function a node calls: a (Stateful)PartitionedCall's {@code f}, or a library function used as an op. */
  private FunctionDef callee(NodeDef node) {
    if (CALLS.contains(node.getOp())) {
      AttrValue f = node.getAttrMap().get("f");
      return f == null ? null : functions.get(f.getFunc().getName());
    }
    return functions.get(node.getOp());
  }

  private static List<String> dataInputs(NodeDef node) {
    List<String> inputs = new ArrayList<>();
    for (String input : node.getInputList()) {
      if (!input.startsWith("^")) {
        inputs.add(input);
      }
    }
    return inputs;
  }

  /** "node", "node:1" (graph) or "node:output:0" (function body) -> "node". */
  static String nodeName(String ref) {
    String r = ref.startsWith("^") ? ref.substring(1) : ref;
    int colon = r.indexOf(':');
    return colon < 0 ? r : r.substring(0, colon);
  }

  static int outputIndex(String ref) {
    int colon = ref.lastIndexOf(':');
    if (colon < 0) {
      return 0;
    }
    try {
      return Integer.parseInt(ref.substring(colon + 1));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** A float/double/int scalar constant's value (also a one-element tensor); null otherwise. */
  static Double scalar(TensorProto t) {
    long elements = 1;
    for (var dim : t.getTensorShape().getDimList()) {
      elements *= dim.getSize();
    }
    if (elements != 1) {
      return null;
    }
    DataType type = t.getDtype();
    ByteBuffer content = t.getTensorContent().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    return switch (type) {
      case DT_FLOAT -> (double) (t.getFloatValCount() > 0 ? t.getFloatVal(0) : content.remaining() >= 4 ? content.getFloat() : 0f);
      case DT_DOUBLE -> t.getDoubleValCount() > 0 ? t.getDoubleVal(0) : content.remaining() >= 8 ? content.getDouble() : 0d;
      case DT_INT32 -> (double) (t.getIntValCount() > 0 ? t.getIntVal(0) : content.remaining() >= 4 ? content.getInt() : 0);
      case DT_INT64 -> (double) (t.getInt64ValCount() > 0 ? t.getInt64Val(0) : content.remaining() >= 8 ? content.getLong() : 0L);
      default -> null;
    };
  }
}
