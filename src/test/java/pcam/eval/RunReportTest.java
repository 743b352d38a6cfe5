package pcam.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.util.InputException;

class RunReportTest {
  @Test
  void reportReferencesEveryChartAndShowsConfigAndMetrics(@TempDir Path run) throws Exception {
    Files.writeString(run.resolve("config.json"), "{\"model\":\"cnn3\",\"lr\":0.001,\"note\":\"<b>\"}");
    Files.writeString(run.resolve("history.csv"), ChartsTest.HISTORY);
    LabelledPredictions p = new LabelledPredictions(List.of("a", "b", "c", "d"), new float[] {0, 0, 1, 1}, new float[] {0.1f, 0.4f, 0.35f, 0.8f});
    p.write(run.resolve("predictions.csv"));
    p.metrics(0.3).write(run.resolve("metrics.json"));

    Path report = RunReport.write(run);
    String html = Files.readString(report);
    for (String png : List.of("curves-loss.png", "curves-accuracy.png", "curves-auc.png", "roc.png", "confusion.png")) {
      assertThat(html).contains("<img src=\"" + png + "\"");
      ChartsTest.assertPng(run.resolve(png), png.startsWith("confusion") ? Charts.CONFUSION_SIZE : Charts.WIDTH,
          png.startsWith("confusion") ? Charts.CONFUSION_SIZE : Charts.HEIGHT);
    }
    assertThat(html).contains("<th>auc</th><td>0.75</td>", "<th>confusion.fp</th><td>1</td>", "<th>threshold</th><td>0.3</td>");
    assertThat(html).contains("&quot;model&quot; : &quot;cnn3&quot;", "&lt;b&gt;").doesNotContain("<b>");
  }

  @Test
  void partialRunGetsAPartialReport(@TempDir Path run) throws Exception {
    Files.writeString(run.resolve("history.csv"), ChartsTest.HISTORY);
    String html = Files.readString(RunReport.write(run));
    assertThat(html).contains("curves-loss.png").doesNotContain("roc.png", "Configuration", "Metrics");
  }

  @Test
  void emptyFolderIsBadInput(@TempDir Path run) {
    assertThatThrownBy(() -> RunReport.write(run)).isInstanceOf(InputException.class).hasMessageContaining("nothing to report");
  }
}
