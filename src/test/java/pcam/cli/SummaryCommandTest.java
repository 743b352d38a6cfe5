package pcam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SummaryCommandTest {
  @Test
  void printsTheStudysTotalsAtFullSize() {
    CliRun cnn3 = CliRun.run("summary", "--model", "cnn3");
    assertThat(cnn3.exitCode()).isZero();
    assertThat(cnn3.out().strip()).endsWith("Total params: 3,370,561");
    CliRun cnn9 = CliRun.run("summary", "--model", "cnn9", "--crop", "96");
    assertThat(cnn9.out().strip()).endsWith("Total params: 1,660,929");
  }

  @Test
  void smallerCropsShrinkTheDenseLayer() {
    CliRun run = CliRun.run("summary", "--model", "cnn3", "--crop", "32");
    assertThat(run.out()).contains("(None, 512)").contains("131,328"); // 512*256 + 256
    assertThat(run.out().strip()).endsWith("Total params: 224,833");
  }

  @Test
  void badModelOrCropIsBadInput() {
    assertThat(CliRun.run("summary", "--model", "cnn5").exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    CliRun run = CliRun.run("summary", "--model", "cnn9", "--crop", "48");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run.err()).contains("cnn9 does not fit a 48x48 crop");
  }
}
