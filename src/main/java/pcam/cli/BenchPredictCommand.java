package pcam.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import pcam.data.SyntheticPatches;
import pcam.data.TiffSource;
import pcam.eval.ScoringBenchmark;
import pcam.model.SavedModelScorer;
import pcam.util.AtomicFiles;
import pcam.util.InputException;

@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description = {
      "End-to-end scoring throughput (stream decode + batch + predict, as 'pcam predict' does) against "
          + "graph-only inference on one in-memory batch, in one run; prints both and their ratio."
    })
public final class BenchPredictCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Mixin private ScoringOptions scoring;

  @Option(names = "--model", required = true, paramLabel = "M", description = "Run directory (its model/ is used) or SavedModel folder.")
  private Path model;

  @Option(names = "--images", paramLabel = "DIR", description = "Folder of <id>.tif to score. Default: synthetic patches in a temp folder.")
  private Path images;

  @Option(names = "--count", defaultValue = "2048", description = "Images to score per round.")
  private int count;

  @Option(names = "--rounds", defaultValue = "2", description = "Measurements of each kind, alternating; the best of each is reported, and the ratio is the median over rounds of each end-to-end round against the graph-only round before it.")
  private int rounds;

  @Override
  public Integer call() throws IOException {
    if (count <= 0 || rounds <= 0) {
      throw new InputException("--count and --rounds must be positive");
    }
    Path synthetic = images == null ? Files.createTempDirectory("pcam-bench-") : null;
    try {
      Path dir = images;
      if (synthetic != null) {
        SyntheticPatches.write(synthetic.resolve("data"), 1, count, 42, false);
        dir = synthetic.resolve("data").resolve("test");
      }
      List<String> ids = TiffSource.unlabelled(dir, null).ids();
      ids = ids.subList(0, Math.min(count, ids.size()));
      ScoringBenchmark.Result result;
      try (SavedModelScorer scorer = ModelArgument.open(model)) {
        result = ScoringBenchmark.run(scorer, dir, ids, scoring.toOptions(), rounds);
      }
      var out = spec.commandLine().getOut();
      out.printf(Locale.ROOT, "images %d from %s, batch %d, tta %s, best of %d%n",
          result.images(), synthetic != null ? "synthetic patches" : dir, result.batchSize(), scoring.tta.label(), rounds);
      out.printf(Locale.ROOT, "graph-only inference  %8.0f img/s%n", result.graphOnlyImagesPerSecond());
      out.printf(Locale.ROOT, "end-to-end scoring    %8.0f img/s%n", result.endToEndImagesPerSecond());
      out.printf(Locale.ROOT, "ratio                 %8.2f (median of %d paired rounds; best ÷ best %.2f)%n",
          result.ratio(), rounds, result.bestRatio());
      out.printf(Locale.ROOT, "model waiting for decoded batches: %.1f%% of end-to-end time%n", 100 * result.starvedFraction());
      return ExitCodes.OK;
    } finally {
      if (synthetic != null) {
        try {
          AtomicFiles.deleteRecursively(synthetic);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot remove " + synthetic, e);
        }
      }
    }
  }
}
