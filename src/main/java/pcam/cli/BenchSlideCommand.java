package pcam.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import pcam.bench.SlideBench;
import pcam.util.AtomicFiles;
import pcam.util.InputException;
import pcam.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "slide",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description = {
      "Whole-slide scoring, two ratios in one run: end-to-end windows/s (tile reading, JPEG decoding, tissue check,"
          + " cnn3 inference) against graph-only inference (goal >= 0.8); and peak anonymous RSS of a fresh JVM"
          + " scoring a slide of 16x the area of --slide against one scoring --slide itself (goal <= 1.2). The big"
          + " slide is --slide's pyramid tiled 4 x 4, written with the JDK's TIFF writer (tiles 256, JPEG)."
    })
public final class BenchSlideCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Option(names = "--slide", paramLabel = "TIF", defaultValue = "../shared/data/slides/mosaic-a.tif",
      description = "The small pyramidal TIFF (mosaic-a).")
  private Path slide;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "bench-results", description = "Where bench-slide.json goes.")
  private Path out;

  @Option(names = "--quick", description = "One round instead of three.")
  private boolean quick;

  @Option(names = "--threads", defaultValue = "0", description = "TensorFlow intra-op threads; 0 = TensorFlow's default.")
  private int threads;

  @Override
  public Integer call() throws IOException {
    if (!Files.isRegularFile(slide)) {
      throw new InputException("--slide " + slide + ": no such file");
    }
    if (threads < 0) {
      throw new InputException("--threads must be >= 0");
    }
    Path work = Files.createTempDirectory("pcam-bench-slide-");
    Map<String, Object> results;
    try {
      results = SlideBench.run(slide, work, quick, threads);
    } finally {
      try {
        AtomicFiles.deleteRecursively(work);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot remove " + work, e);
      }
    }
    Files.createDirectories(out);
    Json.write(out.resolve("bench-slide.json"), results);
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.printf("end-to-end %s windows/s, graph-only %s windows/s: ratio %s (goal >= 0.8)%n",
        results.get("slide_e2e_windows_s"), results.get("slide_graph_only_windows_s"), results.get("slide_e2e_ratio"));
    stdout.printf("peak RssAnon: mosaic %s MB (%s windows), 16x %s MB (%s windows): ratio %s (goal <= 1.2)%n",
        results.get("slide_rss_anon_peak_mb_mosaic"), results.get("slide_windows_mosaic"),
        results.get("slide_rss_anon_peak_mb_16x"), results.get("slide_windows_16x"), results.get("slide_rss_ratio_16x"));
    stdout.println("wrote " + out.resolve("bench-slide.json"));
    stdout.flush();
    return ExitCodes.OK;
  }
}
