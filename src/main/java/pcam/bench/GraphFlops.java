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

  /**
   * FLOPs of the node named {@code name}. A node that oneDNN's rewrite fused into one kernel with
   * the op before it (e.g. a BiasAdd that runs as {@code _MklNativeFusedMatMul}) keeps the later
   * op's name, so {@code ranOp}, the op type that actually ran, says to count its first input too.
   */
  public static long of(Graph graph, String name, String ranOp, long batch) {
    GraphOperation op = graph.operation(name);
    if (op == null) {
      return 0;
    }
    long flops = of(op, batch);
    if (flops == 0 && ranOp.contains("Fused") && op.numInputs() > 0) {
      GraphOperation producer = (GraphOperation) op.input(0).op();
      flops = of(producer, batch);
      if (flops == 0 && producer.numInputs() > 0) {
        flops = of((GraphOperation) producer.input(0).op(), batch); // conv + bias + ReLU
      }
    }
    return flops;
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
