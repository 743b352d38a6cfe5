package pcam;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real data shared outside the repo ({@code ../shared/data}, relative to the Maven working
 * directory, i.e. the repo root). Tests that need it skip when it is absent (a fresh clone) and
 * fail when CI=true, where it must be present.
 */
public final class SharedData {
  private SharedData() {}

  public static Path root() {
    return assumeAvailable(Path.of("..", "shared", "data"));
  }

  public static Path pcamSample() {
    return assumeAvailable(Path.of("..", "shared", "data", "pcam-sample"));
  }

  /** The same real patches as pcam-sample/train in PatchCamelyon's HDF5 layout, with {split}_ids.csv. */
  public static Path pcamH5Sample() {
    return assumeAvailable(Path.of("..", "shared", "data", "pcam-h5-sample"));
  }

  /** The Kaggle id of each row of a pcam-h5-sample split, from its {split}_ids.csv (not from the HDF5 reader). */
  public static java.util.List<String> pcamH5KaggleIds(String split) {
    java.util.List<String> ids = new java.util.ArrayList<>();
    try (java.io.Reader in = Files.newBufferedReader(pcamH5Sample().resolve(split + "_ids.csv"))) {
      for (org.apache.commons.csv.CSVRecord r :
          org.apache.commons.csv.CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
        if (Integer.parseInt(r.get("index")) != ids.size()) {
          throw new IllegalStateException(split + "_ids.csv: rows out of order at " + ids.size());
        }
        ids.add(r.get("kaggle_id"));
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return ids;
  }

  public static Path savedModels() {
    return assumeAvailable(Path.of("..", "shared", "data", "savedmodels"));
  }

  private static Path assumeAvailable(Path path) {
    if (!Files.exists(path)) {
      String message = "shared test data not found at " + path.toAbsolutePath().normalize()
          + " (see README: the real-data tests need ../shared/data)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(message + "; CI=true requires it");
      }
      assumeTrue(false, message + "; skipping");
    }
    return path;
  }
}
