package pcam.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.SharedData;
import pcam.TestPatches;
import pcam.TinySavedModels;
import pcam.eval.BinaryMetrics;
import pcam.eval.EvaluationMetrics;
import pcam.eval.LabelledPredictions;

class EvaluateCommandTest {
  private static final float[] LABELS = {1, 0, 0, 1, 1, 0};
  @TempDir static Path shared;
  static Path data;
  static Path run;

  /** A Kaggle-layout folder of 6 random patches and a run directory holding the mean-intensity model. */
  @BeforeAll
  static void setUp() throws Exception {
    data = shared.resolve("data");
    List<String> ids = TestPatches.writeFolder(data.resolve("train"), LABELS.length);
    StringBuilder csv = new StringBuilder("id,label\n");
    for (int i = 0; i < ids.size(); i++) {
      csv.append(ids.get(i)).append(',').append((int) LABELS[i]).append('\n');
    }
    Files.writeString(data.resolve("train_labels.csv"), csv);
    run = shared.resolve("run");
    TinySavedModels.meanIntensity(run.resolve("model"), 96);
  }

  @Test
  void writesMetricsPredictionsChartsAndReportIntoTheRunsEvaluationFolder() {
    CliRun r = CliRun.run("evaluate", "--model", run.toString(), "--data", data.toString(), "--batch-size", "4");
    assertThat(r.exitCode()).as(r.err()).isZero();
    Path out = run.resolve("evaluation");
    float[] expected = new float[LABELS.length];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = TinySavedModels.expectedMeanIntensity(TestPatches.random(i));
    }
    EvaluationMetrics metrics = EvaluationMetrics.read(out.resolve("metrics.json"));
    assertThat(metrics.n()).isEqualTo(6);
    assertThat(metrics.auc()).isEqualTo(BinaryMetrics.auc(expected, LABELS));
    assertThat(metrics.loss()).isCloseTo(BinaryMetrics.logLoss(expected, LABELS), within(1e-6));
    assertThat(metrics.confusion()).isEqualTo(BinaryMetrics.confusion(expected, LABELS, 0.5));
    LabelledPredictions p = LabelledPredictions.read(out.resolve("predictions.csv"));
    assertThat(p.ids()).containsExactly("id000", "id001", "id002", "id003", "id004", "id005");
    assertThat(p.labels()).containsExactly(LABELS);
    assertThat(p.probabilities()).containsExactly(expected, within(1e-5f));
    assertThat(out.resolve("roc.png")).isNotEmptyFile();
    assertThat(out.resolve("confusion.png")).isNotEmptyFile();
    assertThat(out.resolve("report.html")).content().contains("roc.png", "confusion.png");
    assertThat(r.out()).startsWith("n=6  auc=");
  }

  @Test
  void skipBadLeavesOutUnreadableImagesAndSaysSo(@TempDir Path tmp) throws Exception {
    Path copy = tmp.resolve("data");
    Files.createDirectories(copy.resolve("train"));
    Files.copy(data.resolve("train_labels.csv"), copy.resolve("train_labels.csv"));
    for (int i = 0; i < LABELS.length; i++) {
      String name = String.format("id%03d.tif", i);
      Files.copy(data.resolve("train").resolve(name), copy.resolve("train").resolve(name));
    }
    Files.writeString(copy.resolve("train/id003.tif"), "broken");
    Path out = tmp.resolve("out");
    CliRun failing = CliRun.run("evaluate", "--model", run.toString(), "--data", copy.toString(), "--out", out.toString());
    assertThat(failing.exitCode()).isEqualTo(2);
    assertThat(failing.err()).contains("id003.tif");

    CliRun r = CliRun.run("evaluate", "--model", run.toString(), "--data", copy.toString(), "--out", out.toString(), "--skip-bad");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(EvaluationMetrics.read(out.resolve("metrics.json")).n()).isEqualTo(5);
    assertThat(r.out()).contains("skipped 1 unreadable image(s), first: id003: ");
  }

  @Test
  void validationSplitIsTheSplitTrainingUses(@TempDir Path tmp) {
    CliRun r = CliRun.run("evaluate", "--model", run.toString(), "--data", data.toString(), "--split", "validation",
        "--val-fraction", "0.5", "--seed", "7", "--no-cache", "--out", tmp.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    pcam.data.PatchSet validation = pcam.data.Datasets.loadSplit(
        new pcam.data.DataSpec(data.resolve("train_labels.csv"), data.resolve("train"), null, null, 0.5, 7,
            pcam.data.DataSpec.DEFAULT_DARK_THRESHOLD, pcam.data.DataSpec.DEFAULT_BRIGHT_THRESHOLD, false, false, false)).validation();
    LabelledPredictions p = LabelledPredictions.read(tmp.resolve("predictions.csv"));
    assertThat(p.ids()).isEqualTo(validation.ids()).isNotEmpty().hasSizeLessThan(LABELS.length);
    for (int i = 0; i < p.ids().size(); i++) {
      int seed = Integer.parseInt(p.ids().get(i).substring(2));
      assertThat(p.labels()[i]).isEqualTo(LABELS[seed]);
      assertThat(p.probabilities()[i]).isCloseTo(TinySavedModels.expectedMeanIntensity(TestPatches.random(seed)), within(1e-5f));
    }
  }

  @Test
  void realLabelledPatchesAreScored(@TempDir Path tmp) {
    Path sample = SharedData.pcamSample();
    CliRun r = CliRun.run("evaluate", "--model", run.resolve("model").toString(), "--data", sample.toString(),
        "--limit", "300", "--out", tmp.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    EvaluationMetrics m = EvaluationMetrics.read(tmp.resolve("metrics.json"));
    assertThat(m.n()).isEqualTo(300);
    assertThat(m.confusion().total()).isEqualTo(300);
    assertThat(m.auc()).isBetween(0.0, 1.0);
  }

  @Test
  void missingDataIsBadInput(@TempDir Path tmp) {
    CliRun r = CliRun.run("evaluate", "--model", run.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("no dataset given");
    CliRun badLabel = CliRun.run("evaluate", "--model", run.toString(), "--labels", write(tmp, "id,label\nid000,2\n"),
        "--images", data.resolve("train").toString(), "--out", tmp.resolve("evaluation").toString());
    assertThat(badLabel.exitCode()).isEqualTo(2);
    assertThat(badLabel.err()).contains("line 2: label '2' is not 0 or 1");
  }

  private static String write(Path dir, String content) {
    try {
      Path f = dir.resolve("labels.csv");
      Files.writeString(f, content);
      return f.toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
