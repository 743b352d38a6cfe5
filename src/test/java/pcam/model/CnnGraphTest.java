package pcam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;
import pcam.TestPatches;
import pcam.data.Batch;

/** The training head's graph against the plain inference head and against the dropout contract. */
class CnnGraphTest {

  /**
   * The training head computes conv-relu-pool in another order (conv-pool-bias-relu). With dropout
   * off, one SGD step must still move every weight by exactly -lr times the gradient of the
   * inference head's loss, which TF derives from the plain layer order.
   */
  @ParameterizedTest
  @CsvSource({"cnn3, 96", "cnn9, 60"})
  void aTrainingStepFollowsTheGradientOfThePlainLayerOrder(String arch, int crop) {
    ModelSpec spec =
        new ModelSpec(Architecture.valueOf(arch.toUpperCase(java.util.Locale.ROOT)), crop, false, 0, 0, 0, 1e-3, Initializer.GLOROT_UNIFORM, Optimizer.SGD, 5);
    Batch batch = TestPatches.batch(TestPatches.realSample(8));
    float lr = 0.05f;
    try (Graph graph = new Graph()) {
      CnnGraph.Built built = CnnGraph.build(graph, spec);
      Ops tf = Ops.create(graph);
      Operand<TFloat32> loss = graph.operation(CnnGraph.LOSS).output(0);
      Gradients reference = tf.gradients(loss, built.variables());
      try (Session session = new Session(graph);
          TUint8 pixels = TUint8.tensorOf(Shape.of(batch.count(), 96, 96, 3), DataBuffers.of(batch.pixels(), true, false));
          TFloat32 labels = TFloat32.tensorOf(Shape.of(batch.count(), 1), DataBuffers.of(batch.labels(), true, false));
          TFloat32 rate = TFloat32.scalarOf(lr)) {
        session.initialize();
        List<float[]> before = new ArrayList<>();
        List<float[]> gradients = new ArrayList<>();
        Session.Runner runner = session.runner().feed(CnnGraph.PIXELS, pixels).feed(CnnGraph.LABELS, labels);
        built.variables().forEach(runner::fetch);
        for (int i = 0; i < built.variables().size(); i++) {
          runner.fetch(reference.dy(i));
        }
        try (Result result = runner.run()) {
          int n = built.variables().size();
          for (int i = 0; i < n; i++) {
            before.add(values(result.get(i)));
            gradients.add(values(result.get(n + i)));
          }
        }
        session.runner()
            .feed(CnnGraph.PIXELS, pixels).feed(CnnGraph.LABELS, labels).feed(CnnGraph.LEARNING_RATE, rate)
            .addTarget(CnnGraph.TRAIN).run().close();
        Session.Runner after = session.runner();
        built.variables().forEach(after::fetch);
        try (Result result = after.run()) {
          double largestStep = 0;
          for (int i = 0; i < before.size(); i++) {
            float[] w = values(result.get(i));
            double worst = 0;
            for (int j = 0; j < w.length; j++) {
              double expectedStep = -lr * gradients.get(i)[j];
              double step = w[j] - before.get(i)[j];
              worst = Math.max(worst, Math.abs(step - expectedStep) / (1e-6 + 1e-3 * Math.abs(expectedStep)));
              largestStep = Math.max(largestStep, Math.abs(step));
            }
            assertThat(worst).as("variable %d: step error relative to its tolerance", i).isLessThanOrEqualTo(1);
          }
          assertThat(largestStep).isGreaterThan(1e-4); // the step really moved the weights
        }
      }
    }
  }

  @Test
  void dropoutZeroesTheRateOfUnitsAndRescalesTheRestSoTheMeanIsKept() {
    float rate = 0.3f;
    int keepBelow = CnnGraph.keepThreshold(rate);
    assertThat(keepBelow).isEqualTo(179); // 0.7 * 256 = 179.2: the rate acts as 77/256 = 0.3008
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      Operand<TFloat32> ones = tf.fill(tf.constant(new long[] {512, 10, 10, 64}), tf.constant(1f));
      Operand<TFloat32> stepA = CnnGraph.dropout(tf, ones, rate, tf.constant(7L), 42);
      Operand<TFloat32> stepAAgain = CnnGraph.dropout(tf, ones, rate, tf.constant(7L), 42);
      Operand<TFloat32> stepB = CnnGraph.dropout(tf, ones, rate, tf.constant(8L), 42);
      try (Result result = session.runner().fetch(stepA).fetch(stepAAgain).fetch(stepB).run()) {
        float[] a = values(result.get(0));
        float[] again = values(result.get(1));
        float[] b = values(result.get(2));
        float scale = (float) CnnGraph.DROPOUT_LEVELS / keepBelow;
        long dropped = 0;
        long kept = 0;
        long differ = 0;
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
          dropped += a[i] == 0 ? 1 : 0;
          kept += a[i] == scale ? 1 : 0;
          differ += a[i] != b[i] ? 1 : 0;
          sum += a[i];
        }
        assertThat(dropped + kept).isEqualTo(a.length); // every unit is either dropped or scaled by exactly 1/keep
        assertThat(Arrays.equals(again, a)).as("same seed and step, same mask").isTrue();
        // 3.3M units: the binomial standard deviation of the dropped fraction is 0.00025.
        assertThat((double) dropped / a.length).isCloseTo(77 / 256.0, within(0.0015));
        assertThat(sum / a.length).isCloseTo(1.0, within(0.003));
        // Independent masks differ in 2 * 0.3 * 0.7 = 42% of the units.
        assertThat((double) differ / a.length).isCloseTo(0.42, within(0.005));
      }
    }
  }

  private static float[] values(org.tensorflow.Tensor tensor) {
    TFloat32 t = (TFloat32) tensor;
    float[] out = new float[(int) t.shape().size()];
    t.asRawTensor().data().asFloats().read(out);
    return out;
  }
}
