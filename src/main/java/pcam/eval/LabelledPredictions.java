package pcam.eval;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import pcam.data.PatchSource;
import pcam.util.AtomicFiles;
import pcam.util.InputException;

/**
 * Scored, labelled patches: what {@code predictions.csv} ({@code id,label,probability}) holds, so
 * that ROC and confusion charts can be redrawn later from a run directory.
 */
public record LabelledPredictions(List<String> ids, float[] labels, float[] probabilities) {

  public LabelledPredictions {
    if (ids.size() != labels.length || ids.size() != probabilities.length) {
      throw new IllegalArgumentException("ids, labels and probabilities differ in length");
    }
  }

  public EvaluationMetrics metrics(double threshold) {
    return EvaluationMetrics.of(probabilities, labels, threshold);
  }

  public void write(Path file) {
    write(file, null);
  }

  /**
   * With {@code meta} (an HDF5 source's side columns, ids being row indices), each row also gets
   * the meta columns of its row: {@code id,label,probability,wsi,coord_y,coord_x}.
   */
  public void write(Path file, PatchSource.Meta meta) {
    AtomicFiles.write(file, tmp -> {
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
          CSVPrinter printer = new CSVPrinter(w, Submission.FORMAT)) {
        List<Object> header = new ArrayList<>(List.of("id", "label", "probability"));
        if (meta != null) {
          header.addAll(meta.columns());
        }
        printer.printRecord(header);
        for (int i = 0; i < ids.size(); i++) {
          List<Object> row = new ArrayList<>(List.of(ids.get(i), (int) labels[i], Float.toString(probabilities[i])));
          if (meta != null) {
            row.addAll(meta.row(Integer.parseInt(ids.get(i))));
          }
          printer.printRecord(row);
        }
      }
    });
  }

  public static LabelledPredictions read(Path file) {
    List<String> ids = new ArrayList<>();
    List<Float> labels = new ArrayList<>();
    List<Float> probabilities = new ArrayList<>();
    for (CSVRecord row : rows(file, List.of("id", "label", "probability"))) {
      ids.add(row.get("id"));
      labels.add(label(file, row));
      probabilities.add(number(file, row, "probability"));
    }
    return new LabelledPredictions(ids, toArray(labels), toArray(probabilities));
  }

  private static List<CSVRecord> rows(Path csv, List<String> required) {
    try (Reader in = Files.newBufferedReader(csv);
        CSVParser parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
      for (String column : required) {
        if (!parser.getHeaderMap().containsKey(column)) {
          throw new InputException(csv + ": no '" + column + "' column (header: " + parser.getHeaderNames() + ")");
        }
      }
      return parser.getRecords();
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new InputException(csv + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  private static float label(Path csv, CSVRecord row) {
    String value = row.get("label").trim();
    if (!value.equals("0") && !value.equals("1")) {
      throw new InputException(csv + ": line " + (row.getRecordNumber() + 1) + ": label must be 0 or 1, is '" + value + "'");
    }
    return value.equals("1") ? 1f : 0f;
  }

  private static float number(Path csv, CSVRecord row, String column) {
    float value;
    try {
      value = Float.parseFloat(row.get(column));
    } catch (NumberFormatException e) {
      throw new InputException(csv + ": line " + (row.getRecordNumber() + 1) + ": " + column + " is not a number");
    }
    if (!Float.isFinite(value)) {
      throw new InputException(csv + ": line " + (row.getRecordNumber() + 1) + ": " + column + " is " + value + ", not a finite number");
    }
    return value;
  }

  private static float[] toArray(List<Float> values) {
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }
}
