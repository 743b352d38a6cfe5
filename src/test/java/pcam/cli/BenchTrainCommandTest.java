package pcam.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import pcam.model.Precision;

@pcam.Slow
class BenchTrainCommandTest {
  @Test
  void printsBothThroughputsAndTheirRatio() {
    CliRun run = CliRun.run("bench", "train", "--model", "cnn3", "--batch-size", "4", "--steps", "2", "--warmup", "1");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).containsPattern("graph-only: +[0-9.]+ img/s").containsPattern("end-to-end: +[0-9.]+ img/s")
        .containsPattern("ratio: +[0-9.]+");
  }

  @Test
  void anAugmentationOtherThanFlipsIsAlsoMeasuredAgainstFlipsOnly() {
    CliRun run = CliRun.run("bench", "train", "--model", "cnn3", "--batch-size", "4", "--steps", "2", "--warmup", "1",
        "--augment", "d8+stain");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("augmentation d8 + stain 0.0500 vs flips only:")
        .containsPattern("end-to-end: +[0-9.]+ vs +[0-9.]+ img/s, ratio [0-9.]+")
        .containsPattern("loader only: +[0-9.]+ vs +[0-9.]+ img/s, ratio [0-9.]+");
  }

  @Test
  void measuresBf16WhereTheCpuHasItAndRefusesItOnAGpu() {
    CliRun gpu = CliRun.run("bench", "train", "--precision", "bf16", "--device", "gpu:1");
    assertThat(gpu.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(gpu.err()).contains("--precision bf16 runs on the CPU only");
    assumeTrue(Precision.nativeBf16(), "no native bfloat16 on this CPU");
    CliRun run = CliRun.run("bench", "train", "--batch-size", "4", "--steps", "2", "--warmup", "1", "--threads", "1",
        "--device", "cpu", "--precision", "bf16");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("model cnn3, precision bf16, batch 4").containsPattern("graph-only: +[0-9.]+ img/s");
  }

  @Test
  void nonPositiveBatchSizeIsBadInput() {
    assertThat(CliRun.run("bench", "train", "--batch-size", "0").exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
  }
}
