package pcam.eval;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import pcam.util.AtomicFiles;
import pcam.util.InputException;

/**
 * A Kaggle submission: {@code id,label} with label = probability of tumour, one row per expected
 * id in the expected order. Checked before anything touches the disk, and written atomically, so
 * an existing submission is either replaced by a complete valid one or left alone.
 */
public final class Submission {
  static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get();

  private Submission() {}

  /**
   * Writes {@code out} after {@link #validate}; rows follow {@code expectedIds}.
   *
   * @throws IllegalArgumentException if the predictions do not cover the expected ids exactly
   */
  public static void write(Path out, List<String> expectedIds, List<String> ids, float[] probabilities) {
    Map<String, Float> byId = validate(expectedIds, ids, probabilities);
    AtomicFiles.write(out, tmp -> {
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
          CSVPrinter printer = new CSVPrinter(w, FORMAT)) {
        printer.printRecord("id", "label");
        for (String id : expectedIds) {
          printer.printRecord(id, Float.toString(byId.get(id)));
        }
      }
    });
  }

  /**
   * Checks that every expected id is predicted exactly once, no other id is, the counts match and
   * every probability is finite and within [0,1]; names the first offending id.
   *
   * @return the probability per id
   */
  public static Map<String, Float> validate(List<String> expectedIds, List<String> ids, float[] probabilities) {
    if (ids.size() != probabilities.length) {
      throw new IllegalArgumentException(ids.size() + " ids but " + probabilities.length + " probabilities");
    }
    Map<String, Float> byId = new HashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      float p = probabilities[i];
      if (!Float.isFinite(p) || p < 0 || p > 1) {
        throw new IllegalArgumentException("id " + ids.get(i) + ": probability " + p + " is not within [0,1]");
      }
      if (byId.put(ids.get(i), p) != null) {
        throw new IllegalArgumentException("id " + ids.get(i) + " is predicted more than once");
      }
    }
    Map<String, Boolean> expected = new LinkedHashMap<>();
    for (String id : expectedIds) {
      if (expected.put(id, true) != null) {
        throw new IllegalArgumentException("id " + id + " is expected more than once");
      }
      if (!byId.containsKey(id)) {
        throw new IllegalArgumentException("id " + id + " has no prediction");
      }
    }
    if (byId.size() != expected.size()) {
      String extra = ids.stream().filter(id -> !expected.containsKey(id)).findFirst().orElseThrow();
      throw new IllegalArgumentException("id " + extra + " is predicted but not expected");
    }
    return byId;
  }

  /** True when {@code csv} starts with a submission's header ({@code id,label}): a file pcam may replace. */
  public static boolean isSubmission(Path csv) {
    try (java.io.BufferedReader in = Files.newBufferedReader(csv, java.nio.charset.StandardCharsets.UTF_8)) {
      String first = in.readLine();
      return first != null && first.replace("\uFEFF", "").trim().equals("id,label");
    } catch (IOException | java.io.UncheckedIOException e) {
      return false;
    }
  }

  /** Reads a submission back (id -> label, in file order), rejecting malformed rows. */
  public static Map<String, Float> read(Path csv) {
    Map<String, Float> rows = new LinkedHashMap<>();
    try (Reader in = Files.newBufferedReader(csv);
        CSVParser parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
      if (!parser.getHeaderNames().equals(List.of("id", "label"))) {
        throw new InputException(csv + ": header must be id,label, is " + parser.getHeaderNames());
      }
      for (CSVRecord row : parser) {
        float p;
        try {
          p = Float.parseFloat(row.get("label"));
        } catch (NumberFormatException e) {
          throw new InputException(csv + ": line " + parser.getCurrentLineNumber() + ": label is not a number");
        }
        if (!(p >= 0 && p <= 1)) { // NaN fails too
          throw new InputException(csv + ": line " + parser.getCurrentLineNumber() + ": label " + p + " is not a probability within [0,1]");
        }
        if (rows.put(row.get("id"), p) != null) {
          throw new InputException(csv + ": line " + parser.getCurrentLineNumber() + ": duplicate id " + row.get("id"));
        }
      }
    } catch (IOException e) {
      throw new InputException(csv + ": cannot read (" + e.getMessage() + ")", e);
    }
    return rows;
  }
}
