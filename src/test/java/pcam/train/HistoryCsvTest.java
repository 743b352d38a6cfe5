package pcam.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.eval.History;
import pcam.util.InputException;

/** history.csv is written by the loop's listener and parsed once, by {@link History}; resume reads it back as epochs. */
class HistoryCsvTest {
  @Test
  void rowsWrittenEpochByEpochReadBackExactly(@TempDir Path dir) {
    Path file = dir.resolve("history.csv");
    EpochRecord first = new EpochRecord(1, 0.6931471805599453, 0.5, 0.6123, 0.625, 0.7171717171717171, 1e-3, 412.25);
    EpochRecord second = new EpochRecord(2, 0.41, 0.8125, 0.39, 0.84375, 0.9023, 5.000000000000001e-4, 430.0);
    HistoryCsv csv = new HistoryCsv(file, List.of(first));
    csv.epochEnded(second, true);
    assertThat(HistoryCsv.read(file)).containsExactly(first, second);
    // The report's reader sees the same numbers by column.
    assertThat(History.read(file).column("val_auc")).containsExactly(0.7171717171717171, 0.9023);
    assertThat(HistoryCsv.read(dir.resolve("none.csv"))).isEmpty();
  }

  @Test
  void aHistoryWithoutALoopColumnIsNamed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("history.csv");
    Files.writeString(file, "epoch,train_loss,val_loss\n1,0.5,0.6\n");
    assertThatThrownBy(() -> HistoryCsv.read(file))
        .isInstanceOf(InputException.class)
        .hasMessage(file + ": unreadable history (no 'train_accuracy' column)");
  }
}
