package pcam.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import pcam.run.RunDirectory;
import pcam.util.AtomicFiles;
import pcam.util.InputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The README's first command: the whole workflow on built-in synthetic data, through the same
 * subcommands a user would type, so the demo exercises exactly what they will run.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description = {
      "Run the whole workflow on a built-in synthetic dataset; no download needed.",
      "  1. pcam synth     writes H&E-like patches in the Kaggle layout to OUT/data",
      "  2. pcam train     trains cnn3 briefly into OUT/run (checkpoints, metrics, report, SavedModel)",
      "  3. pcam predict   scores OUT/data/test into the submission OUT/submission.csv",
      "  4. pcam evaluate  checks that submission against the synthetic test labels",
      "A previous demo in OUT is replaced."
    })
public final class DemoCommand implements Callable<Integer> {
  /** Marks a folder as a demo's own, so a rerun may replace it and nothing else. */
  static final String MARKER = ".pcam-demo";

  @Spec private CommandSpec spec;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "demo", description = "Folder for everything the demo writes.")
  private Path out;

  @Option(names = "--n", paramLabel = "N", defaultValue = "2000", description = "Synthetic training patches.")
  private int n;

  @Option(names = "--epochs", defaultValue = "3", description = "Training epochs.")
  private int epochs;

  @Option(names = "--seed", defaultValue = "42", description = "Seed for the data and the training run.")
  private long seed;

  @Override
  public Integer call() {
    prepare(out);
    Path data = out.resolve("data");
    Path run = out.resolve("run");
    Path submission = out.resolve("submission.csv");
    Path evaluation = out.resolve("test-evaluation");
    String seedText = Long.toString(seed);
    List<String[]> steps = List.of(
        new String[] {"synth", "--out", data.toString(), "--n", Integer.toString(n), "--seed", seedText},
        new String[] {"train", "--data", data.toString(), "--model", "cnn3", "--epochs", Integer.toString(epochs),
            "--seed", seedText, "--out", run.toString()},
        new String[] {"predict", "--model", run.toString(), "--images", data.resolve("test").toString(),
            "--ids", data.resolve("sample_submission.csv").toString(), "--out", submission.toString()},
        new String[] {"evaluate", "--model", run.toString(), "--labels", data.resolve("test_labels.csv").toString(),
            "--images", data.resolve("test").toString(), "--out", evaluation.toString()});
    for (String[] step : steps) {
      int code = runStep(step);
      if (code != ExitCodes.OK) {
        spec.commandLine().getErr().printf("pcam: demo stopped at 'pcam %s' (exit code %d)%n", step[0], code);
        return code;
      }
    }

    PrintWriter w = spec.commandLine().getOut();
    w.println();
    w.println("demo finished; outputs:");
    w.printf("  data         %s%n", data);
    w.printf("  run          %s  (config.json, history.csv, metrics.json, checkpoints/, model/)%n", run);
    w.printf("  report       %s%n", RunDirectory.at(run).report());
    w.printf("  submission   %s%n", submission);
    w.printf("  test metrics %s%n", RunDirectory.at(evaluation).metrics());
    w.println("next: the same commands on the real Kaggle data (README, 'Real data').");
    w.flush();
    return ExitCodes.OK;
  }

  /** Runs one subcommand exactly as typed, with the root's error handling; returns its exit code. */
  private int runStep(String... args) {
    PcamCommand root = (PcamCommand) spec.root().userObject();
    List<String> full = new ArrayList<>(List.of(args));
    if (root.verbose()) {
      full.add(0, "--verbose");
    }
    PrintWriter w = spec.commandLine().getOut();
    w.printf("%n$ pcam %s%n", String.join(" ", args));
    w.flush();
    return Commands.create(w, spec.commandLine().getErr()).execute(full.toArray(String[]::new));
  }

  private static void prepare(Path out) {
    try {
      if (Files.isDirectory(out) && Files.exists(out.resolve(MARKER))) {
        AtomicFiles.deleteRecursively(out);
      } else if (Files.exists(out) && !isEmptyDirectory(out)) {
        throw new InputException("--out " + out + " exists and is not a previous demo; choose another --out");
      }
      Files.createDirectories(out);
      Files.writeString(out.resolve(MARKER), "written by 'pcam demo'; a rerun replaces this folder\n");
    } catch (IOException e) {
      throw new InputException("cannot prepare " + out + ": " + AtomicFiles.describe(e), e);
    }
  }

  private static boolean isEmptyDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }
}
