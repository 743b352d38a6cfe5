package pcam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.SharedData;
import pcam.TestPatches;
import pcam.data.Batch;
import pcam.interop.keras.KerasImport;
import pcam.util.InputException;

/** Fine-tuning an imported real Keras model (jedhelmers .h5: Sequential, BatchNormalization, dropout). */
class KerasModelFinetuneTest {
  @TempDir static Path tmp;
  static Path imported;
  static Batch batch;

  @BeforeAll
  static void importModel() {
    imported = tmp.resolve("jed");
    KerasImport.run(SharedData.root().resolve("keras-h5/jedhelmers-pcam-cnn.h5"), imported, new KerasImport.Options(InputScale.UNIT, null), null);
    batch = TestPatches.batch(TestPatches.realSample(0, 48));
  }

  private static float[] weight(KerasModel m, String name) {
    return m.variable(KerasGraph.SCOPE + "/" + name);
  }

  @Test
  void onlyTheLastLayersTrainAndFrozenBatchNormKeepsItsStatistics() {
    try (KerasModel model = KerasModel.forFinetuning(imported, Optimizer.ADAM, 2, null, 1, null)) {
      assertThat(model.trainableWeights()).containsExactly("dense_12/kernel", "dense_12/bias", "dense_13/kernel", "dense_13/bias");
      float[] conv = weight(model, "conv2d_30/kernel");
      float[] mean = weight(model, "batch_normalization_17/moving_mean");
      float[] dense = weight(model, "dense_13/kernel");
      for (int i = 0; i < 3; i++) {
        model.trainStep(batch, 1e-3f);
      }
      assertThat(weight(model, "conv2d_30/kernel")).containsExactly(conv);
      assertThat(weight(model, "batch_normalization_17/moving_mean")).containsExactly(mean);
      assertThat(weight(model, "dense_13/kernel")).isNotEqualTo(dense);
    }
  }

  @Test
  void allLayersTrainByDefaultWithBatchNormInTrainingModeAndTheLossFalls() {
    try (KerasModel model = KerasModel.forFinetuning(imported, Optimizer.SGD, null, null, 1, null)) {
      assertThat(model.trainableWeights()).hasSize(6 * 2 + 3 * 2 + 2 * 2);
      float[] mean = weight(model, "batch_normalization_17/moving_mean");
      float before = model.evaluate(batch).loss();
      for (int i = 0; i < 20; i++) {
        model.trainStep(batch, 0.01f);
      }
      float[] after = weight(model, "batch_normalization_17/moving_mean");
      // moving = 0.99 * moving + 0.01 * batch mean: it moves, by a little.
      assertThat(after).isNotEqualTo(mean);
      assertThat(after[0]).isCloseTo(mean[0], within(Math.abs(mean[0]) * 0.3f + 0.5f));
      assertThat(model.evaluate(batch).loss()).isLessThan(before);
    }
  }

  @Test
  void freezeUntilNamesTheFirstTrainableLayerAndTheExportCanBeFinetunedAgain() {
    Path export = tmp.resolve("export");
    float[] scores;
    try (KerasModel model = KerasModel.forFinetuning(imported, Optimizer.ADAM, null, "conv2d_35", 1, null)) {
      assertThat(model.trainableWeights()).first().isEqualTo("conv2d_35/kernel");
      model.trainStep(batch, 1e-3f);
      scores = model.predict(batch);
      model.exportSavedModel(export);
    }
    assertThat(KerasSpec.load(export)).isEqualTo(KerasSpec.load(imported));
    try (SavedModelScorer scorer = SavedModelScorer.load(export)) {
      assertThat(scorer.predict(batch)).containsExactly(scores, within(1e-6f));
    }
    try (KerasModel again = KerasModel.forFinetuning(export, Optimizer.ADAM, 1, null, 1, null)) {
      assertThat(again.predict(batch)).containsExactly(scores, within(1e-6f));
    }
  }

  @Test
  void aCheckpointRestoresWeightsStatisticsOptimizerStateAndStep() {
    Path checkpoint = tmp.resolve("ckpt");
    float[] scores;
    float nextLoss;
    try (KerasModel model = KerasModel.forFinetuning(imported, Optimizer.ADAM, null, null, 1, null)) {
      model.trainStep(batch, 1e-3f);
      model.trainStep(batch, 1e-3f);
      model.saveCheckpoint(checkpoint);
      scores = model.predict(batch);
      nextLoss = model.trainStep(batch, 1e-3f).loss();
    }
    try (KerasModel resumed = KerasModel.forFinetuning(imported, Optimizer.ADAM, null, null, 1, null)) {
      assertThat(resumed.predict(batch)).isNotEqualTo(scores);
      resumed.restoreCheckpoint(checkpoint);
      assertThat(resumed.step()).isEqualTo(2);
      assertThat(resumed.predict(batch)).containsExactly(scores, within(1e-6f));
      // Same Adam moments and dropout masks (keyed on the step): the next step's loss is identical.
      assertThat(resumed.trainStep(batch, 1e-3f).loss()).isCloseTo(nextLoss, within(1e-5f));
    }
  }

  @Test
  void badSelectionsAreOneLineErrors() {
    KerasSpec spec = KerasSpec.load(imported);
    assertThatThrownBy(() -> KerasModel.trainableNodes(spec, 12, null)).isInstanceOf(InputException.class).hasMessageContaining("1..11");
    assertThatThrownBy(() -> KerasModel.trainableNodes(spec, null, "nope")).isInstanceOf(InputException.class).hasMessageContaining("no layer");
    assertThatThrownBy(() -> KerasModel.trainableNodes(spec, 1, "dense_13")).isInstanceOf(InputException.class).hasMessageContaining("exclude");
  }
}
