package pcam.bench;

import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * The machine's float32 matmul rate through TensorFlow: the practical ceiling that the CNNs'
 * FLOP rates are compared against. An n x n by n x n product is 2n^3 floating-point operations.
 * The fastest of the timed products counts: a ceiling is a peak, and a product slowed by load from
 * elsewhere would lower it and flatter every fraction taken against it.
 */
public final class MatmulBench {
  private MatmulBench() {}

  public static double gflops(int n, int repeats, ConfigProto config) {
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      var a = tf.random.randomUniform(tf.constant(new long[] {n, n}), TFloat32.class);
      var b = tf.random.randomUniform(tf.constant(new long[] {n, n}), TFloat32.class);
      // Keep the inputs in variables so the timed run measures the product, not the RNG.
      Variable<TFloat32> va = tf.variable(a);
      Variable<TFloat32> vb = tf.variable(b);
      var product = tf.linalg.matMul(va, vb);
      var checksum = tf.reduceSum(product, tf.constant(new int[] {0, 1}));
      try (Session session = new Session(graph, config)) {
        session.initialize();
        session.runner().fetch(checksum).run().close();
        double fastest = Double.MAX_VALUE;
        for (int i = 0; i < repeats; i++) {
          long start = System.nanoTime();
          session.runner().fetch(checksum).run().close();
          fastest = Math.min(fastest, (System.nanoTime() - start) / 1e9);
        }
        return 2.0 * n * n * (double) n / fastest / 1e9;
      }
    }
  }
}
