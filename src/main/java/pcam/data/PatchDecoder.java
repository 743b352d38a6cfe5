package pcam.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pcam.data.BadPatchException.Problem;
import pcam.util.Progress;

/** Decodes many patch files in parallel, on all cores, with a progress bar. */
final class PatchDecoder {
  private static final Logger LOG = LoggerFactory.getLogger(PatchDecoder.class);
  private static final int CHUNK = 64;

  /** A file that could not be used: its position in the input list and why. */
  record BadPatch(int index, Problem problem, String detail) {}

  /** One store entry per row; a bad row's entry is zeros and it is listed in {@code bad}, by index. */
  record Decoded(PixelStore pixels, List<BadPatch> bad) {
    boolean isBad(int index) {
      return bad.stream().anyMatch(b -> b.index() == index);
    }
  }

  /** Where decoded patch {@code i} goes. */
  @FunctionalInterface
  interface Sink {
    void put(int i, byte[] pixels, int offset);
  }

  private PatchDecoder() {}

  /**
   * @param failFast throw the first {@link BadPatchException} met (and stop the others) instead of
   *     recording it and going on
   */
  /** Decodes onto the heap (small sets, and the last resort when no file can be written). */
  static Decoded decode(PatchSource source, int[] rows, boolean failFast) {
    byte[][] arrays = new byte[rows.length][];
    HeapPixels heap = new HeapPixels(arrays, PatchReader.BYTES);
    try {
      List<BadPatch> bad = decode(source, rows, failFast, (i, pixels, offset) -> heap.put(i,
          offset == 0 && pixels.length == PatchReader.BYTES ? pixels : Arrays.copyOfRange(pixels, offset, offset + PatchReader.BYTES)));
      return new Decoded(heap, bad);
    } catch (OutOfMemoryError e) {
      Arrays.fill(arrays, null); // free the heap first: reporting the failure allocates too
      throw e;
    }
  }

  /** Decodes every row into {@code sink} (row k of {@code rows} as entry k); returns the bad ones. */
  static List<BadPatch> decode(PatchSource source, int[] rows, boolean failFast, Sink pixels) {
    int n = rows.length;
    ConcurrentLinkedQueue<BadPatch> bad = new ConcurrentLinkedQueue<>();
    AtomicInteger nextChunk = new AtomicInteger();
    AtomicReference<BadPatchException> firstFailure = new AtomicReference<>();
    // Out of heap, a worker must still finish its task normally: an OutOfMemoryError escaping it can
    // fail again while the pool records it, and the future then never completes (a silent hang).
    AtomicReference<OutOfMemoryError> outOfMemory = new AtomicReference<>();
    int threads = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), (n + CHUNK - 1) / CHUNK));
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(threads, PatchDecoder::daemon);
    try (Progress progress = Progress.start("decoding", n, "img")) {
      Callable<Void> worker =
          () -> {
            for (int chunk = nextChunk.getAndIncrement(); chunk * CHUNK < n; chunk = nextChunk.getAndIncrement()) {
              int end = Math.min(n, (chunk + 1) * CHUNK);
              if (source.readsInBlocks() && consecutive(rows, chunk * CHUNK, end)) {
                readBlock(source, rows, chunk * CHUNK, end, pixels);
                progress.step(end - chunk * CHUNK);
                continue;
              }
              for (int i = chunk * CHUNK; i < end; i++) {
                if (firstFailure.get() != null || outOfMemory.get() != null || Thread.currentThread().isInterrupted()) {
                  return null;
                }
                try {
                  pixels.put(i, source.read(rows[i]), 0);
                } catch (OutOfMemoryError e) {
                  outOfMemory.compareAndSet(null, e); // the mapped store holds no heap: the source's read ran out
                  return null;
                } catch (BadPatchException e) {
                  if (failFast) {
                    firstFailure.compareAndSet(null, e);
                    return null;
                  }
                  bad.add(new BadPatch(i, e.problem(), e.detail()));
                }
              }
              progress.step(end - chunk * CHUNK);
            }
            return null;
          };
      List<Future<Void>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(worker));
      }
      for (Future<Void> future : futures) {
        await(future);
      }
    } finally {
      pool.shutdownNow();
    }
    if (outOfMemory.get() != null) {
      throw outOfMemory.get();
    }
    if (firstFailure.get() != null) {
      throw firstFailure.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    LOG.info(String.format("decoded %d patches in %.2f s (%.0f img/s, %d threads)", n, seconds, n / seconds, threads));
    List<BadPatch> sortedBad = new ArrayList<>(bad);
    sortedBad.sort(Comparator.comparingInt(BadPatch::index));
    return sortedBad;
  }

  private static boolean consecutive(int[] rows, int from, int to) {
    return rows[to - 1] - rows[from] == to - 1 - from;
  }

  /** One range read (an HDF5 hyperslab) instead of a chunk decompression per row. */
  private static void readBlock(PatchSource source, int[] rows, int from, int to, Sink pixels) {
    byte[] block = new byte[(to - from) * PatchReader.BYTES];
    source.readRange(rows[from], to - from, block, 0);
    for (int i = from; i < to; i++) {
      pixels.put(i, block, (i - from) * PatchReader.BYTES);
    }
  }

  private static void await(Future<Void> future) {
    try {
      future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while decoding", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "pcam-decoder");
    t.setDaemon(true);
    return t;
  }
}
