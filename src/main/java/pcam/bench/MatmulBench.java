package pcam.bench;

import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * The machine's float32 matmul rate through TensorFlow: the practical ceiling that the CNNs'
 * FLOP rates are compared against. An n x n by n x n product is 2n^3 floating-point operations.
 * One session is kept open so that single products can be timed between a model's steps.
 */
public final class MatmulBench implements AutoCloseable {
  private final int n;
  private final Graph graph = new Graph();
  private final Session session;
  private final ReduceSum<TFloat32> checksum;

  public MatmulBench(int n, ConfigProto config) {
    this.n = n;
    Ops tf = Ops.create(graph);
    // Keep the inputs in variables so a timed run measures the product, not the RNG.
    Variable<TFloat32> a = tf.variable(tf.random.randomUniform(tf.constant(new long[] {n, n}), TFloat32.class));
    Variable<TFloat32> b = tf.variable(tf.random.randomUniform(tf.constant(new long[] {n, n}), TFloat32.class));
    checksum = tf.reduceSum(tf.linalg.matMul(a, b), tf.constant(new int[] {0, 1}));
    try {
      session = new Session(graph, config);
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
    try {
      session.initialize();
      gflops(); // primitive creation and first-touch pages stay out of every timed product
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The FLOP rate of one product, timed now. */
  public double gflops() {
    long start = System.nanoTime();
    session.runner().fetch(checksum).run().close();
    return 2.0 * n * n * (double) n / ((System.nanoTime() - start) / 1e9) / 1e9;
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
