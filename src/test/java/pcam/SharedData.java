package pcam;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real data in {@code ../shared/data} (outside the repo, never copied in). Tests that need it
 * skip with a clear message when it is absent, and fail when {@code CI=true}, where it must exist.
 */
public final class SharedData {
  private SharedData() {}

  public static Path root() {
    return assumeAvailable(Path.of("..", "shared", "data"));
  }

  public static Path pcamSample() {
    return assumeAvailable(root().resolve("pcam-sample"));
  }

  public static Path savedModels() {
    return assumeAvailable(root().resolve("savedmodels"));
  }

  static Path assumeAvailable(Path path) {
    boolean present = Files.isDirectory(path);
    String message = "shared test data not found at " + path.toAbsolutePath().normalize();
    if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError(message + " (required when CI=true)");
    }
    assumeTrue(present, message + "; skipping");
    return path;
  }
}
