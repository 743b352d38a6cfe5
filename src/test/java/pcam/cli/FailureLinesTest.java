package pcam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.SharedData;
import pcam.TinySavedModels;
import pcam.data.SyntheticPatches;
import pcam.run.RunDirectory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Issue 16's one-line failures, non-finite models, run ownership at the command line and the
 * small rows (ids, thresholds), each run through the real CLI.
 */
class FailureLinesTest {
  @TempDir static Path shared;
  private static Path data;
  private static Path diverged;
  private static Path scorable;

  @TempDir Path tmp;

  @BeforeAll
  static void inputs() {
    data = shared.resolve("data");
    SyntheticPatches.write(data, 40, 6, 7, false);
    diverged = TinySavedModels.diverged(shared.resolve("diverged"), 96);
    scorable = TinySavedModels.meanIntensity(shared.resolve("scorable"), 96);
  }

  private static void assertOneLine(CliRun run, int code, String... fragments) {
    assertThat(run.exitCode()).as(run.err()).isEqualTo(code);
    assertThat(run.err().lines().toList()).as(run.err()).hasSize(1);
    assertThat(run.err()).startsWith("pcam: ").contains(fragments).doesNotContain("\tat ");
  }

  // ---- usage errors: the error and where to look, not the usage text ----

  @Test
  void usageErrorsAreTheErrorPlusWhereToReadMore() {
    for (String[] args : List.of(
        new String[] {"train", "--bogus"},
        new String[] {"train", "--epochs", "many"},
        new String[] {"evaluate", "--model"},
        new String[] {"data", "stats", "--per-class"})) {
      CliRun run = CliRun.run(args);
      assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(ExitCodes.BAD_INPUT);
      List<String> lines = run.err().lines().toList();
      String command = args[0].equals("data") ? "pcam data stats" : "pcam " + args[0];
      assertThat(lines).as(run.err()).hasSize(2);
      assertThat(lines.get(0)).startsWith("pcam: ");
      assertThat(lines.get(1)).isEqualTo("see `" + command + " --help`");
    }
    assertThat(CliRun.run("train", "--bogus").err()).startsWith("pcam: Unknown option: '--bogus'");
  }

  // ---- out of memory, permission denied: one line, through any thread ----

  @Command(name = "fails")
  static final class Fails implements Runnable {
    @CommandLine.Parameters String kind;

    @Override
    public void run() {
      switch (kind) {
        case "oom-in-a-worker" -> throw new IllegalStateException(new java.util.concurrent.ExecutionException(new OutOfMemoryError("Java heap space")));
        case "denied" -> throw new UncheckedIOException("cannot write x", new AccessDeniedException("/data/out/x"));
        default -> throw new IllegalArgumentException(kind);
      }
    }
  }

  private static CliRun runFails(String kind) {
    CommandLine cmd = Commands.create(new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(new java.io.StringWriter()));
    cmd.addSubcommand(new Fails());
    return CliRun.run(cmd, "fails", kind);
  }

  @Test
  void anOutOfMemoryErrorFromAWorkerIsOneLineWithBothFixes() {
    CliRun run = runFails("oom-in-a-worker");
    assertOneLine(run, ExitCodes.FAILURE, "out of memory (Java heap space", "PCAM_JAVA_OPTS=-Xmx", "or lower --batch-size");
  }

  @Test
  void aRefusedAccessIsNamedPermissionDeniedAndIsBadInput() {
    CliRun run = runFails("denied");
    assertOneLine(run, ExitCodes.BAD_INPUT, "cannot write x (permission denied: /data/out/x)");
  }

  /** For real: a JVM with a 48 MB heap asked for 4,000-patch training batches, assembled on loader threads (the pixels themselves are memory-mapped, off the heap). */
  @Test
  void runningOutOfHeapWhileAssemblingBatchesIsOneLineAndNoHang() throws Exception {
    Path sample = SharedData.pcamSample();
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx48m",
            "-cp", System.getProperty("java.class.path"), Main.class.getName(),
            "train", "--data", sample.toString(), "--no-cache", "--batch-size", "4000", "--epochs", "1",
            "--out", tmp.resolve("run").toString())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    String err;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
      assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("finished instead of hanging").isTrue();
      err = in.lines().filter(l -> l.startsWith("pcam:") || l.contains("Exception")).reduce("", (a, b) -> a + b + "\n");
    } finally {
      p.destroyForcibly();
    }
    assertThat(p.exitValue()).isEqualTo(ExitCodes.FAILURE);
    assertThat(err.lines().toList()).as(err).hasSize(1);
    assertThat(err).startsWith("pcam: out of memory (Java heap space; Java heap limit").contains("PCAM_JAVA_OPTS");
  }

  @Test
  void anUnreadableCsvSaysPermissionDenied() throws IOException {
    Path csv = Files.copy(data.resolve("train_labels.csv"), tmp.resolve("labels.csv"));
    Files.setPosixFilePermissions(csv, java.nio.file.attribute.PosixFilePermissions.fromString("---------"));
    org.junit.jupiter.api.Assumptions.assumeFalse(Files.isReadable(csv), "running as root: chmod 000 does not stop reads");
    CliRun run = CliRun.run("data", "stats", "--labels", csv.toString(), "--images", data.resolve("train").toString(),
        "--out", tmp.resolve("s").toString());
    assertOneLine(run, ExitCodes.BAD_INPUT, csv + ": permission denied");
  }

  // ---- bad output locations are bad input ----

  @Test
  void anUnwritableTensorboardOrSynthDestinationIsBadInput() throws IOException {
    Path file = Files.writeString(tmp.resolve("a-file"), "precious");
    CliRun tb = CliRun.run("train", "--data", data.toString(), "--out", tmp.resolve("run").toString(), "--epochs", "1",
        "--crop", "32", "--tensorboard", file.resolve("tb").toString());
    assertOneLine(tb, ExitCodes.BAD_INPUT, "--tensorboard " + file.resolve("tb") + ": " + file + " is a file, not a folder");
    assertThat(tmp.resolve("run")).doesNotExist();

    CliRun synth = CliRun.run("synth", "--out", file.resolve("data").toString(), "--n", "5");
    assertOneLine(synth, ExitCodes.BAD_INPUT, file + " is a file, not a folder");
    assertThat(file).hasContent("precious");
  }

  // ---- non-finite values ----

  @Test
  void trainingThatDivergesStopsWithOneLineExitOneAndExportsNothing() {
    Path run = tmp.resolve("run");
    CliRun r = CliRun.run("train", "--data", data.toString(), "--out", run.toString(), "--optimizer", "sgd", "--lr", "1e6",
        "--epochs", "2", "--crop", "32", "--batch-size", "8", "--val-fraction", "0.25", "--threads", "1", "--no-cache");
    assertOneLine(r, ExitCodes.FAILURE, "training diverged: the loss is", "at epoch 1, step", "lower --lr");
    assertThat(RunDirectory.at(run).model()).doesNotExist();
    assertThat(RunDirectory.at(run).metrics()).doesNotExist();
    assertThat(RunDirectory.at(run).config()).exists(); // the run stays resumable (with its config), never exported
  }

  @Test
  void aModelWithNonFiniteScoresIsRefusedBeforeAnythingIsWritten() throws IOException {
    Path evaluation = tmp.resolve("evaluation");
    CliRun eval = CliRun.run("evaluate", "--model", diverged.toString(), "--data", data.toString(), "--out", evaluation.toString());
    assertOneLine(eval, ExitCodes.BAD_INPUT, diverged + ": 40 of 40 scores are not finite", "diverged or is broken");
    assertThat(evaluation).doesNotExist();

    Path submission = tmp.resolve("submission.csv");
    CliRun predict = CliRun.run("predict", "--model", diverged.toString(), "--images", data.resolve("test").toString(),
        "--out", submission.toString());
    assertOneLine(predict, ExitCodes.BAD_INPUT, diverged + ": 6 of 6 scores are not finite (first: id ");
    assertThat(submission).doesNotExist();

    // A predictions.csv holding a NaN (written by hand, or by an old build): the report refuses it by line.
    Path folder = Files.createDirectories(tmp.resolve("old-eval"));
    Files.writeString(folder.resolve("predictions.csv"), "id,label,probability\na,0,0.2\nb,1,NaN\n");
    CliRun report = CliRun.run("report", folder.toString());
    assertOneLine(report, ExitCodes.BAD_INPUT, folder.resolve("predictions.csv") + ": line 3: probability is NaN, not a finite number");
    assertThat(folder.resolve("report.html")).doesNotExist();
  }

  @Test
  void aNaNThresholdIsRefused() {
    CliRun r = CliRun.run("evaluate", "--model", scorable.toString(), "--data", data.toString(), "--threshold", "NaN",
        "--out", tmp.resolve("e").toString());
    assertOneLine(r, ExitCodes.BAD_INPUT, "--threshold must be within [0,1], got NaN");
  }

  // ---- ids ----

  @Test
  void aFileNamedJustDotTifIsIgnoredSoNoSubmissionHasAnEmptyId() throws IOException {
    Path images = Files.createDirectories(tmp.resolve("images"));
    try (Stream<Path> files = Files.list(data.resolve("test"))) {
      for (Path f : files.toList()) {
        Files.copy(f, images.resolve(f.getFileName()));
      }
    }
    Files.copy(images.resolve(Files.list(images).findFirst().orElseThrow().getFileName()), images.resolve(".tif"));
    Path submission = tmp.resolve("s.csv");
    CliRun r = CliRun.run("predict", "--model", scorable.toString(), "--images", images.toString(), "--out", submission.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<String> lines = Files.readAllLines(submission);
    assertThat(lines).hasSize(1 + 6).noneMatch(l -> l.startsWith(","));
    // and the submission is accepted back as --ids
    CliRun again = CliRun.run("predict", "--model", scorable.toString(), "--images", images.toString(), "--ids", submission.toString(),
        "--out", tmp.resolve("s2.csv").toString());
    assertThat(again.exitCode()).as(again.err()).isZero();
  }

  // ---- a run owns its folder, at the command line ----

  @Test
  void aSecondTrainingIntoAFolderAnotherProcessHoldsExitsTwoNamingThePid() throws Exception {
    Path run = tmp.resolve("run");
    Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), pcam.run.RunDirectoryTest.Holder.class.getName(), run.toString())
        .start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).isEqualTo("locked");
      Files.writeString(run.resolve(RunDirectory.CONFIG), "{}"); // as the first run would have by now
      CliRun second = CliRun.run("train", "--resume", run.toString());
      assertOneLine(second, ExitCodes.BAD_INPUT, run + " is in use by another pcam process (pid " + holder.pid() + ")");
    } finally {
      holder.getOutputStream().close();
      holder.waitFor(30, TimeUnit.SECONDS);
      holder.destroyForcibly();
    }
  }

  // ---- inspect loads the variables before it says scorable (SavedModelInspector.verifyLoads, issue 13a) ----

  @Test
  void inspectDoesNotCallAModelWithTruncatedVariablesScorable() throws IOException {
    Path model = tmp.resolve("model");
    TinySavedModels.meanIntensity(model, 96);
    try (Stream<Path> files = Files.list(model.resolve("variables"))) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith("variables.data")).toList()) {
        Files.write(f, new byte[] {1, 2}); // truncated
      }
    }
    CliRun r = CliRun.run("inspect", model.toString(), "--require", "scorable");
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.out() + r.err()).contains("does not load and run");
  }
}
