package pcam.data;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One pass over a {@link PatchSet} in batches, assembled (and augmented) on background threads
 * while the caller runs the current step; the threads read the set's store (a mapped file for
 * loaded data) directly into the batch. Batches come out in order and are deterministic for a
 * given seed, whatever the thread count: each batch draws from its own random stream. Pass a
 * different seed per epoch (e.g. derived from the run seed and the epoch), or every epoch sees the
 * same order and the same augmentations.
 *
 * <p>The last batch is smaller when the set size is not a multiple of the batch size.
 */
public final class BatchLoader implements Iterator<Batch>, AutoCloseable {
  private static final long AUGMENT_SALT = 0x6A09E667F3BCC909L;
  private final PatchSet set;
  private final int[] order;
  private final int batchSize;
  private final Augmenter augmenter;
  private final long seed;
  private final ExecutorService pool;
  private final ArrayDeque<Future<Batch>> pending = new ArrayDeque<>();
  private final int batches;
  private int submitted;

  /** Made by {@link PatchSet#batches}. */
  BatchLoader(PatchSet set, BatchOptions options) {
    int batchSize = options.batchSize();
    boolean shuffle = options.shuffle();
    Augmentation augmentation = options.augmentation();
    long seed = options.seed();
    int threads = options.threads();
    int prefetch = options.prefetch();
    this.set = set;
    this.batchSize = batchSize;
    this.seed = seed;
    this.order = shuffle ? shuffled(set.size(), seed) : identity(set.size());
    this.augmenter = augmentation.isNone() ? null : new Augmenter(augmentation);
    this.batches = (set.size() + batchSize - 1) / batchSize;
    this.pool =
        Executors.newFixedThreadPool(
            Math.max(1, threads),
            r -> {
              Thread t = new Thread(r, "pcam-batch-loader");
              t.setDaemon(true);
              return t;
            });
    for (int i = 0; i < Math.max(1, prefetch) && submitted < batches; i++) {
      submitNext();
    }
  }

  public int batchCount() {
    return batches;
  }

  @Override
  public boolean hasNext() {
    return !pending.isEmpty();
  }

  @Override
  public Batch next() {
    Future<Batch> head = pending.poll();
    if (head == null) {
      throw new NoSuchElementException();
    }
    if (submitted < batches) {
      submitNext();
    }
    try {
      return head.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while loading a batch", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
  }

  private void submitNext() {
    int index = submitted++;
    pending.add(pool.submit(() -> assemble(index)));
  }

  private Batch assemble(int index) {
    int from = index * batchSize;
    int n = Math.min(batchSize, set.size() - from);
    int patchBytes = set.bytesPerPatch();
    byte[] pixels = new byte[n * patchBytes];
    float[] labels = new float[n];
    // Salted so that batch 0's augmentation stream is not the shuffle's stream (both were seed 0).
    SplittableRandom random = new SplittableRandom((seed ^ AUGMENT_SALT) * 1_000_003L + index);
    byte[] source = augmenter == null ? null : new byte[patchBytes];
    for (int k = 0; k < n; k++) {
      int row = order[from + k];
      int label = set.label(row);
      labels[k] = label == PatchSet.UNLABELLED ? Float.NaN : label;
      if (augmenter == null) {
        set.copyPixels(row, pixels, k * patchBytes);
      } else {
        set.copyPixels(row, source, 0);
        augmenter.apply(source, set.height(), set.width(), random, pixels, k * patchBytes);
      }
    }
    return new Batch(pixels, labels, n, set.height(), set.width());
  }

  private static int[] identity(int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    return order;
  }

  private static int[] shuffled(int n, long seed) {
    int[] order = identity(n);
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
