package pcam.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchLoaderTest {
  private static final int N = 96;
  private final PatchSet set = patches(23);
  private final Augmentation all = new Augmentation(true, true, 40);

  @Test
  void inOrderBatchesCopyThePatchesAndLastBatchIsSmaller() {
    List<Batch> batches = drain(new BatchLoader(set, 5, false, Augmentation.NONE, 1, 2, 2));
    assertThat(batches).extracting(Batch::count).containsExactly(5, 5, 5, 5, 3);
    int row = 0;
    for (Batch batch : batches) {
      assertThat(batch.height()).isEqualTo(N);
      for (int k = 0; k < batch.count(); k++, row++) {
        assertThat(patch(batch, k)).isEqualTo(set.pixels(row));
        assertThat(batch.labels()[k]).isEqualTo((float) set.label(row));
      }
    }
    assertThat(row).isEqualTo(23);
  }

  @Test
  void batchCountMatches() {
    try (BatchLoader loader = new BatchLoader(set, 5, true, all, 1, 1, 1)) {
      assertThat(loader.batchCount()).isEqualTo(5);
    }
    try (BatchLoader loader = new BatchLoader(set, 23, true, all, 1, 1, 1)) {
      assertThat(loader.batchCount()).isEqualTo(1);
    }
  }

  @Test
  void shuffledPassVisitsEveryPatchOnce() {
    List<Batch> batches = drain(new BatchLoader(set, 4, true, Augmentation.NONE, 9, 2, 3));
    Set<Integer> seen = new HashSet<>();
    List<Integer> order = new ArrayList<>();
    for (Batch batch : batches) {
      for (int k = 0; k < batch.count(); k++) {
        int row = rowOf(patch(batch, k));
        order.add(row);
        assertThat(seen.add(row)).isTrue();
        assertThat(batch.labels()[k]).isEqualTo((float) set.label(row));
      }
    }
    assertThat(seen).hasSize(23);
    assertThat(order).isNotEqualTo(order.stream().sorted().toList());
  }

  @Test
  void sameSeedSameBatchesWhateverTheThreads() {
    List<Batch> one = drain(new BatchLoader(set, 4, true, all, 7, 1, 1));
    List<Batch> many = drain(new BatchLoader(set, 4, true, all, 7, 4, 3));
    assertThat(many).hasSameSizeAs(one);
    for (int b = 0; b < one.size(); b++) {
      assertThat(many.get(b).pixels()).isEqualTo(one.get(b).pixels());
      assertThat(many.get(b).labels()).isEqualTo(one.get(b).labels());
    }
  }

  @Test
  void colourAugmentedBatchesAreTheSameForTheSameSeedWhateverTheThreads() {
    Augmentation colour = Augmentation.preset("d8+stain").withColorJitter(0.1, 0.1, 0.1, 0.02);
    List<Batch> one = drain(new BatchLoader(set, 4, true, colour, 7, 1, 1));
    List<Batch> many = drain(new BatchLoader(set, 4, true, colour, 7, 3, 4));
    List<Batch> other = drain(new BatchLoader(set, 4, true, colour, 8, 3, 4));
    for (int b = 0; b < one.size(); b++) {
      assertThat(many.get(b).pixels()).isEqualTo(one.get(b).pixels());
    }
    assertThat(other.get(0).pixels()).isNotEqualTo(one.get(0).pixels());
  }

  @Test
  void differentSeedDifferentBatches() {
    List<Batch> a = drain(new BatchLoader(set, 23, true, all, 7, 1, 1));
    List<Batch> b = drain(new BatchLoader(set, 23, true, all, 8, 1, 1));
    assertThat(a.get(0).pixels()).isNotEqualTo(b.get(0).pixels());
  }

  @Test
  void augmentationChangesPatchesAndNoneDoesNot() {
    Batch augmented = drain(new BatchLoader(set, 23, false, all, 3, 2, 1)).get(0);
    int changed = 0;
    for (int k = 0; k < 23; k++) {
      changed += Arrays.equals(patch(augmented, k), set.pixels(k)) ? 0 : 1;
    }
    assertThat(changed).isGreaterThan(20);
    Batch plain = drain(new BatchLoader(set, 23, false, Augmentation.NONE, 3, 2, 1)).get(0);
    for (int k = 0; k < 23; k++) {
      assertThat(patch(plain, k)).isEqualTo(set.pixels(k));
    }
  }

  @Test
  void unlabelledPatchesGetNaN() {
    byte[] labels = new byte[3];
    Arrays.fill(labels, PatchSet.UNLABELLED);
    PatchSet unlabelled = new PatchSet(List.of("a", "b", "c"), labels,
        new byte[][] {set.pixels(0), set.pixels(1), set.pixels(2)}, N, N);
    Batch batch = drain(new BatchLoader(unlabelled, 8, false, Augmentation.NONE, 1, 1, 1)).get(0);
    assertThat(batch.labels()).containsExactly(Float.NaN, Float.NaN, Float.NaN);
  }

  private static List<Batch> drain(BatchLoader loader) {
    List<Batch> batches = new ArrayList<>();
    try (loader) {
      while (loader.hasNext()) {
        batches.add(loader.next());
      }
    }
    return batches;
  }

  private static byte[] patch(Batch batch, int k) {
    int bytes = batch.height() * batch.width() * 3;
    return Arrays.copyOfRange(batch.pixels(), k * bytes, (k + 1) * bytes);
  }

  /** Each test patch starts with its row number in its first byte. */
  private int rowOf(byte[] pixels) {
    return pixels[0];
  }

  private static PatchSet patches(int n) {
    List<String> ids = new ArrayList<>();
    byte[] labels = new byte[n];
    byte[][] pixels = new byte[n][];
    for (int i = 0; i < n; i++) {
      ids.add("p" + i);
      labels[i] = (byte) (i % 3 == 0 ? 1 : 0);
      pixels[i] = AugmenterTest.randomPatch(100 + i);
      pixels[i][0] = (byte) i;
    }
    return new PatchSet(ids, labels, pixels, N, N);
  }
}
