package pcam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.data.SyntheticPatches;
import pcam.train.EpochRecord;
import pcam.train.HistoryCsv;
import pcam.util.AtomicFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * A training killed with SIGKILL (no shutdown hook, no Ctrl-C checkpoint) loses at most the
 * epoch in progress: {@code --resume} continues from the last checkpoint and the run completes
 * with every epoch in history.csv exactly once. And a write that fails half-way (disk full) is a
 * clean one-line failure.
 */
@pcam.Slow
class CrashSafetyTest {
  private static final int EPOCHS = 4;

  @TempDir Path tmp;

  @Test
  void trainingKilledMidEpochResumesFromItsLastCheckpoint() throws Exception {
    Path data = tmp.resolve("data");
    SyntheticPatches.write(data, 1000, 0, 11, false);
    Path run = tmp.resolve("run");
    Path state = run.resolve("checkpoints").resolve("last").resolve("state.json");

    Process training = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
            "-cp", System.getProperty("java.class.path"), Main.class.getName(),
            "-v", "train", "--data", data.toString(), "--out", run.toString(), "--crop", "32", "--epochs", "" + EPOCHS,
            "--batch-size", "32", "--val-fraction", "0.2", "--threads", "1", "--no-cache")
        .redirectErrorStream(true)
        .redirectOutput(tmp.resolve("killed.log").toFile())
        .start();
    try {
      // The event: -v logs every batch; kill once the second epoch has trained a few batches (its
      // last checkpoint then is the end of epoch 1), not after a guessed sleep.
      Path log = tmp.resolve("killed.log");
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (!logHas(log, "epoch 2 batch 3/") && training.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(logHas(log, "epoch 2 batch 3/")).as(Files.readString(log)).isTrue();
      assertThat(state).exists();
      assertThat(training.isAlive()).as("still training when killed").isTrue();
      assertThat(run.resolve("metrics.json")).as("not finished when killed").doesNotExist();
    } finally {
      training.destroyForcibly(); // SIGKILL
      training.waitFor(1, TimeUnit.MINUTES);
    }
    int epochsBeforeKill = HistoryCsv.read(run.resolve("history.csv")).size();
    assertThat(epochsBeforeKill).isBetween(1, EPOCHS - 1);

    CliRun resumed = CliRun.run("train", "--resume", run.toString());

    assertThat(resumed.exitCode()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("of " + EPOCHS);
    List<EpochRecord> history = HistoryCsv.read(run.resolve("history.csv"));
    assertThat(history).extracting(EpochRecord::epoch).containsExactlyElementsOf(IntStream.rangeClosed(1, EPOCHS).boxed().toList());
    assertThat(run.resolve("metrics.json")).isRegularFile();
    assertThat(run.resolve("model").resolve("saved_model.pb")).isRegularFile();
    try (Stream<Path> checkpoints = Files.list(run.resolve("checkpoints"))) {
      // A temp copy the killed process was writing is cleaned up on resume.
      assertThat(checkpoints.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("best", "last");
    }
  }

  private static boolean logHas(Path log, String text) throws IOException {
    return Files.exists(log) && Files.readString(log).contains(text);
  }

  @Command(name = "fill-disk")
  static final class FullDiskCommand implements Runnable {
    static Path target;

    @Override
    public void run() {
      AtomicFiles.write(target, tmp -> {
        Files.writeString(tmp, "half of it");
        throw new IOException("No space left on device");
      });
    }
  }

  /** Exit 1 (a machine failure, not bad input: see PcamCommand's exit codes) with a readable cause. */
  @Test
  void diskFullWhileWritingIsAOneLineFailureAndKeepsThePreviousFile() throws IOException {
    Path metrics = Files.writeString(tmp.resolve("metrics.json"), "previous");
    FullDiskCommand.target = metrics;
    CommandLine cmd = Commands.create();
    cmd.addSubcommand(new FullDiskCommand());

    CliRun run = CliRun.run(cmd, "fill-disk");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(run.err().lines().toList())
        .containsExactly("pcam: failed: cannot write " + metrics + ": disk full", "(run with -v for the stack trace)");
    assertThat(metrics).hasContent("previous");
    try (Stream<Path> files = Files.list(tmp)) {
      assertThat(files).containsExactly(metrics);
    }
  }
}
