package pcam.bench;

import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.ndarray.Shape;

/**
 * Floating-point operations of one run of a graph op, from the static shapes of its inputs and
 * outputs (the unknown batch dimension taken as {@code batch}): convolutions forward and both of
 * their gradients, and matrix products. A multiply-add is two. Every other op counts 0. This is
 * the per-op counterpart of {@link FlopCount}'s per-layer count, and the two must agree.
 */
public final class GraphFlops {
  private GraphFlops() {}

  /** FLOPs of the node named {@code name}, counted on its {@link #carrier}; 0 when it has none. */
  public static long of(Graph graph, String name, String ranOp, long batch) {
    GraphOperation op = carrier(graph, name, ranOp);
    return op == null ? 0 : of(op, batch);
  }

  /**
   * The op that carries the FLOPs of the node named {@code name}, or null when none does. A node
   * that oneDNN's rewrite fused into one kernel with the op before it (e.g. a BiasAdd that runs as
   * {@code _MklNativeFusedMatMul}) keeps the later op's name, so {@code ranOp}, the op type that
   * actually ran, says to look at its first input (or, for conv + bias + ReLU, that one's first input).
   */
  public static GraphOperation carrier(Graph graph, String name, String ranOp) {
    GraphOperation op = graph.operation(name);
    for (int hops = 0; op != null && hops <= 2; hops++) {
      if (of(op, 1) > 0) {
        return op;
      }
      if (!ranOp.contains("Fused") || op.numInputs() == 0) {
        return null;
      }
      op = (GraphOperation) op.input(0).op();
    }
    return null;
  }

  static long of(GraphOperation op, long batch) {
    switch (op.type()) {
      case "Conv2D": {
        Shape filter = op.input(1).shape();
        return conv(op.output(0).shape(), filter, batch);
      }
      case "Conv2DBackpropInput":
        return conv(op.input(2).shape(), op.input(1).shape(), batch);
      case "Conv2DBackpropFilter":
        return conv(op.input(2).shape(), op.output(0).shape(), batch);
      case "MatMul": {
        Shape a = op.input(0).shape();
        Shape b = op.input(1).shape();
        boolean ta = op.attributes().getAttrBool("transpose_a");
        boolean tb = op.attributes().getAttrBool("transpose_b");
        long m = dim(a, ta ? 1 : 0, batch);
        long k = dim(a, ta ? 0 : 1, batch);
        long n = dim(b, tb ? 0 : 1, batch);
        return 2 * m * k * n;
      }
      default:
        return 0;
    }
  }

  /** 2 * N * Hout * Wout * kh * kw * Cin * Cout, from the output (or its gradient) and the filter. */
  private static long conv(Shape out, Shape filter, long batch) {
    if (out.numDimensions() != 4 || filter.numDimensions() != 4 || filter.hasUnknownDimension()) {
      return 0;
    }
    return 2 * dim(out, 0, batch) * dim(out, 1, batch) * dim(out, 2, batch) * filter.size(0) * filter.size(1) * filter.size(2) * filter.size(3);
  }

  private static long dim(Shape shape, int i, long batch) {
    long d = shape.size(i);
    return d < 0 ? batch : d;
  }
}
