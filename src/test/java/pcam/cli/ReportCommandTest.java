package pcam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {
  @Test
  void writesTheReportOfARunDirectory(@TempDir Path run) throws Exception {
    Files.writeString(run.resolve("history.csv"), "epoch,train_loss,val_loss\n1,0.7,0.68\n2,0.6,0.62\n");
    Files.writeString(run.resolve("config.json"), "{\"model\":\"cnn3\"}");
    CliRun r = CliRun.run("report", run.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out().trim()).isEqualTo("wrote " + run.resolve("report.html"));
    assertThat(run.resolve("report.html")).content().contains("curves-loss.png", "cnn3");
    assertThat(run.resolve("curves-loss.png")).isNotEmptyFile();
  }

  @Test
  void aFolderWithNothingToReportIsBadInput(@TempDir Path dir) {
    CliRun r = CliRun.run("report", dir.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("nothing to report");
  }
}
