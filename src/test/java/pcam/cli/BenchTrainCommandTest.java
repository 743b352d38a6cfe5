package pcam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

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
  void nonPositiveBatchSizeIsBadInput() {
    assertThat(CliRun.run("bench", "train", "--batch-size", "0").exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
  }
}
