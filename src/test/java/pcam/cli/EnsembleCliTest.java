package pcam.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.SharedData;
import pcam.TinySavedModels;
import pcam.eval.LabelledPredictions;
import pcam.eval.Submission;

/**
 * {@code --model A --model B}: the ensemble's probabilities are the mean of the single-model runs,
 * with TTA, on real patches, for models with different input sizes (96 and 64, resized).
 */
class EnsembleCliTest {
  @TempDir static Path shared;
  static Path a;
  static Path b;

  @BeforeAll
  static void models() {
    a = TinySavedModels.meanIntensity(shared.resolve("a"), 96);
    b = TinySavedModels.conv(shared.resolve("b"), 64, 4);
  }

  @Test
  void evaluateAveragesTheSingleModelRunsWithTta(@TempDir Path tmp) {
    String data = SharedData.pcamSample().toString();
    String[] common = {"--data", data, "--limit", "60", "--tta", "d8", "--batch-size", "16"};
    LabelledPredictions pa = evaluate(tmp.resolve("a"), common, a);
    LabelledPredictions pb = evaluate(tmp.resolve("b"), common, b);
    LabelledPredictions both = evaluate(tmp.resolve("ab"), common, a, b);
    assertThat(both.ids()).isEqualTo(pa.ids()).hasSize(60);
    assertThat(both.labels()).containsExactly(pa.labels());
    float[] mean = new float[60];
    for (int i = 0; i < 60; i++) {
      mean[i] = (pa.probabilities()[i] + pb.probabilities()[i]) / 2;
    }
    // predictions.csv rounds; the models differ, so the mean is not either one's.
    assertThat(both.probabilities()).containsExactly(mean, within(2e-6f));
    assertThat(both.probabilities()).isNotEqualTo(pa.probabilities()).isNotEqualTo(pb.probabilities());
  }

  @Test
  void predictAveragesTheSingleModelRuns(@TempDir Path tmp) {
    Path sample = SharedData.pcamSample();
    Map<String, Float> sa = predict(tmp.resolve("a.csv"), sample, a);
    Map<String, Float> sb = predict(tmp.resolve("b.csv"), sample, b);
    Map<String, Float> sab = predict(tmp.resolve("ab.csv"), sample, a, b);
    assertThat(sab.keySet()).containsExactlyElementsOf(sa.keySet()).hasSize(400);
    for (String id : sa.keySet()) {
      assertThat(sab.get(id)).isCloseTo((sa.get(id) + sb.get(id)) / 2, within(2e-6f));
    }
  }

  private static LabelledPredictions evaluate(Path out, String[] common, Path... models) {
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("evaluate", "--out", out.toString()));
    for (Path m : models) {
      args.add("--model");
      args.add(m.toString());
    }
    args.addAll(java.util.List.of(common));
    CliRun r = CliRun.run(args.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.err()).isZero();
    return LabelledPredictions.read(pcam.run.RunDirectory.at(out).predictions());
  }

  private static Map<String, Float> predict(Path out, Path sample, Path... models) {
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("predict", "--out", out.toString(),
        "--images", sample.resolve("test").toString(), "--ids", sample.resolve("sample_submission.csv").toString(), "--tta", "flip"));
    for (Path m : models) {
      args.add("--model");
      args.add(m.toString());
    }
    CliRun r = CliRun.run(args.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.err()).isZero();
    return Submission.read(out);
  }
}
