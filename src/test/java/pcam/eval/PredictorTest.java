package pcam.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.TestPatches;
import pcam.TinySavedModels;
import pcam.data.Batch;
import pcam.model.SavedModelScorer;
import pcam.model.ScoringModel;
import pcam.util.InputException;

class PredictorTest {
  private static final Predictor.Options SMALL_BATCHES = new Predictor.Options(3, Tta.NONE, 2, 2, false);

  @Test
  void scoresEveryIdInOrderAcrossPartialBatches(@TempDir Path tmp) {
    Path images = tmp.resolve("images");
    List<String> ids = new ArrayList<>(TestPatches.writeFolder(images, 7));
    java.util.Collections.reverse(ids);
    try (SavedModelScorer model = SavedModelScorer.load(TinySavedModels.meanIntensity(tmp.resolve("m"), 96))) {
      Predictor.Predictions p = new Predictor(model, SMALL_BATCHES).predict(images, ids);
      assertThat(p.ids()).isEqualTo(ids);
      assertThat(p.skipped()).isEmpty();
      for (int i = 0; i < ids.size(); i++) {
        int seed = Integer.parseInt(ids.get(i).substring(2));
        assertThat(p.probabilities()[i]).isCloseTo(TinySavedModels.expectedMeanIntensity(TestPatches.random(seed)), within(1e-5f));
      }
      assertThat(p.imagesPerSecond()).isPositive();
      assertThat(p.starvedNanos()).isBetween(0L, p.nanos());
    }
  }

  @Test
  void badImageIsNamedUnlessSkipped(@TempDir Path tmp) throws Exception {
    Path images = tmp.resolve("images");
    List<String> ids = TestPatches.writeFolder(images, 5);
    Files.writeString(images.resolve("id002.tif"), "not a tiff");
    try (SavedModelScorer model = SavedModelScorer.load(TinySavedModels.meanIntensity(tmp.resolve("m"), 96))) {
      assertThatThrownBy(() -> new Predictor(model, SMALL_BATCHES).predict(images, ids))
          .isInstanceOf(InputException.class)
          .hasMessageContaining("id002.tif");
      Predictor.Predictions p = new Predictor(model, SMALL_BATCHES.withSkipBad(true)).predict(images, ids);
      assertThat(p.ids()).containsExactly("id000", "id001", "id003", "id004");
      assertThat(p.probabilities()).hasSize(4);
      assertThat(p.probabilities()[2]).isCloseTo(TinySavedModels.expectedMeanIntensity(TestPatches.random(3)), within(1e-5f));
      assertThat(p.skipped()).singleElement().asString().startsWith("id002: ");
    }
  }

  @Test
  void batchesAreResizedToTheModelInput(@TempDir Path tmp) {
    Path images = tmp.resolve("images");
    List<String> ids = TestPatches.writeFolder(images, 4);
    List<String> shapes = new ArrayList<>();
    ScoringModel small = new ScoringModel() {
      public int inputHeight() { return 48; }
      public int inputWidth() { return 64; }
      public float[] predict(Batch b) {
        shapes.add(b.count() + "x" + b.height() + "x" + b.width());
        return new float[b.count()];
      }
      public void close() {}
    };
    new Predictor(small, SMALL_BATCHES).predict(images, ids);
    assertThat(shapes).containsExactly("3x48x64", "1x48x64");
  }
}
