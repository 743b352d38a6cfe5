package pcam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

@pcam.Slow
class BenchSoakCommandTest {
  @Test
  void samplesRssEveryNImagesAndReportsGrowthAfterWarmup() {
    CliRun run = CliRun.run("bench", "soak", "--patches", "200", "--distinct", "24", "--every", "64", "--warmup", "64",
        "--batch-size", "32", "--loader-threads", "1");

    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> lines = run.out().lines().toList();
    assertThat(lines.get(0)).startsWith("scored 200 patches (24 distinct files, batch 32) with a fresh cnn3");
    // Batches of 32: samples when 64, 128 and 192 are crossed, and one at the end.
    assertThat(lines.subList(2, 6)).extracting(l -> l.trim().split("\\s+")[0]).containsExactly("64", "128", "192", "200");
    assertThat(lines.get(6)).matches("RSS growth after warm-up: [+-]\\d+\\.\\d MB \\(\\d+\\.\\d MB at 64 images -> \\d+\\.\\d MB at 200; .*");
  }

  @Test
  void warmupMustLeaveSomethingToMeasure() {
    CliRun run = CliRun.run("bench", "soak", "--patches", "100", "--warmup", "100");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run.err()).contains("--warmup (100) must be below --patches (100)");
  }
}
