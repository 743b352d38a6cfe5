package pcam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import pcam.TestPatches;
import pcam.data.Batch;
import pcam.data.PatchSet;

@pcam.Slow
class CnnModelTest {
  private static Batch batch;

  @BeforeAll
  static void data() {
    batch = TestPatches.batch(TestPatches.synthetic(16, 7));
  }

  private static ModelSpec small(Optimizer optimizer, Initializer init, double l1, double l2, boolean dropout) {
    return new ModelSpec(Architecture.CNN3, 32, dropout, 0.25, 0.5, l1, l2, init, optimizer, 11);
  }

  @ParameterizedTest
  @CsvSource({"cnn3, 96", "cnn3, 48", "cnn9, 96", "cnn9, 60"})
  void graphVariablesMatchTheSummaryAndOutputIsOneProbabilityPerPatch(String arch, int crop) {
    ModelSpec spec = ModelSpec.defaults(Architecture.valueOf(arch.toUpperCase(java.util.Locale.ROOT)), 1);
    spec = new ModelSpec(spec.architecture(), crop, true, 0.3, 0.3, 0, 0, spec.initializer(), spec.optimizer(), 1);
    try (CnnModel model = CnnModel.create(spec, Device.AUTO, 0)) {
      assertThat(model.trainableParams()).isEqualTo(Architecture.totalParams(spec.layers()));
      Batch three = TestPatches.batch(TestPatches.synthetic(3, 1));
      float[] p = model.predict(three);
      assertThat(p).hasSize(3);
      for (float v : p) {
        assertThat(v).isBetween(0f, 1f);
      }
    }
  }

  /**
   * The moving average against a hand computation over three steps: it starts at the initial
   * weights and after step t is avg - (1 - d)(avg - w_t), d = min(decay, (1 + t) / (10 + t)).
   * Swapping puts it in the weights' place and back; a checkpoint keeps both.
   */
  @Test
  void movingAverageFollowsTheFormulaSwapsAndSurvivesACheckpoint(@TempDir Path dir) {
    double decay = 0.2; // below (1+t)/(10+t) from t = 2 on, so both branches of the min are used
    ModelSpec spec = small(Optimizer.ADAM, Initializer.GLOROT_UNIFORM, 0, 0, true).withEma(decay);
    String[] names = {"conv2d/kernel", "conv2d/bias", "dense_1/kernel"};
    double[][] average = new double[names.length][];
    float[][] trained = new float[names.length][];
    try (CnnModel model = CnnModel.create(spec, Device.AUTO, 0)) {
      for (int n = 0; n < names.length; n++) {
        float[] initial = model.variable(names[n]);
        assertThat(model.variable("ema/" + names[n])).containsExactly(initial);
        average[n] = new double[initial.length];
        for (int i = 0; i < initial.length; i++) {
          average[n][i] = initial[i];
        }
      }
      for (int t = 1; t <= 3; t++) {
        model.trainStep(batch, 1e-3f);
        double d = Math.min(decay, (1.0 + t) / (10.0 + t));
        for (int n = 0; n < names.length; n++) {
          float[] w = model.variable(names[n]);
          for (int i = 0; i < w.length; i++) {
            average[n][i] -= (1 - d) * (average[n][i] - w[i]);
          }
        }
      }
      for (int n = 0; n < names.length; n++) {
        trained[n] = model.variable(names[n]);
        assertClose(model.variable("ema/" + names[n]), average[n]);
      }
      float[] trainedPrediction = model.predict(batch);
      assertThat(model.swapAveragedWeights()).isTrue();
      for (int n = 0; n < names.length; n++) {
        assertClose(model.variable(names[n]), average[n]);
        assertThat(model.variable("ema/" + names[n])).containsExactly(trained[n]);
      }
      assertThat(model.predict(batch)).isNotEqualTo(trainedPrediction);
      model.saveCheckpoint(dir); // swapped: the averages in the weights' place, as the best checkpoint is
      model.swapAveragedWeights();
      for (int n = 0; n < names.length; n++) {
        assertThat(model.variable(names[n])).containsExactly(trained[n]);
      }
      assertThat(model.predict(batch)).containsExactly(trainedPrediction);
    }
    try (CnnModel resumed = CnnModel.create(spec, Device.AUTO, 0)) {
      resumed.restoreCheckpoint(dir);
      for (int n = 0; n < names.length; n++) {
        assertClose(resumed.variable(names[n]), average[n]);
        assertThat(resumed.variable("ema/" + names[n])).containsExactly(trained[n]);
      }
      assertThat(resumed.step()).isEqualTo(3);
    }
  }

  @Test
  void withoutEmaNothingIsSwapped() {
    try (CnnModel model = CnnModel.create(small(Optimizer.ADAM, Initializer.GLOROT_UNIFORM, 0, 0, false), Device.AUTO, 0)) {
      float[] before = model.variable("conv2d/kernel");
      assertThat(model.swapAveragedWeights()).isFalse();
      assertThat(model.variable("conv2d/kernel")).containsExactly(before);
    }
  }

  private static void assertClose(float[] actual, double[] expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < actual.length; i++) {
      assertThat((double) actual[i]).isCloseTo(expected[i], within(1e-6 + 1e-5 * Math.abs(expected[i])));
    }
  }

  @Test
  void aFewAdamStepsLowerTheLossOnAFixedBatch() {
    try (CnnModel model = CnnModel.create(small(Optimizer.ADAM, Initializer.GLOROT_UNIFORM, 0, 0, false), Device.AUTO, 0)) {
      float before = model.loss(batch);
      for (int i = 0; i < 10; i++) {
        model.trainStep(batch, 1e-3f);
      }
      assertThat(model.loss(batch)).isLessThan(before * 0.8f);
      assertThat(model.step()).isEqualTo(10);
    }
  }

  /**
   * Every optimizer x initializer builds and takes steps that change the loss; the regulariser
   * (none, l1, l2) cycles so that each optimizer meets each of them.
   */
  @Test
  void everyOptimizerInitializerAndRegularizerBuildsAndSteps() {
    double[][] regs = {{0, 0}, {1e-3, 0}, {0, 1e-3}};
    for (Optimizer optimizer : Optimizer.values()) {
      for (Initializer init : Initializer.values()) {
        double[] reg = regs[(optimizer.ordinal() + init.ordinal()) % regs.length];
        String label = optimizer + " " + init + " l1=" + reg[0] + " l2=" + reg[1];
        // Dropout off: a changed loss on the same batch then comes only from the updated weights.
        try (CnnModel model = CnnModel.create(small(optimizer, init, reg[0], reg[1], false), Device.AUTO, 0)) {
          float first = model.trainStep(batch, 1e-3f).loss();
          float second = model.trainStep(batch, 1e-3f).loss();
          assertThat(first).as(label).isFinite();
          assertThat(second).as(label).isFinite().isNotEqualTo(first);
        }
      }
    }
  }

  @Test
  void dropoutActsInTrainingStepsOnlyNeverInScoring() {
    // lr 0 leaves the weights alone, so the training head and the inference head see the same ones.
    try (CnnModel withDropout = CnnModel.create(small(Optimizer.SGD, Initializer.GLOROT_UNIFORM, 0, 0, true), Device.AUTO, 0);
        CnnModel without = CnnModel.create(small(Optimizer.SGD, Initializer.GLOROT_UNIFORM, 0, 0, false), Device.AUTO, 0)) {
      float[] scored = withDropout.predict(batch);
      assertThat(withDropout.predict(batch)).containsExactly(scored);
      float scoringLoss = withDropout.loss(batch);
      float first = withDropout.trainStep(batch, 0f).loss();
      float second = withDropout.trainStep(batch, 0f).loss();
      assertThat(first).isNotEqualTo(scoringLoss);
      assertThat(second).isNotEqualTo(first); // a fresh mask every step
      assertThat(without.trainStep(batch, 0f).loss()).isCloseTo(without.loss(batch), within(1e-6f));
      assertThat(withDropout.predict(batch)).containsExactly(scored);
    }
  }

  @Test
  void l1AddsExactlyTheHandComputedPenalty() {
    // Penalty = l1 * sum|kernel| over every kernel (not biases); read the kernels back and recompute.
    ModelSpec plain = small(Optimizer.SGD, Initializer.GLOROT_UNIFORM, 0, 0, false);
    ModelSpec withL1 = small(Optimizer.SGD, Initializer.GLOROT_UNIFORM, 0.01, 0, false);
    try (CnnModel a = CnnModel.create(plain, Device.AUTO, 0); CnnModel b = CnnModel.create(withL1, Device.AUTO, 0)) {
      double sumAbs = kernelAbsSum(a);
      assertThat(kernelAbsSum(b)).isEqualTo(sumAbs); // same seed, same weights
      assertThat((double) b.loss(batch) - a.loss(batch)).isCloseTo(0.01 * sumAbs, within(1e-4 * 0.01 * sumAbs));
    }
  }

  @Test
  void resumingFromACheckpointReproducesTheNextStepLoss(@TempDir Path dir) {
    ModelSpec spec = small(Optimizer.ADAM, Initializer.LECUN_NORMAL, 1e-4, 0, true);
    float expected;
    try (CnnModel model = CnnModel.create(spec, Device.AUTO, 0)) {
      for (int i = 0; i < 3; i++) {
        model.trainStep(batch, 1e-3f);
      }
      model.saveCheckpoint(dir);
      model.trainStep(batch, 1e-3f);
      expected = model.trainStep(batch, 1e-3f).loss();
    }
    try (CnnModel resumed = CnnModel.create(spec, Device.AUTO, 0)) {
      float fresh = resumed.loss(batch);
      resumed.restoreCheckpoint(dir);
      assertThat(resumed.step()).isEqualTo(3);
      assertThat(resumed.loss(batch)).isNotEqualTo(fresh);
      resumed.trainStep(batch, 1e-3f);
      // Same weights, Adam slots, beta powers and step (hence the same dropout masks).
      assertThat(resumed.trainStep(batch, 1e-3f).loss()).isEqualTo(expected);
    }
  }

  @Test
  void exportedModelReloadsWithTheScorerAndGivesIdenticalPredictions(@TempDir Path dir) {
    Path out = dir.resolve("model");
    PatchSet set = TestPatches.synthetic(5, 3);
    Batch five = TestPatches.batch(set);
    try (CnnModel model = CnnModel.create(small(Optimizer.ADAM, Initializer.GLOROT_UNIFORM, 0, 0, true), Device.AUTO, 0)) {
      model.trainStep(batch, 1e-3f);
      float[] expected = model.predict(five);
      model.exportSavedModel(out);
      assertThat(Files.list(dir).map(p -> p.getFileName().toString())).containsExactly("model");
      try (SavedModelScorer scorer = SavedModelScorer.load(out)) {
        assertThat(scorer.inputHeight()).isEqualTo(96);
        assertThat(scorer.predict(five)).containsExactly(expected);
      }
      // The record other commands read: raw pixels in, a probability out, trained at PCam's 0.972 um/px.
      assertThat(ModelMetadata.find(out).orElseThrow().metadata())
          .isEqualTo(new ModelMetadata(InputScale.RAW, null, ModelMetadata.OutputKind.PROBABILITY, 0.972));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static double kernelAbsSum(CnnModel model) {
    double sum = 0;
    for (Architecture.Layer layer : model.spec().layers()) {
      if (layer.params() > 0) {
        for (float w : model.variable(layer.name() + "/kernel")) {
          sum += Math.abs(w);
        }
      }
    }
    return sum;
  }
}
