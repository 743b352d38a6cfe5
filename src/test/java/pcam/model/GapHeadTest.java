package pcam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.TestPatches;
import pcam.data.Batch;
import pcam.data.PatchSet;
import pcam.model.Architecture.Layer;

/** {@code --head gap}: the layer list, the graph against a plain-loop forward pass, export and resume. */
class GapHeadTest {
  private static final int CROP = 32;

  private static ModelSpec spec(boolean dropout) {
    return new ModelSpec(Architecture.CNN3, CROP, dropout, 0.25, 0.25, 0, 0, Initializer.GLOROT_UNIFORM, Optimizer.ADAM, 3)
        .withHead(Head.GAP);
  }

  /** By hand: convs 3*3*Cin*Cout + Cout; the dense layer sees the 128 channel means, not the flattened map. */
  @Test
  void layersReplaceFlattenByChannelMeansAndTheDefaultStaysTheStudys() {
    List<Layer> cnn3 = Architecture.CNN3.layers(96, true, 0.25, 0.25, Head.GAP, false);
    Layer gap = cnn3.stream().filter(l -> l instanceof Architecture.GlobalAveragePool).findFirst().orElseThrow();
    assertThat(gap.name()).isEqualTo("global_average_pooling2d");
    assertThat(gap.outputShape()).containsExactly(128);
    assertThat(cnn3).noneMatch(l -> l instanceof Architecture.Flatten);
    long convs = (27 * 32 + 32) + (9 * 32 * 64 + 64) + (9 * 64 * 128 + 128);
    long dense = (128 * 256 + 256) + (256 + 1);
    assertThat(Architecture.totalParams(cnn3)).isEqualTo(convs + dense).isEqualTo(126_529);
    // cnn9 at crop 60 ends in a 2x2x128 map: flattened, the dense layer has 4x128 inputs; pooled, 128.
    assertThat(Architecture.totalParams(Architecture.CNN9.layers(60, true, 0.3, 0.3))
            - Architecture.totalParams(Architecture.CNN9.layers(60, true, 0.3, 0.3, Head.GAP, false)))
        .isEqualTo((4 * 128 - 128) * 256L);
    assertThat(Architecture.CNN3.layers(96, true, 0.25, 0.25)).usingRecursiveFieldByFieldElementComparator()
        .isEqualTo(Architecture.CNN3.layers(96, true, 0.25, 0.25, Head.FLATTEN, false));
    assertThat(ModelSpec.defaults(Architecture.CNN3, 1).head()).isEqualTo(Head.FLATTEN);
    assertThat(ModelSummary.render(Architecture.CNN3, 96, true, 0.25, 0.25, Head.GAP, false))
        .contains("(None, 128)").contains("Total params: 126,529");
  }

  @Test
  void probabilitiesEqualAPlainLoopForwardPass() {
    PatchSet set = TestPatches.synthetic(4, 9);
    Batch batch = TestPatches.batch(set);
    try (CnnModel model = CnnModel.create(spec(true), Device.AUTO, 1)) {
      model.trainStep(batch, 1e-2f); // weights away from their initial values, biases non-zero
      float[] probabilities = model.predict(batch);
      for (int i = 0; i < set.size(); i++) {
        double expected = ReferenceCnn3.probability(model, set.pixels(i), CROP);
        assertThat((double) probabilities[i]).as("patch %d", i).isCloseTo(expected, within(1e-5));
      }
    }
  }

  @Test
  void exportAndResumeKeepTheHead(@TempDir Path dir) {
    Batch batch = TestPatches.batch(TestPatches.synthetic(6, 2));
    float[] expected;
    float nextLoss;
    ModelSpec spec = spec(true).withEma(0.9);
    try (CnnModel model = CnnModel.create(spec, Device.AUTO, 1)) {
      model.trainStep(batch, 1e-3f);
      model.saveCheckpoint(dir.resolve("ckpt"));
      nextLoss = model.trainStep(batch, 1e-3f).loss();
      expected = model.predict(batch);
      model.exportSavedModel(dir.resolve("model"));
    }
    try (SavedModelScorer scorer = SavedModelScorer.load(dir.resolve("model"))) {
      assertThat(scorer.predict(batch)).containsExactly(expected);
    }
    try (CnnModel resumed = CnnModel.create(spec, Device.AUTO, 1)) {
      resumed.restoreCheckpoint(dir.resolve("ckpt"));
      assertThat(resumed.trainStep(batch, 1e-3f).loss()).isEqualTo(nextLoss);
    }
  }
}
