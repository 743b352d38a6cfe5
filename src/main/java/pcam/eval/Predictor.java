package pcam.eval;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pcam.data.Augmentation;
import pcam.data.Batch;
import pcam.data.Resize;
import pcam.data.BatchLoader;
import pcam.data.BatchOptions;
import pcam.data.PatchReader;
import pcam.data.PatchSet;
import pcam.data.PatchSource;
import pcam.data.TiffSource;
import pcam.model.ScoringModel;
import pcam.util.InputException;
import pcam.util.Progress;

/**
 * Scores a folder of patches without ever holding it in memory: background threads decode
 * {@code <id>.tif} files into batches (at most {@code prefetch} batches ahead) and resize them when
 * the model is not 96x96; the calling thread only runs the model, so decoding overlaps inference. Memory is bounded by
 * {@code prefetch x batchSize} patches plus one float per id, whatever the folder size.
 *
 * <p>A file that does not decode stops the run with an {@link InputException} naming it, unless
 * {@code skipBad} is set; then it is left out and listed in {@link Predictions#skipped()}.
 * Scoring a submission must not skip (the file would miss ids), so only evaluation offers it.
 */
public final class Predictor {
  private static final Logger log = LoggerFactory.getLogger(Predictor.class);

  /**
   * @param threads background decoding threads
   * @param prefetch batches decoded ahead of the model; bounds memory
   */
  public record Options(int batchSize, Tta tta, int threads, int prefetch, boolean skipBad) {
    public Options {
      if (batchSize <= 0) {
        throw new InputException("batch size must be positive, got " + batchSize);
      }
      if (threads <= 0 || prefetch <= 0) {
        throw new IllegalArgumentException("threads and prefetch must be positive");
      }
    }

    /** One decoding thread per core and two batches in flight per thread. */
    public static Options defaults(int batchSize, Tta tta) {
      int cores = Runtime.getRuntime().availableProcessors();
      return new Options(batchSize, tta, cores, 2 * cores, false);
    }

    public Options withSkipBad(boolean skip) {
      return new Options(batchSize, tta, threads, prefetch, skip);
    }
  }

  /**
   * Probabilities in the order of {@code ids}; {@code skipped} lists "id: reason" for files left
   * out under skipBad (never for a run without it). {@code starvedNanos} is the time the model's
   * thread spent waiting for decoded batches (0 for in-memory scoring): the part of {@code nanos}
   * that decoding did not hide behind inference.
   */
  public record Predictions(List<String> ids, float[] probabilities, List<String> skipped, long nanos, long starvedNanos) {
    public double imagesPerSecond() {
      return nanos == 0 ? 0 : ids.size() / (nanos / 1e9);
    }

    public double meanProbability() {
      double sum = 0;
      for (float p : probabilities) {
        sum += p;
      }
      return probabilities.length == 0 ? Double.NaN : sum / probabilities.length;
    }
  }

  private record Chunk(List<String> ids, Batch batch, List<String> skipped) {}

  private final ScoringModel model;
  private final Options options;

  public Predictor(ScoringModel model, Options options) {
    this.model = model;
    this.options = options;
  }

  /** Scores {@code imagesDir/<id>.tif} for every id, in order. */
  public Predictions predict(Path imagesDir, List<String> ids) {
    return predict(TiffSource.ofIds(imagesDir, ids), null);
  }

  /**
   * Scores the given rows of a source in order (every row when {@code rows} is null), decoding on
   * background threads; the source's ids key the result.
   */
  public Predictions predict(PatchSource source, int[] rows) {
    int[] order = rows != null ? rows : java.util.stream.IntStream.range(0, source.size()).toArray();
    int batchSize = options.batchSize();
    int batches = (order.length + batchSize - 1) / batchSize;
    List<String> scoredIds = new ArrayList<>(order.length);
    float[] probabilities = new float[order.length];
    List<String> skipped = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(options.threads(), r -> {
      Thread t = new Thread(r, "pcam-decode");
      t.setDaemon(true);
      return t;
    });
    long start = System.nanoTime();
    long starved = 0;
    try (Progress progress = Progress.start("scoring", order.length, "img")) {
      ArrayDeque<Future<Chunk>> pending = new ArrayDeque<>();
      int submitted = 0;
      for (; submitted < Math.min(options.prefetch(), batches); submitted++) {
        pending.add(submitDecode(pool, source, order, submitted));
      }
      while (!pending.isEmpty()) {
        long waitStart = System.nanoTime();
        Chunk chunk = await(pending.poll());
        starved += System.nanoTime() - waitStart;
        if (submitted < batches) {
          pending.add(submitDecode(pool, source, order, submitted++));
        }
        if (chunk.batch().count() > 0) {
          float[] p = options.tta().predict(model, chunk.batch());
          System.arraycopy(p, 0, probabilities, scoredIds.size(), p.length);
          scoredIds.addAll(chunk.ids());
        }
        skipped.addAll(chunk.skipped());
        progress.step(chunk.ids().size() + chunk.skipped().size());
      }
    } finally {
      pool.shutdownNow();
    }
    long nanos = System.nanoTime() - start;
    float[] kept = scoredIds.size() == order.length ? probabilities : Arrays.copyOf(probabilities, scoredIds.size());
    Predictions result = new Predictions(List.copyOf(scoredIds), kept, List.copyOf(skipped), nanos, starved);
    log.info(
        "scored {} images in {} s ({} img/s, tta {}, batch {})",
        result.ids().size(), String.format("%.1f", nanos / 1e9), String.format("%.0f", result.imagesPerSecond()),
        options.tta().label(), batchSize);
    if (!skipped.isEmpty()) {
      log.warn("skipped {} unreadable image(s), first: {}", skipped.size(), skipped.get(0));
    }
    return result;
  }

  /**
   * Scores patches already in memory (e.g. a validation split), in set order, with the same
   * batching, resizing and TTA as the streaming path; batches are assembled on background threads.
   */
  public Predictions predict(PatchSet set) {
    float[] probabilities = new float[set.size()];
    long start = System.nanoTime();
    int at = 0;
    try (BatchLoader loader =
            set.batches(BatchOptions.inOrder(options.batchSize(), options.threads(), options.prefetch()));
        Progress progress = Progress.start("scoring", set.size(), "img")) {
      while (loader.hasNext()) {
        Batch batch = Resize.bilinear(loader.next(), model.inputHeight(), model.inputWidth());
        float[] p = options.tta().predict(model, batch);
        System.arraycopy(p, 0, probabilities, at, p.length);
        at += p.length;
        progress.step(p.length);
      }
    }
    Predictions result = new Predictions(set.ids(), probabilities, List.of(), System.nanoTime() - start, 0);
    log.info("scored {} in-memory patches ({} img/s, tta {}, batch {})",
        set.size(), String.format("%.0f", result.imagesPerSecond()), options.tta().label(), options.batchSize());
    return result;
  }

  private Future<Chunk> submitDecode(ExecutorService pool, PatchSource source, int[] order, int index) {
    int from = index * options.batchSize();
    int to = Math.min(order.length, from + options.batchSize());
    return pool.submit(() -> decode(source, order, from, to));
  }

  private Chunk decode(PatchSource source, int[] order, int from, int to) {
    int patchBytes = PatchReader.BYTES;
    byte[] pixels = new byte[(to - from) * patchBytes];
    List<String> kept = new ArrayList<>(to - from);
    List<String> skipped = new ArrayList<>();
    if (source.readsInBlocks() && order[to - 1] - order[from] == to - 1 - from) {
      source.readRange(order[from], to - from, pixels, 0);
      for (int k = from; k < to; k++) {
        kept.add(source.ids().get(order[k]));
      }
    } else {
      for (int k = from; k < to; k++) {
        String id = source.ids().get(order[k]);
        byte[] patch;
        try {
          patch = source.read(order[k]);
        } catch (InputException e) {
          if (!options.skipBad()) {
            throw e;
          }
          skipped.add(id + ": " + e.getMessage());
          continue;
        }
        System.arraycopy(patch, 0, pixels, kept.size() * patchBytes, patchBytes);
        kept.add(id);
      }
    }
    if (kept.size() < to - from) {
      pixels = Arrays.copyOf(pixels, kept.size() * patchBytes);
    }
    Batch batch = new Batch(pixels, new float[kept.size()], kept.size(), PatchReader.SIZE, PatchReader.SIZE);
    // Resizing here keeps it on the decoding threads, off the model's critical path.
    return new Chunk(kept, Resize.bilinear(batch, model.inputHeight(), model.inputWidth()), skipped);
  }

  private static Chunk await(Future<Chunk> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while decoding", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
  }
}
