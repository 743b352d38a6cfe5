package pcam.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.util.Json;

class EvaluationMetricsTest {
  @Test
  void metricsJsonHasTheStableKeyNamesAndRoundTrips(@TempDir Path tmp) throws Exception {
    EvaluationMetrics m = EvaluationMetrics.of(new float[] {0.1f, 0.4f, 0.35f, 0.8f}, new float[] {0, 0, 1, 1}, 0.5);
    assertThat(m.auc()).isEqualTo(0.75);
    assertThat(m.accuracy()).isEqualTo(0.75); // tn 2, fp 0, fn 1, tp 1
    assertThat(m.confusion()).isEqualTo(new BinaryMetrics.Confusion(2, 0, 1, 1));
    assertThat(m.n()).isEqualTo(4);

    Path file = tmp.resolve("metrics.json");
    m.write(file);
    JsonNode json = Json.MAPPER.readTree(file.toFile());
    List<String> keys = new ArrayList<>();
    json.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsExactlyInAnyOrder("auc", "accuracy", "loss", "n", "confusion", "threshold");
    List<String> confusionKeys = new ArrayList<>();
    json.get("confusion").fieldNames().forEachRemaining(confusionKeys::add);
    assertThat(confusionKeys).containsExactly("tn", "fp", "fn", "tp");
    assertThat(json.get("threshold").asDouble()).isEqualTo(0.5);
    assertThat(EvaluationMetrics.read(file)).isEqualTo(m);
  }

  @Test
  void readsATrainingRunsMetricsWhichAlsoNamesTheEpoch(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("metrics.json");
    java.nio.file.Files.writeString(file,
        "{\"epoch\":3,\"auc\":0.9,\"accuracy\":0.8,\"loss\":0.4,\"n\":10,\"confusion\":{\"tn\":5,\"fp\":1,\"fn\":1,\"tp\":3},\"threshold\":0.5}");
    EvaluationMetrics m = EvaluationMetrics.read(file);
    assertThat(m.auc()).isEqualTo(0.9);
    assertThat(m.confusion()).isEqualTo(new BinaryMetrics.Confusion(5, 1, 1, 3));
  }
}
