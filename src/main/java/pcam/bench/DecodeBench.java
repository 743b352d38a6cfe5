package pcam.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import pcam.data.PatchReader;

/**
 * TIFF decode throughput of {@link PatchReader} (file read + decode + checks), on a given number
 * of threads. The files are read once untimed first, so the figure is decode speed from the page
 * cache, not disk speed.
 */
public final class DecodeBench {
  private DecodeBench() {}

  /** Best of {@code rounds} passes over {@code files} with {@link PatchReader#read}, in img/s. */
  public static double imagesPerSecond(List<Path> files, int threads, int rounds) {
    return imagesPerSecond(files, threads, rounds, PatchReader::read);
  }

  /** As above with another decoder, e.g. {@link PatchReader#readWithImageIO} for comparison. */
  public static double imagesPerSecond(List<Path> files, int threads, int rounds, Function<Path, byte[]> decoder) {
    pass(files, threads, decoder);
    double best = 0;
    for (int r = 0; r < rounds; r++) {
      long start = System.nanoTime();
      pass(files, threads, decoder);
      best = Math.max(best, files.size() / ((System.nanoTime() - start) / 1e9));
    }
    return best;
  }

  /** Direct path against the JDK ImageIO reader, 1 thread: best img/s of each, and the median ratio of the pairs. */
  public record Comparison(double directImgS, double imageIoImgS, double medianRatio, int pairs) {}

  /**
   * {@link PatchReader#read} and {@link PatchReader#readWithImageIO} on one thread, alternating
   * pass by pass after one untimed pass of each, so both see the same JIT state and the same
   * machine load; a figure taken first and alone (as before) absorbed compilation and load bursts.
   * The ratio is the median over pairs of direct ÷ ImageIO.
   */
  public static Comparison directVsImageIo(List<Path> files, int pairs) {
    pass(files, 1, PatchReader::read);
    pass(files, 1, PatchReader::readWithImageIO);
    double bestDirect = 0;
    double bestImageIo = 0;
    List<Double> ratios = new ArrayList<>();
    for (int p = 0; p < pairs; p++) {
      double direct = timedPass(files, PatchReader::read);
      double imageIo = timedPass(files, PatchReader::readWithImageIO);
      bestDirect = Math.max(bestDirect, direct);
      bestImageIo = Math.max(bestImageIo, imageIo);
      ratios.add(direct / imageIo);
    }
    return new Comparison(bestDirect, bestImageIo, PairedFraction.median(ratios), pairs);
  }

  private static double timedPass(List<Path> files, Function<Path, byte[]> decoder) {
    long start = System.nanoTime();
    pass(files, 1, decoder);
    return files.size() / ((System.nanoTime() - start) / 1e9);
  }

  private static void pass(List<Path> files, int threads, Function<Path, byte[]> decoder) {
    AtomicInteger next = new AtomicInteger();
    Runnable worker =
        () -> {
          for (int i = next.getAndIncrement(); i < files.size(); i = next.getAndIncrement()) {
            decoder.apply(files.get(i));
          }
        };
    if (threads == 1) {
      worker.run();
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(worker));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }
}
