package pcam.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.Conv2d;
import org.tensorflow.op.nn.Conv2dBackpropFilter;
import org.tensorflow.op.nn.Conv2dBackpropInput;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;
import pcam.data.Batch;
import pcam.model.CnnModel;
import pcam.model.Precision;

/**
 * The library's own limit for a step: every convolution and matrix product of the step run alone,
 * each in a graph of its own with the same op, shapes, attributes and session options, and timed
 * there. Their sum is the time the step could take if everything else (pooling, dropout, ReLU, the
 * optimizer, and scheduling) were free and no kernel ever waited for another: the step's FLOPs over
 * that sum is the highest FLOP rate these kernels allow, whatever the graph around them does.
 */
public final class KernelTimes {
  /** One kernel: the node it replicates, the op type, its FLOPs and its median time alone. */
  public record Kernel(String node, String op, long flops, double micros) {}

  private KernelTimes() {}

  /**
   * Times, alone, the op behind each traced node of {@code graph} that carries FLOPs (see {@link
   * GraphFlops#carrier}: a node's traced op type says when a fused kernel's FLOPs sit in its input).
   * Each kernel is run {@code runs} times after two warm-up runs; the median counts.
   * With {@link Precision#BF16} the replicas are bfloat16 ops on bfloat16 inputs: the kernels a bf16
   * session's rewrite runs (the rewrite itself leaves a run's fetched node alone, so it cannot be asked).
   */
  public static List<Kernel> time(
      Graph graph, List<OpProfile.Node> nodes, long batch, ConfigProto config, int runs, Precision precision) {
    Class<? extends TNumber> type = precision == Precision.BF16 ? TBfloat16.class : TFloat32.class;
    List<Kernel> kernels = new ArrayList<>();
    for (OpProfile.Node node : nodes) {
      GraphOperation op = GraphFlops.carrier(graph, node.name(), node.op());
      if (op != null) {
        kernels.add(new Kernel(node.name(), op.type(), GraphFlops.of(op, batch), timeAlone(op, batch, config, runs, type)));
      }
    }
    return kernels;
  }

  /**
   * The highest FLOP rate the kernels allow a step of {@code usefulFlops} (the model's own count:
   * bf16's zero channel on the first conv is work, not progress), in GFLOP/s.
   */
  public static double limitGflops(long usefulFlops, List<Kernel> kernels) {
    return usefulFlops / kernels.stream().mapToDouble(Kernel::micros).sum() / 1e3;
  }

  /** Traces one training step of {@code model} on {@code batch}, then times its kernels alone. */
  public static List<Kernel> ofTrainingStep(
      CnnModel model, Batch batch, float lr, ConfigProto config, int runs, Precision precision) {
    OpProfile profile = new OpProfile();
    model.trainStep(batch, lr, profile::add);
    return time(model.graph(), profile.nodes(), batch.count(), config, runs, precision);
  }

  private static double timeAlone(GraphOperation op, long batch, ConfigProto config, int runs, Class<? extends TNumber> type) {
    try (Graph alone = new Graph()) {
      Ops tf = Ops.create(alone);
      Operand<?> kernel = replicate(tf, op, batch, type);
      try (Session session = new Session(alone, config)) {
        session.initialize();
        double[] micros = new double[runs];
        for (int i = -2; i < runs; i++) {
          long start = System.nanoTime();
          session.runner().addTarget(kernel).run().close();
          if (i >= 0) {
            micros[i] = (System.nanoTime() - start) / 1e3;
          }
        }
        Arrays.sort(micros);
        return micros[runs / 2];
      }
    }
  }

  /**
   * The same op as {@code op} (a Conv2D, one of its two gradients, or a MatMul) with the same
   * attributes, computing in {@code type}, on inputs of the same shapes ({@code batch} for an unknown
   * dimension) held in variables, so a run times the kernel and not the random numbers.
   */
  static <T extends TNumber> Operand<T> replicate(Ops tf, GraphOperation op, long batch, Class<T> type) {
    var a = op.attributes();
    return switch (op.type()) {
      case "Conv2D" -> tf.nn.conv2d(input(tf, op, 0, batch, type), input(tf, op, 1, batch, type), longs(a.getAttrIntList("strides")),
          a.getAttrString("padding"), Conv2d.dataFormat(a.getAttrString("data_format")),
          Conv2d.dilations(longs(a.getAttrIntList("dilations"))), Conv2d.explicitPaddings(longs(a.getAttrIntList("explicit_paddings"))));
      case "Conv2DBackpropInput" -> tf.nn.conv2dBackpropInput(tf.constant(dims(op.output(0).shape(), batch)),
          input(tf, op, 1, batch, type), input(tf, op, 2, batch, type), longs(a.getAttrIntList("strides")), a.getAttrString("padding"),
          Conv2dBackpropInput.dataFormat(a.getAttrString("data_format")),
          Conv2dBackpropInput.dilations(longs(a.getAttrIntList("dilations"))),
          Conv2dBackpropInput.explicitPaddings(longs(a.getAttrIntList("explicit_paddings"))));
      case "Conv2DBackpropFilter" -> tf.nn.conv2dBackpropFilter(input(tf, op, 0, batch, type),
          tf.constant(dims(op.output(0).shape(), batch)), input(tf, op, 2, batch, type), longs(a.getAttrIntList("strides")),
          a.getAttrString("padding"), Conv2dBackpropFilter.dataFormat(a.getAttrString("data_format")),
          Conv2dBackpropFilter.dilations(longs(a.getAttrIntList("dilations"))),
          Conv2dBackpropFilter.explicitPaddings(longs(a.getAttrIntList("explicit_paddings"))));
      case "MatMul" -> tf.linalg.matMul(input(tf, op, 0, batch, type), input(tf, op, 1, batch, type),
          org.tensorflow.op.linalg.MatMul.transposeA(a.getAttrBool("transpose_a")),
          org.tensorflow.op.linalg.MatMul.transposeB(a.getAttrBool("transpose_b")));
      default -> throw new IllegalArgumentException("no kernel replica for op type " + op.type());
    };
  }

  private static <T extends TNumber> Operand<T> input(Ops tf, GraphOperation op, int index, long batch, Class<T> type) {
    return tf.variable(tf.dtypes.cast(tf.random.randomUniform(tf.constant(dims(op.input(index).shape(), batch)), TFloat32.class), type));
  }

  private static List<Long> longs(long[] values) {
    return Arrays.stream(values).boxed().toList();
  }

  private static int[] dims(Shape shape, long batch) {
    int[] dims = new int[shape.numDimensions()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = Math.toIntExact(shape.size(i) < 0 ? batch : shape.size(i));
    }
    return dims;
  }
}
