package pcam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.SharedData;
import pcam.data.DataLayout;
import pcam.data.LabelsCsv;
import pcam.eval.EvaluationMetrics;
import pcam.eval.LabelledPredictions;
import pcam.model.Architecture;
import pcam.model.CnnModel;
import pcam.model.Device;
import pcam.model.Initializer;
import pcam.model.ModelSpec;
import pcam.model.Optimizer;

/**
 * The same real patches as PCam HDF5 (test split: contiguous; valid: chunked gzip) and as Kaggle
 * TIFFs, scored by one model through the CLI: every patch must get the identical probability.
 */
@pcam.Slow
class PcamHdf5CliTest {
  @TempDir static Path tmp;
  static Path model;

  /** A randomly initialised full-size cnn3 (no crop: every pixel reaches the output). */
  @BeforeAll
  static void exportModel() {
    model = tmp.resolve("model");
    ModelSpec spec = new ModelSpec(Architecture.CNN3, 96, false, 0, 0, 0, 0, Initializer.GLOROT_UNIFORM, Optimizer.ADAM, 7);
    try (CnnModel m = CnnModel.create(spec, Device.AUTO, 0)) {
      m.exportSavedModel(model);
    }
  }

  @Test
  void hdf5AndTiffFormsOfTheSamePatchesGetIdenticalPredictionsAndLabels() throws IOException {
    Path h5 = SharedData.pcamH5Sample();
    Path kaggle = SharedData.pcamSample();
    for (DataLayout.Split split : List.of(DataLayout.Split.test, DataLayout.Split.valid)) {
      List<String> kaggleIds = SharedData.pcamH5KaggleIds(split.name());
      Map<String, Byte> truth = new HashMap<>();
      LabelsCsv.readLabels(kaggle.resolve("train_labels.csv")).forEach(r -> truth.put(r.id(), r.label()));
      StringBuilder csv = new StringBuilder("id,label\n");
      kaggleIds.forEach(id -> csv.append(id).append(',').append(truth.get(id)).append('\n'));
      Path labels = Files.writeString(tmp.resolve(split + "-labels.csv"), csv);

      Path fromH5 = tmp.resolve(split + "-h5");
      CliRun a = CliRun.run("evaluate", "--model", model.toString(), "--data", h5.toString(), "--split", split.name(),
          "--out", fromH5.toString(), "--batch-size", "48");
      assertThat(a.exitCode()).as(a.err()).isZero();
      Path fromTiff = tmp.resolve(split + "-tiff");
      CliRun b = CliRun.run("evaluate", "--model", model.toString(), "--images", kaggle.resolve("train").toString(),
          "--labels", labels.toString(), "--out", fromTiff.toString(), "--batch-size", "48");
      assertThat(b.exitCode()).as(b.err()).isZero();

      LabelledPredictions p = LabelledPredictions.read(fromH5.resolve("predictions.csv"));
      LabelledPredictions q = LabelledPredictions.read(fromTiff.resolve("predictions.csv"));
      assertThat(p.ids()).hasSize(kaggleIds.size());
      assertThat(q.ids()).isEqualTo(kaggleIds);
      for (int i = 0; i < kaggleIds.size(); i++) {
        assertThat(p.ids().get(i)).isEqualTo(Integer.toString(i));
        assertThat(p.labels()[i]).as("label of row %d", i).isEqualTo(q.labels()[i]);
        assertThat(p.probabilities()[i]).as("probability of row %d", i).isEqualTo(q.probabilities()[i]);
      }
      assertThat(EvaluationMetrics.read(fromH5.resolve("metrics.json")))
          .isEqualTo(EvaluationMetrics.read(fromTiff.resolve("metrics.json")));
    }
  }

  @Test
  void predictScoresAnHdf5SplitByRowIndex() throws IOException {
    Path h5 = SharedData.pcamH5Sample();
    Path out = tmp.resolve("submission.csv");
    CliRun r = CliRun.run("predict", "--model", model.toString(), "--images",
        DataLayout.pcamImages(h5, DataLayout.Split.test).toString(), "--out", out.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<String> lines = Files.readAllLines(out);
    assertThat(lines).hasSize(201);
    assertThat(lines.get(0)).isEqualTo("id,label");
    assertThat(lines.get(1)).startsWith("0,");
    assertThat(lines.get(200)).startsWith("199,");
  }
}
