package pcam.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pcam.data.SyntheticPatches;
import pcam.util.InputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "synth",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description =
        "Write a synthetic dataset in the Kaggle layout (train/, train_labels.csv, test/, sample_submission.csv,"
            + " plus test_labels.csv with the true test labels). H&E-like patches: pink stroma, purple nuclei;"
            + " label 1 (about 40%%) has tumour-like nuclei (larger, darker, crowded) only in the centre 32x32."
            + " Deterministic for a seed. The demo's data.")
public final class SynthCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(SynthCommand.class);

  @Spec private CommandSpec spec;

  @Option(names = "--out", paramLabel = "DIR", required = true, description = "Folder to create (must be empty or absent).")
  private Path out;

  @Option(names = "--n", paramLabel = "N", defaultValue = "2000", description = "Training patches.")
  private int n;

  @Option(names = "--test-n", paramLabel = "N", defaultValue = "200", description = "Unlabelled test patches.")
  private int testN;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Seed: same seed, same files.")
  private long seed;

  @Option(names = "--force", description = "Replace --out if it holds a previous synth output (and nothing else).")
  private boolean force;

  @Override
  public Integer call() {
    if (n < 1) {
      throw new InputException("--n must be at least 1, got " + n);
    }
    if (testN < 0) {
      throw new InputException("--test-n must not be negative, got " + testN);
    }
    long start = System.nanoTime();
    SyntheticPatches.Summary summary = SyntheticPatches.write(out, n, testN, seed, force);
    double seconds = (System.nanoTime() - start) / 1e9;
    LOG.info(String.format("wrote %d patches in %.1f s (%.0f img/s)", n + testN, seconds, (n + testN) / seconds));
    PrintWriter w = spec.commandLine().getOut();
    w.printf("wrote %s%n", out.toAbsolutePath().normalize());
    w.printf("  train/ + train_labels.csv   %d patches (0: %d, 1: %d)%n",
        summary.train(), summary.train() - summary.trainPositives(), summary.trainPositives());
    w.printf("  test/ + sample_submission.csv   %d patches (true labels in test_labels.csv)%n", summary.test());
    w.flush();
    return ExitCodes.OK;
  }
}
