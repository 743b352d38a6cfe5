package pcam.data;

import java.nio.file.Path;
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

  /** One entry per input file: pixels, or null where the file is bad (listed in {@code bad}, by index). */
  record Decoded(byte[][] pixels, List<BadPatch> bad) {}

  private PatchDecoder() {}

  /**
   * @param failFast throw the first {@link BadPatchException} met (and stop the others) instead of
   *     recording it and going on
   */
  static Decoded decode(List<Path> files, boolean failFast) {
    int n = files.size();
    byte[][] pixels = new byte[n][];
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
              for (int i = chunk * CHUNK; i < end; i++) {
                if (firstFailure.get() != null || outOfMemory.get() != null || Thread.currentThread().isInterrupted()) {
                  return null;
                }
                try {
                  pixels[i] = PatchReader.read(files.get(i));
                } catch (OutOfMemoryError e) {
                  outOfMemory.compareAndSet(null, e);
                  Arrays.fill(pixels, null); // free the heap first: even completing the task allocates
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
      Arrays.fill(pixels, null);
      throw outOfMemory.get();
    }
    if (firstFailure.get() != null) {
      throw firstFailure.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    LOG.info(String.format("decoded %d patches in %.2f s (%.0f img/s, %d threads)", n, seconds, n / seconds, threads));
    List<BadPatch> sortedBad = new ArrayList<>(bad);
    sortedBad.sort(Comparator.comparingInt(BadPatch::index));
    return new Decoded(pixels, sortedBad);
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
