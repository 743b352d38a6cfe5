package pcam.interop.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import pcam.SharedData;
import pcam.data.Batch;
import pcam.data.PatchReader;
import pcam.eval.BinaryMetrics;
import pcam.model.InputScale;
import pcam.model.SavedModelScorer;

/**
 * The two real notebook .h5 models (../shared/data/keras-h5) imported and scored on the first 100
 * sample patches: pcam's probabilities equal those of the independent NumPy forward pass in
 * *.expected.csv, through the exported SavedModel that predict/evaluate use.
 */
class KerasH5ExactnessTest {
  @ParameterizedTest
  @CsvSource({"jedhelmers-pcam-cnn, unit, 0.94", "tgrytnes-pcam-simple, imagenet, 0.96"})
  void importedModelReproducesKerasProbabilitiesWithin1e4(String name, String scale, double readmeAuc, @org.junit.jupiter.api.io.TempDir Path tmp)
      throws IOException {
    Path dir = SharedData.root().resolve("keras-h5");
    Map<String, Float> expected = new java.util.LinkedHashMap<>();
    try (Reader r = Files.newBufferedReader(dir.resolve(name + ".expected.csv"))) {
      for (CSVRecord row : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(r)) {
        expected.put(row.get(0), Float.parseFloat(row.get(1)));
      }
    }
    assertThat(expected).hasSize(100);
    Map<String, Float> labelOf = new HashMap<>();
    Path sample = SharedData.pcamSample();
    try (Reader r = Files.newBufferedReader(sample.resolve("train_labels.csv"))) {
      for (CSVRecord row : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(r)) {
        labelOf.put(row.get("id"), Float.parseFloat(row.get("label")));
      }
    }
    List<String> ids = new ArrayList<>(expected.keySet());
    byte[] pixels = new byte[ids.size() * PatchReader.BYTES];
    float[] labels = new float[ids.size()];
    float[] want = new float[ids.size()];
    for (int i = 0; i < ids.size(); i++) {
      System.arraycopy(PatchReader.read(sample.resolve("train").resolve(ids.get(i) + ".tif")), 0, pixels, i * PatchReader.BYTES, PatchReader.BYTES);
      labels[i] = labelOf.get(ids.get(i));
      want[i] = expected.get(ids.get(i));
    }
    Batch batch = new Batch(pixels, labels, ids.size(), 96, 96);

    Path out = tmp.resolve(name);
    KerasImport.run(dir.resolve(name + ".h5"), out, new KerasImport.Options(InputScale.parse(scale), null), null);
    float[] got;
    try (SavedModelScorer scorer = SavedModelScorer.load(out)) {
      got = scorer.predict(batch);
    }
    assertThat(got).containsExactly(want, within(1e-4f));
    double auc = BinaryMetrics.auc(got, labels);
    assertThat(auc).isCloseTo(BinaryMetrics.auc(want, labels), within(1e-3)).isCloseTo(readmeAuc, within(0.01));
  }
}
