package pcam.train;

import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import pcam.eval.History;
import pcam.util.AtomicFiles;
import pcam.util.InputException;

/** history.csv: one row per epoch, rewritten atomically after each epoch so it is never half a row. */
public final class HistoryCsv implements TrainingListener {
  public static final String[] HEADER = {
    "epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy", "val_auc", "lr", "img_per_s"
  };

  private final Path file;
  private final List<EpochRecord> rows;

  /** Continues {@code earlier} (empty for a new run). */
  HistoryCsv(Path file, List<EpochRecord> earlier) {
    this.file = file;
    this.rows = new ArrayList<>(earlier);
  }

  @Override
  public void epochEnded(EpochRecord record, boolean best) {
    rows.add(record);
    write(file, rows);
  }

  static void write(Path file, List<EpochRecord> rows) {
    AtomicFiles.write(
        file,
        tmp -> {
          try (Writer out = Files.newBufferedWriter(tmp);
              CSVPrinter csv = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setHeader(HEADER).get())) {
            for (EpochRecord r : rows) {
              csv.printRecord(
                  r.epoch(), r.trainLoss(), r.trainAccuracy(), r.valLoss(), r.valAccuracy(), r.valAuc(), r.lr(),
                  r.imagesPerSecond());
            }
          }
        });
  }

  /** The rows of an existing history.csv (empty if there is none), parsed by {@link History}. */
  public static List<EpochRecord> read(Path file) {
    List<EpochRecord> rows = new ArrayList<>();
    if (!Files.exists(file)) {
      return rows;
    }
    History history = History.read(file);
    double[][] c = new double[HEADER.length][];
    for (int k = 0; k < HEADER.length; k++) {
      c[k] = history.column(HEADER[k]);
      if (c[k] == null) {
        throw new InputException(file + ": unreadable history (no '" + HEADER[k] + "' column)");
      }
    }
    for (int r = 0; r < history.epochs(); r++) {
      rows.add(new EpochRecord((int) c[0][r], c[1][r], c[2][r], c[3][r], c[4][r], c[5][r], c[6][r], c[7][r]));
    }
    return rows;
  }
}
