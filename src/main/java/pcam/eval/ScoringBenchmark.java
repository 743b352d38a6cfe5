package pcam.eval;

import java.nio.file.Path;
import java.util.List;
import pcam.data.Batch;
import pcam.data.Resize;
import pcam.data.PatchReader;
import pcam.data.TiffSource;
import pcam.model.ScoringModel;

/**
 * How close streamed scoring gets to the model's own speed: graph-only inference on one batch
 * held in memory, against {@link Predictor} on the same images (decode, batch, resize, predict),
 * both in one process so the machine's state is the same. Each is measured {@code rounds} times
 * after a warm-up, alternating; the best round of each is kept, and the ratio is the median over
 * rounds of each end-to-end round against the graph-only round just before it, so a load burst
 * that hits one of the two does not decide the ratio.
 */
public final class ScoringBenchmark {
  /**
   * @param pairedRatio median over rounds of end-to-end ÷ the graph-only round right before it
   * @param starvedFraction of the end-to-end round nearest the median ratio: the share of its time
   *     the model's thread waited for decoded batches
   */
  public record Result(int images, int batchSize, double graphOnlyImagesPerSecond, double endToEndImagesPerSecond,
      double pairedRatio, double starvedFraction) {
    public double ratio() {
      return pairedRatio;
    }

    /** Best end-to-end round ÷ best graph-only round (the definition before pairing). */
    public double bestRatio() {
      return endToEndImagesPerSecond / graphOnlyImagesPerSecond;
    }
  }

  private ScoringBenchmark() {}

  public static Result run(ScoringModel model, Path imagesDir, List<String> ids, Predictor.Options options, int rounds) {
    Batch batch = firstBatch(imagesDir, ids, options.batchSize(), model);
    int batches = (ids.size() + options.batchSize() - 1) / options.batchSize();
    for (int i = 0; i < 3; i++) {
      options.tta().predict(model, batch);
    }
    new Predictor(model, options).predict(imagesDir, ids.subList(0, Math.min(ids.size(), 2 * options.batchSize())));
    double graphOnly = 0;
    double endToEnd = 0;
    int n = Math.max(1, rounds);
    double[][] pairs = new double[n][]; // {ratio, starved fraction}
    for (int r = 0; r < n; r++) {
      long start = System.nanoTime();
      for (int b = 0; b < batches; b++) {
        options.tta().predict(model, batch);
      }
      double g = (double) batches * batch.count() / ((System.nanoTime() - start) / 1e9);
      Predictor.Predictions e = new Predictor(model, options).predict(imagesDir, ids);
      graphOnly = Math.max(graphOnly, g);
      endToEnd = Math.max(endToEnd, e.imagesPerSecond());
      pairs[r] = new double[] {e.imagesPerSecond() / g, (double) e.starvedNanos() / e.nanos()};
    }
    java.util.Arrays.sort(pairs, java.util.Comparator.comparingDouble(p -> p[0]));
    double[] median = pairs[(n - 1) / 2];
    return new Result(ids.size(), options.batchSize(), graphOnly, endToEnd, median[0], median[1]);
  }

  /** One full batch decoded and resized as the predictor would, kept in memory. */
  private static Batch firstBatch(Path dir, List<String> ids, int batchSize, ScoringModel model) {
    int n = Math.min(batchSize, ids.size());
    int bytes = PatchReader.SIZE * PatchReader.SIZE * 3;
    byte[] pixels = new byte[n * bytes];
    TiffSource source = TiffSource.ofIds(dir, ids);
    for (int i = 0; i < n; i++) {
      System.arraycopy(source.read(i), 0, pixels, i * bytes, bytes);
    }
    Batch batch = new Batch(pixels, new float[n], n, PatchReader.SIZE, PatchReader.SIZE);
    return Resize.bilinear(batch, model.inputHeight(), model.inputWidth());
  }
}
