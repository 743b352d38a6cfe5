package pcam.eval;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import pcam.util.InputException;

/**
 * The per-epoch training history of a run, read from {@code history.csv} (header
 * {@code epoch,train_loss,train_accuracy,val_loss,val_accuracy,val_auc,lr,img_per_s}, more or
 * fewer metric columns are fine). Every column is kept by name; empty cells are NaN.
 */
public record History(Map<String, double[]> columns) {
  public double[] column(String name) {
    return columns.get(name);
  }

  public boolean has(String name) {
    return columns.containsKey(name);
  }

  public int epochs() {
    return columns.isEmpty() ? 0 : columns.values().iterator().next().length;
  }

  public static History read(Path csv) {
    try (Reader in = Files.newBufferedReader(csv);
        CSVParser parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
      List<String> names = parser.getHeaderNames();
      if (!names.contains("epoch")) {
        throw new InputException(csv + ": no 'epoch' column (header: " + names + ")");
      }
      List<CSVRecord> rows = parser.getRecords();
      Map<String, double[]> columns = new LinkedHashMap<>();
      for (String name : names) {
        double[] values = new double[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
          String cell = rows.get(r).isSet(name) ? rows.get(r).get(name).trim() : "";
          try {
            values[r] = cell.isEmpty() ? Double.NaN : Double.parseDouble(cell);
          } catch (NumberFormatException e) {
            throw new InputException(csv + ": line " + (r + 2) + ": " + name + " is not a number: '" + cell + "'");
          }
        }
        columns.put(name, values);
      }
      return new History(columns);
    } catch (IOException e) {
      throw new InputException(csv + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  /** Metric names with a train_ and/or val_ column, in column order: loss, accuracy, auc... */
  public List<String> metrics() {
    List<String> metrics = new ArrayList<>();
    for (String name : columns.keySet()) {
      String metric = name.startsWith("train_") ? name.substring(6) : name.startsWith("val_") ? name.substring(4) : null;
      if (metric != null && !metrics.contains(metric)) {
        metrics.add(metric);
      }
    }
    return metrics;
  }
}
