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
