package pcam.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pcam.data.Batch;
import pcam.eval.Tta;
import pcam.model.Architecture;
import pcam.model.CnnModel;
import pcam.model.Device;
import pcam.model.ModelSpec;
import pcam.model.SavedModelScorer;
import pcam.slide.LevelChoice;
import pcam.slide.ModelResolution;
import pcam.slide.PyramidWriter;
import pcam.slide.Slide;
import pcam.slide.SlideScorer;
import pcam.slide.TissueMask;

/**
 * Whole-slide scoring figures (issue 15), each a ratio within one run:
 * <ul>
 *   <li>end-to-end windows/s of {@link SlideScorer} (tile reading, JPEG decoding, tissue check,
 *       batching, cnn3 inference) against graph-only inference of the same number of windows from
 *       one in-memory batch, best of alternating rounds;
 *   <li>peak anonymous RSS (RssAnon: Java heap, TensorFlow's native memory; not the mapped files)
 *       of a fresh JVM scoring a slide 16x mosaic-a's area against one scoring mosaic-a itself.
 * </ul>
 * The big slide is written by the benchmark: mosaic-a's levels tiled 4 x 4, tiled 256, JPEG Q90,
 * with the JDK's TIFF writer.
 */
public final class SlideBench {
  private static final Logger LOG = LoggerFactory.getLogger(SlideBench.class);
  private static final int BATCH = 64;

  private SlideBench() {}

  public static Map<String, Object> run(Path mosaic, Path work, boolean quick, int tfThreads) {
    Map<String, Object> r = new LinkedHashMap<>();
    Device cpu = new Device(Device.Kind.CPU, 0);
    Path model = work.resolve("slide-cnn3");
    try (CnnModel cnn3 = CnnModel.create(ModelSpec.defaults(Architecture.CNN3, 1), cpu, tfThreads)) {
      cnn3.exportSavedModel(model);
    }
    Path big = work.resolve("mosaic-16x.tif");
    LOG.info("writing a slide 16x mosaic-a's area to {} ...", big);
    long t0 = System.nanoTime();
    writeTiled(mosaic, big, 4);
    r.put("slide_big_write_s", BenchSuite.round((System.nanoTime() - t0) / 1e9, 1));
    try {
      r.put("slide_big_mb", BenchSuite.round(Files.size(big) / 1e6, 1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }

    LOG.info("slide throughput: end-to-end vs graph-only ...");
    try (Slide slide = Slide.open(big);
        SavedModelScorer scorer = SavedModelScorer.load(model, cpu.sessionConfig(tfThreads))) {
      TissueMask mask = TissueMask.of(slide, slide.mpp());
      LevelChoice choice = LevelChoice.choose(slide.levels(), slide.mpp(), ModelResolution.PCAM_MPP, 96, 96, null);
      int cores = Runtime.getRuntime().availableProcessors();
      SlideScorer.Options options = new SlideScorer.Options(BATCH, Tta.NONE, cores, 0.25);
      Batch batch = centreBatch(slide, choice.level());
      for (int i = 0; i < 3; i++) {
        scorer.predict(batch);
      }
      double graphOnly = 0;
      double endToEnd = 0;
      int windows = 0;
      for (int round = 0; round < (quick ? 1 : 3); round++) {
        SlideScorer.Result result = new SlideScorer(slide, mask, choice, scorer, options).score();
        windows = result.count();
        endToEnd = Math.max(endToEnd, result.windowsPerSecond());
        int batches = (windows + BATCH - 1) / BATCH;
        long start = System.nanoTime();
        for (int b = 0; b < batches; b++) {
          scorer.predict(batch);
        }
        graphOnly = Math.max(graphOnly, (double) batches * BATCH / ((System.nanoTime() - start) / 1e9));
      }
      r.put("slide_windows", windows);
      r.put("slide_level", choice.level());
      r.put("slide_e2e_windows_s", BenchSuite.round(endToEnd, 1));
      r.put("slide_graph_only_windows_s", BenchSuite.round(graphOnly, 1));
      r.put("slide_e2e_ratio", BenchSuite.round(endToEnd / graphOnly, 3));
    }

    LOG.info("slide memory: peak RssAnon in child JVMs, mosaic-a and 16x ...");
    double[] small = inSubprocess(mosaic, model);
    double[] large = inSubprocess(big, model);
    r.put("slide_rss_anon_peak_mb_mosaic", BenchSuite.round(small[0], 1));
    r.put("slide_rss_anon_peak_mb_16x", BenchSuite.round(large[0], 1));
    r.put("slide_windows_mosaic", (int) small[1]);
    r.put("slide_windows_16x", (int) large[1]);
    r.put("slide_rss_ratio_16x", BenchSuite.round(large[0] / small[0], 3));
    r.put("slide_child_heap", CHILD_HEAP);
    return r;
  }

  /** One full batch of windows from the middle of the level, as the scorer would feed it. */
  private static Batch centreBatch(Slide slide, int level) {
    Slide.Level l = slide.level(level);
    byte[] region = slide.readRegion(level, l.width() / 2 - 384, l.height() / 2 - 384, 768, 768);
    byte[] pixels = new byte[BATCH * 96 * 96 * 3];
    for (int i = 0; i < BATCH; i++) {
      int x = (i % 8) * 96;
      int y = (i / 8) * 96;
      for (int row = 0; row < 96; row++) {
        System.arraycopy(region, ((y + row) * 768 + x) * 3, pixels, (i * 96 * 96 + row * 96) * 3, 96 * 3);
      }
    }
    return new Batch(pixels, new float[BATCH], BATCH, 96, 96);
  }

  /** Writes {@code source}'s pyramid tiled {@code n x n} times into {@code target}, tile by tile. */
  static void writeTiled(Path source, Path target, int n) {
    try (Slide slide = Slide.open(source)) {
      List<PyramidWriter.Level> levels = new ArrayList<>();
      for (Slide.Level l : slide.levels()) {
        byte[] whole = slide.readRegion(l.index(), 0, 0, l.width(), l.height());
        int w = l.width();
        int h = l.height();
        levels.add(new PyramidWriter.Level(w * n, h * n, (x, y, rw, rh, rgb) -> {
          for (int j = 0; j < rh; j++) {
            int sy = (y + j) % h;
            for (int i = 0; i < rw; i++) {
              int s = (sy * w + (x + i) % w) * 3;
              int d = (j * rw + i) * 3;
              rgb[d] = whole[s];
              rgb[d + 1] = whole[s + 1];
              rgb[d + 2] = whole[s + 2];
            }
          }
        }));
      }
      PyramidWriter.write(target, levels, slide.level(0).tileWidth(), "JPEG", slide.mpp());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }

  /**
   * The probes' heap. The JVM lets garbage fill its heap before it collects, so a longer run's RSS
   * climbs towards the heap limit whatever the program holds (measured: default G1 with -Xmx1g, 16x
   * mosaic-a against mosaic-a: 537 vs 346 MB). A heap the pipeline fits in makes RSS show what it
   * holds: a few blocks of windows, the mask (at most 2048 x 2048) and one (x, y, p) per window.
   */
  static final String CHILD_HEAP = "-Xmx128m";

  /** {peak RssAnon MB, windows scored} of a fresh JVM scoring {@code slide}. */
  static double[] inSubprocess(Path slide, Path model) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, CHILD_HEAP, "-cp", System.getProperty("java.class.path"),
        SlideBench.class.getName(), slide.toString(), model.toString()).redirectError(ProcessBuilder.Redirect.DISCARD);
    try {
      Process process = builder.start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      int code = process.waitFor();
      if (code != 0) {
        throw new IllegalStateException("slide memory probe exited with " + code + ": " + out);
      }
      String[] lines = out.split("\n");
      String[] parts = lines[lines.length - 1].trim().split(" ");
      return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1])};
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the slide memory probe: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Scores the slide given as the first argument with the SavedModel given as the second; prints "peakRssAnonMb windows". */
  public static void main(String[] args) throws Exception {
    double[] peak = {0};
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        peak[0] = Math.max(peak[0], rssAnonMb());
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "rss-sampler");
    sampler.setDaemon(true);
    sampler.start();
    int windows;
    try (Slide slide = Slide.open(Path.of(args[0]));
        SavedModelScorer scorer = SavedModelScorer.load(Path.of(args[1]))) {
      TissueMask mask = TissueMask.of(slide, slide.mpp());
      LevelChoice choice = LevelChoice.choose(slide.levels(), slide.mpp(), ModelResolution.PCAM_MPP, 96, 96, null);
      SlideScorer.Options options = new SlideScorer.Options(BATCH, Tta.NONE, Runtime.getRuntime().availableProcessors(), 0.25);
      windows = new SlideScorer(slide, mask, choice, scorer, options).score().count();
    }
    sampler.interrupt();
    sampler.join();
    peak[0] = Math.max(peak[0], rssAnonMb());
    System.out.printf(Locale.ROOT, "%.1f %d%n", peak[0], windows);
  }

  /** RssAnon from /proc/self/status in MB (Linux), NaN elsewhere. */
  static double rssAnonMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("RssAnon:")) {
          return Long.parseLong(line.substring("RssAnon:".length()).trim().split("\\s+")[0]) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }
}
