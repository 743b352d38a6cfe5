package pcam.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.TestPatches;
import pcam.TinySavedModels;
import pcam.data.Batch;
import pcam.model.SavedModelScorer;
import pcam.model.ScoringModel;

class TtaTest {
  private static final int N = 5;

  /** A 4x4 batch with one marked pixel at (row 0, column 1), everything else 0. */
  private static Batch marked() {
    byte[] pixels = new byte[4 * 4 * 3];
    pixels[(0 * 4 + 1) * 3] = 1;
    return new Batch(pixels, new float[1], 1, 4, 4);
  }

  private static int[] markAt(Batch batch) {
    for (int i = 0; i < batch.pixels().length; i += 3) {
      if (batch.pixels()[i] == 1) {
        return new int[] {i / 3 / batch.width(), i / 3 % batch.width()};
      }
    }
    throw new AssertionError("mark lost");
  }

  @Test
  void transformsMoveAMarkedPixelWhereTheGeometrySays() {
    // Source (0,1) in a 4x4: h-flip -> (0,2); v-flip -> (3,1); both -> (3,2);
    // Transposed, the source of output (y,x) is (x,y) before mirroring: transpose -> (1,0);
    // transpose+h reads column W-1-y, so -> (2,0); transpose+v reads row H-1-x -> (1,3); all -> (2,3).
    List<Tta.Transform> d8 = Tta.D8.transforms();
    List<int[]> expected = List.of(
        new int[] {0, 1}, new int[] {0, 2}, new int[] {3, 1}, new int[] {3, 2},
        new int[] {1, 0}, new int[] {2, 0}, new int[] {1, 3}, new int[] {2, 3});
    for (int i = 0; i < d8.size(); i++) {
      assertThat(markAt(d8.get(i).apply(marked()))).as(d8.get(i).toString()).containsExactly(expected.get(i));
    }
  }

  @Test
  void d8IsTheWholeDihedralGroupAndFlipItsFirstFour() {
    Batch batch = new Batch(TestPatches.random(3), new float[1], 1, 96, 96);
    Set<String> distinct = new HashSet<>();
    for (Tta.Transform t : Tta.D8.transforms()) {
      distinct.add(new String(t.apply(batch).pixels(), java.nio.charset.StandardCharsets.ISO_8859_1));
    }
    assertThat(distinct).hasSize(8);
    assertThat(Tta.FLIP.transforms()).isEqualTo(Tta.D8.transforms().subList(0, 4));
    assertThat(Tta.NONE.transforms()).containsExactly(Tta.Transform.IDENTITY);
  }

  @Test
  void transformsKeepPatchesSeparateAndLabelsUntouched() {
    byte[] pixels = new byte[2 * 4 * 4 * 3];
    pixels[(0 * 4 + 1) * 3] = 1; // patch 0 marked at (0,1)
    pixels[48 + (3 * 4 + 3) * 3] = 1; // patch 1 marked at (3,3)
    Batch out = new Tta.Transform(false, true, false).apply(new Batch(pixels, new float[] {0, 1}, 2, 4, 4));
    assertThat(out.pixels()[(0 * 4 + 2) * 3]).isEqualTo((byte) 1);
    assertThat(out.pixels()[48 + (3 * 4 + 0) * 3]).isEqualTo((byte) 1);
    assertThat(out.labels()).containsExactly(0f, 1f);
  }

  @Test
  void flipInvariantModelScoresTheSameWithAndWithoutTta(@TempDir Path tmp) {
    Batch batch = randomBatch();
    try (SavedModelScorer model = SavedModelScorer.load(TinySavedModels.meanIntensity(tmp.resolve("m"), 96))) {
      float[] plain = Tta.NONE.predict(model, batch);
      for (int i = 0; i < N; i++) {
        byte[] patch = java.util.Arrays.copyOfRange(batch.pixels(), i * 27648, (i + 1) * 27648);
        assertThat(plain[i]).isCloseTo(TinySavedModels.expectedMeanIntensity(patch), within(1e-5f));
      }
      assertThat(Tta.FLIP.predict(model, batch)).containsExactly(plain, within(1e-6f));
      assertThat(Tta.D8.predict(model, batch)).containsExactly(plain, within(1e-6f));
    }
  }

  @Test
  void ttaAveragesOneForwardPassPerTransform() {
    // Scores each patch by the value of its top-left pixel, which every transform moves.
    List<Integer> batchSizesSeen = new ArrayList<>();
    ScoringModel topLeft = new ScoringModel() {
      public int inputHeight() { return 96; }
      public int inputWidth() { return 96; }
      public float[] predict(Batch b) {
        batchSizesSeen.add(b.count());
        float[] p = new float[b.count()];
        for (int i = 0; i < b.count(); i++) {
          p[i] = (b.pixels()[i * 27648] & 0xff) / 255f;
        }
        return p;
      }
      public void close() {}
    };
    Batch batch = randomBatch();
    float[] d8 = Tta.D8.predict(topLeft, batch);
    assertThat(batchSizesSeen).containsExactly(N, N, N, N, N, N, N, N);
    for (int i = 0; i < N; i++) {
      int base = i * 27648;
      // The 8 transforms bring the 4 corners to the top-left, each twice (with and without transpose).
      int[] corners = {0, 95 * 3, 95 * 96 * 3, (95 * 96 + 95) * 3};
      double mean = 0;
      for (int c : corners) {
        mean += (batch.pixels()[base + c] & 0xff) / 255.0 / 4;
      }
      assertThat(d8[i]).isCloseTo((float) mean, within(1e-6f));
    }
  }

  private static Batch randomBatch() {
    byte[] pixels = new byte[N * 27648];
    for (int i = 0; i < N; i++) {
      System.arraycopy(TestPatches.random(i), 0, pixels, i * 27648, 27648);
    }
    return new Batch(pixels, new float[N], N, 96, 96);
  }
}
