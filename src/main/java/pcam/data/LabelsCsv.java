package pcam.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import pcam.util.InputException;

/**
 * Reads the Kaggle CSVs: {@code train_labels.csv} ({@code id,label}, label 0 or 1) and
 * {@code sample_submission.csv} (ids to score in the first column, named {@code id}). UTF-8 with or
 * without a BOM, LF or CRLF line ends. Every problem is an {@link InputException} naming the file
 * and line.
 */
public final class LabelsCsv {
  /** One labelled row; {@code line} is the 1-based line in the file, for messages. */
  public record Row(String id, byte label, long line) {}

  private LabelsCsv() {}

  /** The rows of an {@code id,label} CSV, in file order. */
  public static List<Row> readLabels(Path csv) {
    List<Row> rows = new ArrayList<>();
    parse(csv, true, (id, label, line) -> rows.add(new Row(id, label, line)));
    return rows;
  }

  /** The ids of a CSV whose first column is {@code id} (other columns are ignored), in file order. */
  public static List<String> readIds(Path csv) {
    List<String> ids = new ArrayList<>();
    parse(csv, false, (id, label, line) -> ids.add(id));
    return ids;
  }

  private interface RowSink {
    void accept(String id, byte label, long line);
  }

  private static void parse(Path csv, boolean labelled, RowSink sink) {
    CSVFormat format = CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(true).get();
    try (Reader reader = open(csv);
        CSVParser parser = CSVParser.parse(reader, format)) {
      Iterator<CSVRecord> records = parser.iterator();
      if (!records.hasNext()) {
        throw new InputException(csv + ": empty file, expected the header " + (labelled ? "id,label" : "id,..."));
      }
      checkHeader(csv, records.next(), labelled);
      Map<String, Long> seen = new HashMap<>();
      while (records.hasNext()) {
        CSVRecord record = records.next();
        long line = parser.getCurrentLineNumber();
        String id = record.get(0).strip();
        checkId(csv, line, id);
        Long earlier = seen.putIfAbsent(id, line);
        if (earlier != null) {
          throw new InputException(csv + ": line " + line + ": duplicate id " + id + " (first on line " + earlier + ")");
        }
        byte label = labelled ? label(csv, line, record) : PatchSet.UNLABELLED;
        sink.accept(id, label, line);
      }
    } catch (IOException e) {
      throw readFailure(csv, e);
    } catch (UncheckedIOException e) {
      // commons-csv wraps read errors met while iterating.
      throw readFailure(csv, e.getCause());
    } catch (IllegalStateException e) {
      // commons-csv reports malformed quoting this way.
      throw new InputException(csv + ": malformed CSV (" + e.getMessage() + ")", e);
    }
  }

  private static InputException readFailure(Path csv, IOException e) {
    if (e instanceof NoSuchFileException) {
      return new InputException(csv + ": file not found", e);
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return new InputException(csv + ": permission denied", e);
    }
    if (e instanceof CharacterCodingException) {
      return new InputException(csv + ": not UTF-8 text", e);
    }
    return new InputException(csv + ": cannot read CSV (" + e.getMessage() + ")", e);
  }

  private static Reader open(Path csv) throws IOException {
    if (Files.isDirectory(csv)) {
      throw new InputException(csv + ": is a folder, expected a CSV file");
    }
    BufferedReader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
    reader.mark(1);
    if (reader.read() != '\uFEFF') {
      reader.reset();
    }
    return reader;
  }

  private static void checkHeader(Path csv, CSVRecord header, boolean labelled) {
    List<String> names = header.toList().stream().map(String::strip).toList();
    boolean ok = labelled ? names.equals(List.of("id", "label")) : names.get(0).equals("id");
    if (!ok) {
      throw new InputException(
          csv + ": line 1: header is '" + String.join(",", header.toList()) + "', expected '"
              + (labelled ? "id,label" : "id") + "'" + (labelled ? "" : " as the first column"));
    }
  }

  private static void checkId(Path csv, long line, String id) {
    if (id.isEmpty()) {
      throw new InputException(csv + ": line " + line + ": empty id");
    }
    // Ids become file names: anything that could leave the images folder is not an id.
    if (id.contains("/") || id.contains("\\") || id.equals(".") || id.equals("..")) {
      throw new InputException(csv + ": line " + line + ": id '" + id + "' is not a file name");
    }
  }

  private static byte label(Path csv, long line, CSVRecord record) {
    if (record.size() != 2) {
      throw new InputException(csv + ": line " + line + ": expected 2 fields (id,label), found " + record.size());
    }
    String value = record.get(1).strip();
    return switch (value) {
      case "0" -> 0;
      case "1" -> 1;
      default -> throw new InputException(csv + ": line " + line + ": label '" + value + "' is not 0 or 1");
    };
  }
}
