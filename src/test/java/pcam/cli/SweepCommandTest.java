package pcam.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.data.SyntheticPatches;
import pcam.model.Precision;
import pcam.train.RunConfig;

@pcam.Slow
class SweepCommandTest {
  @Test
  void trainsEachCellAsARunAndSkipsThemWhenRunAgain(@TempDir Path tmp) throws Exception {
    Path data = tmp.resolve("data");
    SyntheticPatches.write(data, 80, 0, 3, false);
    Path sweep = tmp.resolve("sweep");
    String[] args = {"sweep", "--data", data.toString(), "--out", sweep.toString(), "--set", "lr=0.001,0.0005",
        "--epochs", "1", "--val-fraction", "0.25", "--batch-size", "32"};
    CliRun first = CliRun.run(args);
    assertThat(first.exitCode()).as(first.err()).isZero();
    for (String cell : List.of("lr=0.001", "lr=0.0005")) {
      assertThat(sweep.resolve(cell).resolve("model/saved_model.pb")).exists();
      double lr = pcam.util.Json.MAPPER.readTree(sweep.resolve(cell).resolve("config.json").toFile()).get("lr").asDouble();
      assertThat(lr).isEqualTo(Double.parseDouble(cell.substring(3)));
    }
    List<String> csv = Files.readAllLines(sweep.resolve("sweep.csv"));
    assertThat(csv).hasSize(3);
    assertThat(csv.get(1)).startsWith("lr=0.001,0.001,");
    assertThat(sweep.resolve("auc-vs-lr.png")).isNotEmptyFile();

    CliRun second = CliRun.run(args);
    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(second.out()).contains("lr=0.001", "(done before)").doesNotContain("best epoch");
    assertThat(Files.readAllLines(sweep.resolve("sweep.csv"))).hasSize(3);
  }

  /** --precision reaches each cell's train, swept or fixed, and each cell's config.json records it. */
  @Test
  void precisionPassesThroughToEachCell(@TempDir Path tmp) throws Exception {
    assumeTrue(Precision.nativeBf16(), "no native bfloat16 on this CPU");
    Path data = tmp.resolve("data");
    SyntheticPatches.write(data, 64, 0, 3, false);
    Path sweep = tmp.resolve("sweep");
    CliRun run = CliRun.run("sweep", "--data", data.toString(), "--out", sweep.toString(), "--set", "precision=float32,bf16",
        "--epochs", "1", "--val-fraction", "0.25", "--batch-size", "16", "--crop", "32", "--threads", "1", "--device", "cpu");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(RunConfig.load(sweep.resolve("precision=float32")).precisionOrDefault()).isEqualTo(Precision.FLOAT32);
    assertThat(RunConfig.load(sweep.resolve("precision=bf16")).precisionOrDefault()).isEqualTo(Precision.BF16);
  }

  @Test
  void aKnobBothSweptAndFixedIsBadInput(@TempDir Path tmp) {
    CliRun r = CliRun.run("sweep", "--data", tmp.toString(), "--out", tmp.resolve("s").toString(), "--set", "lr=0.1,0.01", "--lr", "0.5");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--lr is both swept (--set) and fixed");
  }
}
