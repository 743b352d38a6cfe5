package pcam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.TinySavedModels;

@pcam.Slow
class BenchPredictCommandTest {
  @Test
  void measuresBothThroughputsOnSyntheticPatchesAndCleansUp(@TempDir Path tmp) throws Exception {
    Path model = TinySavedModels.meanIntensity(tmp.resolve("m"), 96);
    long tempsBefore = countBenchTemps();
    CliRun r = CliRun.run("bench", "predict", "--model", model.toString(), "--count", "40", "--batch-size", "16", "--rounds", "1");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("images 40 from synthetic patches, batch 16, tta none, best of 1");
    double graph = number(r.out(), "graph-only inference\\s+(\\d+) img/s");
    double endToEnd = number(r.out(), "end-to-end scoring\\s+(\\d+) img/s");
    double ratio = number(r.out(), "ratio\\s+([\\d.]+)");
    assertThat(number(r.out(), "model waiting for decoded batches: ([\\d.]+)%")).isBetween(0.0, 100.0);
    assertThat(graph).isPositive();
    assertThat(endToEnd).isPositive();
    assertThat(ratio).isCloseTo(endToEnd / graph, org.assertj.core.api.Assertions.within(0.02 + 1.0 / graph));
    assertThat(countBenchTemps()).isEqualTo(tempsBefore);
  }

  private static double number(String out, String regex) {
    Matcher m = Pattern.compile(regex).matcher(out);
    assertThat(m.find()).as(regex + " in\n" + out).isTrue();
    return Double.parseDouble(m.group(1));
  }

  private static long countBenchTemps() throws Exception {
    try (var files = java.nio.file.Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return files.filter(p -> p.getFileName().toString().startsWith("pcam-bench-")).count();
    }
  }
}
