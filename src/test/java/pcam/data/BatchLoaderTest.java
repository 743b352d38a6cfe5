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
    List<Batch> batches = drain(set.batches(new BatchOptions(5, false, Augmentation.NONE, 1, 2, 2)));
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
    try (BatchLoader loader = set.batches(BatchOptions.training(5, all, 1, 1, 1))) {
      assertThat(loader.batchCount()).isEqualTo(5);
    }
    try (BatchLoader loader = set.batches(BatchOptions.training(23, all, 1, 1, 1))) {
      assertThat(loader.batchCount()).isEqualTo(1);
    }
  }

  @Test
  void shuffledPassVisitsEveryPatchOnce() {
    List<Batch> batches = drain(set.batches(BatchOptions.training(4, Augmentation.NONE, 9, 2, 3)));
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
    List<Batch> one = drain(set.batches(BatchOptions.training(4, all, 7, 1, 1)));
    List<Batch> many = drain(set.batches(BatchOptions.training(4, all, 7, 4, 3)));
    assertThat(many).hasSameSizeAs(one);
    for (int b = 0; b < one.size(); b++) {
      assertThat(many.get(b).pixels()).isEqualTo(one.get(b).pixels());
      assertThat(many.get(b).labels()).isEqualTo(one.get(b).labels());
    }
  }

  @Test
  void colourAugmentedBatchesAreTheSameForTheSameSeedWhateverTheThreads() {
    Augmentation colour = Augmentation.preset("d8+stain").withColorJitter(0.1, 0.1, 0.1, 0.02);
    List<Batch> one = drain(set.batches(BatchOptions.training(4, colour, 7, 1, 1)));
    List<Batch> many = drain(set.batches(BatchOptions.training(4, colour, 7, 3, 4)));
    List<Batch> other = drain(set.batches(BatchOptions.training(4, colour, 8, 3, 4)));
    for (int b = 0; b < one.size(); b++) {
      assertThat(many.get(b).pixels()).isEqualTo(one.get(b).pixels());
    }
    assertThat(other.get(0).pixels()).isNotEqualTo(one.get(0).pixels());
  }

  @Test
  void differentSeedDifferentBatches() {
    List<Batch> a = drain(set.batches(BatchOptions.training(23, all, 7, 1, 1)));
    List<Batch> b = drain(set.batches(BatchOptions.training(23, all, 8, 1, 1)));
    assertThat(a.get(0).pixels()).isNotEqualTo(b.get(0).pixels());
  }

  @Test
  void augmentationChangesPatchesAndNoneDoesNot() {
    Batch augmented = drain(set.batches(new BatchOptions(23, false, all, 3, 2, 1))).get(0);
    int changed = 0;
    for (int k = 0; k < 23; k++) {
      changed += Arrays.equals(patch(augmented, k), set.pixels(k)) ? 0 : 1;
    }
    assertThat(changed).isGreaterThan(20);
    Batch plain = drain(set.batches(new BatchOptions(23, false, Augmentation.NONE, 3, 2, 1))).get(0);
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
    Batch batch = drain(unlabelled.batches(new BatchOptions(8, false, Augmentation.NONE, 1, 1, 1))).get(0);
    assertThat(batch.labels()).containsExactly(Float.NaN, Float.NaN, Float.NaN);
  }

  /**
   * The endless stream is the one-pass loader run again and again with seeds s, s+1, ...: full
   * batches only (23 patches in batches of 5: four per pass), a fresh permutation every pass.
   */
  @Test
  void endlessBatchesChainPassesWithTheNextSeedAndSkipShortBatches() {
    BatchOptions options = BatchOptions.training(5, all, 7, 2, 2);
    List<Batch> expected = new ArrayList<>();
    for (long seed = 7; seed < 10; seed++) {
      drain(set.batches(options.withSeed(seed))).stream().filter(b -> b.count() == 5).forEach(expected::add);
    }
    try (EndlessBatches endless = set.endlessBatches(options)) {
      for (Batch want : expected) {
        Batch got = endless.next();
        assertThat(got.count()).isEqualTo(5);
        assertThat(got.pixels()).isEqualTo(want.pixels());
        assertThat(got.labels()).isEqualTo(want.labels());
      }
      assertThat(endless.nextSeed()).isEqualTo(10);
    }
    assertThat(expected.get(0).pixels()).isNotEqualTo(expected.get(4).pixels()); // pass 2 is another order
  }

  @Test
  void aMappedStoreGivesTheSameBatchesAsTheHeap() throws java.io.IOException {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("pcam-mapped", ".bin");
    try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
        java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
      MappedPixels mapped = MappedPixels.map(channel, java.nio.channels.FileChannel.MapMode.READ_WRITE, 100, set.size(), set.bytesPerPatch());
      for (int i = 0; i < set.size(); i++) {
        mapped.put(i, set.pixels(i), 0);
      }
      byte[] labels = new byte[set.size()];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = (byte) set.label(i);
      }
      PatchSet onDisk = new PatchSet(set.ids(), labels, mapped, null, N, N);
      assertThat(onDisk.isMapped()).isTrue();
      BatchOptions options = BatchOptions.training(4, all, 3, 2, 2);
      List<Batch> a = drain(set.batches(options));
      List<Batch> b = drain(onDisk.batches(options));
      for (int k = 0; k < a.size(); k++) {
        assertThat(b.get(k).pixels()).isEqualTo(a.get(k).pixels());
      }
      int[] picked = {22, 0, 5};
      assertThat(onDisk.select(picked).pixels(0)).isEqualTo(set.pixels(22));
      assertThat(onDisk.onHeap().pixels(5)).isEqualTo(set.pixels(5));
    } finally {
      java.nio.file.Files.delete(file);
    }
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
