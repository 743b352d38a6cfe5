package pcam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthCommandTest {
  @TempDir Path tmp;

  @Test
  void writesTheLayoutAndSaysWhere() throws IOException {
    Path out = tmp.resolve("demo");
    CliRun run = CliRun.run("synth", "--out", out.toString(), "--n", "25", "--test-n", "5", "--seed", "3");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("wrote " + out.toAbsolutePath().normalize()).contains("25 patches").contains("5 patches");
    try (var train = Files.list(out.resolve("train"))) {
      assertThat(train.count()).isEqualTo(25);
    }
    assertThat(Files.readAllLines(out.resolve("sample_submission.csv"))).hasSize(6).first().isEqualTo("id,label");
  }

  @Test
  void refusesANonEmptyFolder() throws IOException {
    Path out = Files.createDirectories(tmp.resolve("full"));
    Files.writeString(out.resolve("keep.txt"), "x");
    CliRun run = CliRun.run("synth", "--out", out.toString(), "--n", "5");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("pcam: " + out + ": folder is not empty; use --force");
    assertThat(run.err()).doesNotContain("Exception");
  }

  @Test
  void forceReplacesAPreviousRun() {
    Path out = tmp.resolve("again");
    assertThat(CliRun.run("synth", "--out", out.toString(), "--n", "5", "--test-n", "0").exitCode()).isZero();
    assertThat(CliRun.run("synth", "--out", out.toString(), "--n", "5", "--test-n", "0").exitCode()).isEqualTo(2);
    assertThat(CliRun.run("synth", "--out", out.toString(), "--n", "5", "--test-n", "0", "--force").exitCode()).isZero();
  }

  @Test
  void badCountsAreBadInput() {
    CliRun run = CliRun.run("synth", "--out", tmp.resolve("x").toString(), "--n", "0");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("pcam: --n must be at least 1, got 0");
  }
}
