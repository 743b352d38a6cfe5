package pcam.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.StepStats;

/**
 * Where a step's time goes, op by op, from TensorFlow's own full trace (its step statistics): for
 * every node, the op type TensorFlow ran (after its graph rewrites, so oneDNN's fused kernels
 * appear under their own names, e.g. {@code _MklNativeFusedConv2D}) and the microseconds between
 * the op's start and end. Steps are added one by one; the figures are means per step.
 */
public final class OpProfile {
  /** One node: its name in the graph, the op type that ran, mean microseconds per step. */
  public record Node(String name, String op, double micros) {}

  private final Map<String, String> ops = new LinkedHashMap<>();
  private final Map<String, Long> micros = new LinkedHashMap<>();
  private int steps;
  private long wallMicros;

  /** Adds one traced step. */
  public void add(StepStats stats) {
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (DeviceStepStats device : stats.getDevStatsList()) {
      for (NodeExecStats node : device.getNodeStatsList()) {
        String name = node.getNodeName();
        if (name.equals("_SOURCE") || name.equals("_SINK")) {
          continue;
        }
        ops.putIfAbsent(name, opType(node.getTimelineLabel(), name));
        micros.merge(name, Math.max(0, node.getOpEndRelMicros() - node.getOpStartRelMicros()), Long::sum);
        first = Math.min(first, node.getAllStartMicros());
        last = Math.max(last, node.getAllStartMicros() + node.getAllEndRelMicros());
      }
    }
    if (last > first) {
      wallMicros += last - first;
    }
    steps++;
  }

  public int steps() {
    return steps;
  }

  /** Mean wall time of a step, first op start to last op end, in microseconds. */
  public double wallMicrosPerStep() {
    return steps == 0 ? 0 : (double) wallMicros / steps;
  }

  /** Every node, slowest first, with its mean microseconds per step. */
  public List<Node> nodes() {
    List<Node> nodes = new ArrayList<>();
    micros.forEach((name, total) -> nodes.add(new Node(name, ops.get(name), (double) total / Math.max(1, steps))));
    nodes.sort(Comparator.comparingDouble(Node::micros).reversed());
    return nodes;
  }

  /** Mean microseconds per step by op type, slowest first. */
  public Map<String, Double> byOp() {
    Map<String, Double> sums = new LinkedHashMap<>();
    for (Node node : nodes()) {
      sums.merge(node.op(), node.micros(), Double::sum);
    }
    Map<String, Double> sorted = new LinkedHashMap<>();
    sums.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  /**
   * The op type in a timeline label, which TensorFlow writes as {@code "name = Type(inputs)"};
   * the node's name when the label has no such form.
   */
  static String opType(String label, String name) {
    int eq = label.indexOf(" = ");
    if (eq < 0) {
      return name;
    }
    int paren = label.indexOf('(', eq);
    return label.substring(eq + 3, paren < 0 ? label.length() : paren).trim();
  }
}
