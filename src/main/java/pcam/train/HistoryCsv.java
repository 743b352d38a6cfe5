package pcam.train;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
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

  /** The rows of an existing history.csv (empty if there is none). */
  public static List<EpochRecord> read(Path file) {
    List<EpochRecord> rows = new ArrayList<>();
    if (!Files.exists(file)) {
      return rows;
    }
    try (Reader in = Files.newBufferedReader(file)) {
      for (CSVRecord r : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
        rows.add(
            new EpochRecord(
                Integer.parseInt(r.get("epoch")), d(r, "train_loss"), d(r, "train_accuracy"), d(r, "val_loss"),
                d(r, "val_accuracy"), d(r, "val_auc"), d(r, "lr"), d(r, "img_per_s")));
      }
    } catch (IOException | RuntimeException e) {
      throw new InputException(file + ": unreadable history (" + e.getMessage() + ")", e);
    }
    return rows;
  }

  private static double d(CSVRecord r, String column) {
    return Double.parseDouble(r.get(column));
  }
}
