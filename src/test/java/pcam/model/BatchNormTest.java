package pcam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.TestPatches;
import pcam.data.Batch;
import pcam.data.PatchSet;

/** {@code --batch-norm}: the statistics' updates and the scoring pass against plain loops; EMA, export, resume. */
class BatchNormTest {
  private static final int CROP = 32;

  private static ModelSpec spec(double ema) {
    return new ModelSpec(Architecture.CNN3, CROP, true, 0.25, 0.25, 0, 0, Initializer.GLOROT_UNIFORM, Optimizer.ADAM, 5)
        .withHead(Head.GAP).withBatchNorm(true).withEma(ema);
  }

  /**
   * A step at learning rate 0 leaves the weights alone and moves the first layer's moving mean and
   * variance from 0 and 1 toward the batch mean and (biased) variance of conv2d's output over
   * images, rows and columns: m - 0.1 * (m - batch).
   */
  @Test
  void aTrainingStepMovesTheMovingStatisticsTowardTheBatchs() {
    PatchSet set = TestPatches.synthetic(3, 4);
    try (CnnModel model = CnnModel.create(spec(0), Device.AUTO, 1)) {
      int channels = 32;
      double[] sum = new double[channels];
      double[] sumSq = new double[channels];
      long count = 0;
      for (int i = 0; i < set.size(); i++) {
        double[] conv = ReferenceCnn3.conv(model, 0, ReferenceCnn3.input(set.pixels(i), CROP), CROP, 3);
        for (int at = 0; at < conv.length; at++) {
          sum[at % channels] += conv[at];
          sumSq[at % channels] += conv[at] * conv[at];
        }
        count += conv.length / channels;
      }
      model.trainStep(TestPatches.batch(set), 0f);
      float[] mean = model.variable("batch_normalization/moving_mean");
      float[] variance = model.variable("batch_normalization/moving_variance");
      for (int c = 0; c < channels; c++) {
        double batchMean = sum[c] / count;
        double batchVariance = sumSq[c] / count - batchMean * batchMean;
        assertThat((double) mean[c]).isCloseTo(0.1 * batchMean, within(1e-6 + 1e-4 * Math.abs(batchMean)));
        assertThat((double) variance[c]).isCloseTo(0.9 + 0.1 * batchVariance, within(1e-5));
      }
      assertThat(model.variable("batch_normalization/gamma")).containsOnly(1f);
    }
  }

  @Test
  void scoringNormalisesWithTheMovingStatistics() {
    PatchSet set = TestPatches.synthetic(4, 8);
    Batch batch = TestPatches.batch(set);
    try (CnnModel model = CnnModel.create(spec(0), Device.AUTO, 1)) {
      for (int i = 0; i < 3; i++) {
        model.trainStep(batch, 1e-2f);
      }
      assertThat(model.variable("batch_normalization_2/gamma")).doesNotContain(1f);
      float[] probabilities = model.predict(batch);
      for (int i = 0; i < set.size(); i++) {
        assertThat((double) probabilities[i]).as("patch %d", i)
            .isCloseTo(ReferenceCnn3.probability(model, set.pixels(i), CROP), within(1e-5));
      }
    }
  }

  /** The statistics are averaged and swapped with the weights, checkpointed, and exported. */
  @Test
  void emaSwapsTheStatisticsAndExportAndResumeKeepThem(@TempDir Path dir) {
    Batch batch = TestPatches.batch(TestPatches.synthetic(6, 2));
    String mean = "batch_normalization_1/moving_mean";
    float nextLoss;
    float[] expected;
    try (CnnModel model = CnnModel.create(spec(0.5), Device.AUTO, 1)) {
      model.trainStep(batch, 1e-3f);
      model.trainStep(batch, 1e-3f);
      float[] current = model.variable(mean);
      float[] averaged = model.variable("ema/" + mean);
      assertThat(averaged).isNotEqualTo(current);
      model.swapAveragedWeights();
      assertThat(model.variable(mean)).containsExactly(averaged);
      expected = model.predict(batch);
      model.exportSavedModel(dir.resolve("model"));
      model.swapAveragedWeights();
      assertThat(model.variable(mean)).containsExactly(current);
      model.saveCheckpoint(dir.resolve("ckpt"));
      nextLoss = model.trainStep(batch, 1e-3f).loss();
    }
    try (SavedModelScorer scorer = SavedModelScorer.load(dir.resolve("model"))) {
      assertThat(scorer.predict(batch)).containsExactly(expected);
    }
    try (CnnModel resumed = CnnModel.create(spec(0.5), Device.AUTO, 1)) {
      resumed.restoreCheckpoint(dir.resolve("ckpt"));
      assertThat(resumed.trainStep(batch, 1e-3f).loss()).isEqualTo(nextLoss);
    }
  }
}
