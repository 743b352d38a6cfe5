package pcam.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.data.SyntheticPatches;
import pcam.data.Augmentation;
import pcam.model.Optimizer;
import pcam.model.Precision;
import pcam.train.HistoryCsv;
import pcam.train.LearningRateSchedule;
import pcam.train.RunConfig;

@pcam.Slow
class TrainCommandTest {
  @TempDir Path dir;

  private Path data() {
    Path data = dir.resolve("data");
    SyntheticPatches.write(data, 120, 0, 3, false);
    return data;
  }

  @Test
  void trainsWritesTheRunDirectoryAndResumesACompletedRun() throws Exception {
    Path data = data();
    Path run = dir.resolve("run");
    CliRun first =
        CliRun.run("train", "--data", data.toString(), "--out", run.toString(), "--crop", "32", "--epochs", "1",
            "--batch-size", "16", "--val-fraction", "0.25", "--threads", "2", "--tensorboard", dir.resolve("tb").toString());
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.out()).contains("best epoch 1 of 1");
    for (String f : new String[] {"config.json", "history.csv", "metrics.json", "train.log", "model/saved_model.pb",
        "checkpoints/last/state.json", "checkpoints/best/metrics.json", "predictions.csv", "report.html", "roc.png"}) {
      assertThat(run.resolve(f)).exists();
    }
    try (var events = Files.list(dir.resolve("tb"))) {
      Path eventFile = events.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).findFirst().orElseThrow();
      String raw = new String(Files.readAllBytes(eventFile), java.nio.charset.StandardCharsets.ISO_8859_1);
      assertThat(raw).contains("validation/auc").contains("train/loss").contains("learning_rate");
    }
    // The knobs left out take pcam's defaults, the ones measured to learn on the real sample.
    RunConfig config = RunConfig.load(run);
    assertThat(config.lrSchedule().kind()).isEqualTo(LearningRateSchedule.Kind.PLATEAU);
    assertThat(config.augmentation()).isEqualTo(Augmentation.DEFAULT);
    assertThat(config.ema()).isEqualTo(0.99);
    assertThat(config.lr()).isEqualTo(1e-3);
    assertThat(config.optimizer()).isEqualTo(Optimizer.ADAM);
    assertThat(config.batchSize()).isEqualTo(16);
    assertThat(config.head()).isEqualTo(pcam.model.Head.FLATTEN); // the study's network unless asked
    assertThat(config.batchNorm()).isFalse();
    CliRun again = CliRun.run("train", "--data", data.toString(), "--out", run.toString());
    assertThat(again.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(again.err()).contains("already holds a run");

    CliRun resumed = CliRun.run("train", "--resume", run.toString());
    assertThat(resumed.exitCode()).as(resumed.err()).isZero();
    assertThat(HistoryCsv.read(run.resolve("history.csv"))).hasSize(1);
  }

  @Test
  void aRunKilledBeforeItsFirstCheckpointResumesFromEpochOneWithItsSavedConfig() throws Exception {
    Path data = data();
    Path run = dir.resolve("run");
    CliRun first = CliRun.run("train", "--data", data.toString(), "--out", run.toString(), "--crop", "32", "--epochs", "2",
        "--batch-size", "16", "--val-fraction", "0.25", "--threads", "2", "--lr", "0.002");
    assertThat(first.exitCode()).as(first.err()).isZero();
    // What a kill during epoch 1 leaves: the saved config, pcam's marker, the log, a half-written history.
    CliRun.leaveAsKilled(run, "train.log");
    Files.writeString(run.resolve(".history.csv.tmp-99999"), "epoch,train_loss\n1,");
    CliRun restarted = CliRun.run("train", "--data", data.toString(), "--out", run.toString());
    assertThat(restarted.err()).contains("already holds a run; continue it with --resume");

    CliRun resumed = CliRun.run("train", "--resume", run.toString());
    assertThat(resumed.exitCode()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("of 2");
    assertThat(HistoryCsv.read(run.resolve("history.csv"))).extracting(r -> r.epoch()).containsExactly(1, 2);
    assertThat(RunConfig.load(run).lr()).isEqualTo(0.002);
    assertThat(run.resolve("model/saved_model.pb")).exists();
    assertThat(run.resolve(".history.csv.tmp-99999")).doesNotExist();
  }

  @Test
  void aFolderPcamDidNotCreateIsRefusedAndLeftAlone() throws Exception {
    Path data = data();
    Path foreign = Files.createDirectories(dir.resolve("foreign").resolve("model"));
    Files.writeString(foreign.resolve("saved_model.pb"), "not pcam's");
    CliRun run = CliRun.run("train", "--data", data.toString(), "--out", foreign.getParent().toString(), "--epochs", "1");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run.err()).contains("pcam did not create");
    assertThat(foreign.resolve("saved_model.pb")).hasContent("not pcam's");
    try (var files = Files.list(foreign.getParent())) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactly("model");
    }
  }

  /**
   * bf16 on the CPU trains, records itself in config.json and the log, and a resumed run keeps it;
   * on a GPU, or as an unknown name, it is a one-line bad-input error.
   */
  @Test
  void bf16IsRecordedAndKeptOnResumeAndRefusedOnAGpu() throws Exception {
    Path data = data();
    CliRun gpu = CliRun.run("train", "--data", data.toString(), "--out", dir.resolve("gpu").toString(), "--precision", "bf16",
        "--device", "gpu");
    assertThat(gpu.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(gpu.err()).contains("--precision bf16 runs on the CPU only").contains("--device gpu:0");
    CliRun unknown = CliRun.run("train", "--data", data.toString(), "--out", dir.resolve("fp16").toString(), "--precision", "fp16");
    assertThat(unknown.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(unknown.err()).contains("fp16");
    assumeTrue(Precision.nativeBf16(), "no native bfloat16 on this CPU");

    Path run = dir.resolve("run");
    CliRun first = CliRun.run("train", "--data", data.toString(), "--out", run.toString(), "--crop", "32", "--epochs", "1",
        "--batch-size", "16", "--val-fraction", "0.25", "--threads", "1", "--device", "cpu", "--precision", "bf16");
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(RunConfig.load(run).precision()).isEqualTo(Precision.BF16);
    // What a kill during the epoch leaves (config.json, pcam's marker, the log): --resume trains again, in bf16.
    CliRun.leaveAsKilled(run);
    List<String> logged = CliRun.logLines(() -> {
      CliRun resumed = CliRun.run("train", "--resume", run.toString());
      assertThat(resumed.exitCode()).as(resumed.err()).isZero();
    });
    assertThat(logged).contains("device: cpu", "precision: bf16 (oneDNN bfloat16 convolutions and matmuls; float32 weights and optimizer)");
    assertThat(run.resolve("model/saved_model.pb")).exists();
  }

  @Test
  void badValuesAreBadInputNamingTheValue() throws Exception {
    Path file = Files.writeString(dir.resolve("file.txt"), "x");
    String out = dir.resolve("r").toString();
    String[][] cases = {
      {"--crop", "50", "crop 50"},
      {"--batch-size", "0", "--batch-size"},
      {"--lr", "-0.1", "--lr"},
      {"--epochs", "0", "--epochs"},
      {"--optimizer", "adagrad", "adagrad"},
      {"--init", "zeros", "zeros"},
      {"--lr-schedule", "linear", "linear"},
      {"--l1", "-1", "l1"},
      {"--conv-dropout", "1.0", "dropout"},
      {"--threads", "-2", "--threads"},
      {"--device", "tpu", "tpu"},
      {"--val-fraction", "0", "--val-fraction"},
    };
    for (String[] c : cases) {
      CliRun run = CliRun.run("train", "--data", dir.toString(), "--out", out, c[0], c[1]);
      assertThat(run.exitCode()).as(String.join(" ", c)).isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(run.err()).as(String.join(" ", c)).contains(c[2]);
    }
    CliRun existingFile = CliRun.run("train", "--data", dir.toString(), "--out", file.toString());
    assertThat(existingFile.err()).contains("is an existing file");
    CliRun missing = CliRun.run("train", "--out", out);
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    CliRun resumeWithOptions = CliRun.run("train", "--resume", out, "--epochs", "3");
    assertThat(resumeWithOptions.err()).contains("give no other options");
    CliRun notARun = CliRun.run("train", "--resume", dir.toString());
    assertThat(notARun.err()).contains("not a resumable run");
  }

  /** The new knobs land in config.json, and bad values are one-line errors naming the flag. */
  @Test
  void augmentEmaAndWarmupAreRecordedAndBadValuesNamed() {
    Path data = data();
    Path run = dir.resolve("ema");
    CliRun r = CliRun.run("train", "--data", data.toString(), "--out", run.toString(), "--crop", "32", "--epochs", "2",
        "--batch-size", "16", "--val-fraction", "0.25", "--augment", "d8+stain", "--color-jitter", "0.1,0.1,0.1,0.02",
        "--ema", "0.9", "--lr-schedule", "cosine", "--lr-warmup", "0.5", "--head", "gap", "--batch-norm");
    assertThat(r.exitCode()).as(r.err()).isZero();
    RunConfig config = RunConfig.load(run);
    assertThat(config.augmentation()).isEqualTo(Augmentation.preset("d8+stain").withColorJitter(0.1, 0.1, 0.1, 0.02));
    assertThat(config.ema()).isEqualTo(0.9);
    assertThat(config.lrSchedule().warmupEpochs()).isEqualTo(0.5);
    assertThat(config.head()).isEqualTo(pcam.model.Head.GAP);
    assertThat(config.batchNorm()).isTrue();
    assertThat(run.resolve("model/saved_model.pb")).exists();

    CliRun badEma = CliRun.run("train", "--data", data.toString(), "--out", dir.resolve("x").toString(), "--ema", "1.5");
    assertThat(badEma.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(badEma.err()).startsWith("pcam: --ema decay must be in (0, 1), or 0 for none, got 1.5");
    CliRun badWarmup = CliRun.run("train", "--data", data.toString(), "--out", dir.resolve("y").toString(), "--epochs", "2",
        "--lr-warmup", "3");
    assertThat(badWarmup.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(badWarmup.err()).contains("--lr-warmup (3.0 epochs) must be shorter than the run (2 epochs)");
    assertThat(dir.resolve("x")).doesNotExist();
    assertThat(dir.resolve("y")).doesNotExist();
  }
}
