package pcam.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import pcam.bench.BenchResults;
import pcam.bench.BenchSuite;
import pcam.bench.DjlBridge;
import pcam.util.AtomicFiles;
import pcam.util.InputException;
import pcam.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "all",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description = {
      "Every benchmark in one run (decode, matmul ceiling, graph-only cnn3/cnn9 and FLOP fractions, end-to-end"
          + " train and predict, DJL peer, load memory, 10k-step leak check). Writes bench.json and bench.md to --out"
          + " and prints the table. A FLOP fraction is the median, over steps, of a step's FLOP rate divided by the"
          + " rate of the matmul products timed right before and after it, so that a machine whose speed shifts"
          + " affects both alike. The DJL peer runs only when built with -Pdjl (scripts/bench.sh)."
    })
public final class BenchAllCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Option(names = "--data", paramLabel = "DIR", description = "Kaggle-layout folder (train_labels.csv + train/). Default: synthetic patches.")
  private Path data;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "bench-results", description = "Where bench.json and bench.md go.")
  private Path out;

  @Option(names = "--quick", description = "A short smoke run (small counts, one batch size, few leak steps); numbers are not meaningful.")
  private boolean quick;

  @Option(names = "--threads", defaultValue = "0", description = "TensorFlow intra-op threads; 0 = TensorFlow's default.")
  private int threads;

  @Option(names = "--loader-threads", defaultValue = "1", description = "Batch assembly threads for end-to-end training.")
  private int loaderThreads;

  @Option(names = "--leak-steps", description = "Training steps for the RSS leak check (default 10000, 100 with --quick).")
  private Long leakSteps;

  @Override
  public Integer call() throws IOException {
    if (threads < 0 || loaderThreads < 1 || (leakSteps != null && leakSteps < 1)) {
      throw new InputException("--threads must be >= 0, --loader-threads and --leak-steps >= 1");
    }
    if (data != null && !Files.isRegularFile(data.resolve("train_labels.csv"))) {
      throw new InputException(data + ": not a Kaggle folder (no train_labels.csv)");
    }
    PrintWriter stdout = spec.commandLine().getOut();
    if (!DjlBridge.available()) {
      stdout.println("DJL peer not on the classpath (plain build): vs_djl_* stay null. scripts/bench.sh runs it.");
    }
    long steps = leakSteps != null ? leakSteps : quick ? 100 : 10_000;
    Path work = Files.createTempDirectory("pcam-bench-all-");
    BenchResults results;
    try {
      results = BenchSuite.run(new BenchSuite.Settings(quick, data, threads, loaderThreads, steps), work);
    } finally {
      try {
        AtomicFiles.deleteRecursively(work);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot remove " + work, e);
      }
    }
    Files.createDirectories(out);
    Json.write(out.resolve("bench.json"), results.values());
    AtomicFiles.writeString(out.resolve("bench.md"), results.markdown());
    stdout.print(results.markdown());
    stdout.println("wrote " + out.resolve("bench.json") + " and " + out.resolve("bench.md"));
    stdout.flush();
    return ExitCodes.OK;
  }
}
