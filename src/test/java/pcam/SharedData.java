package pcam;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared real data outside the repo ({@code ../shared/data} from the Maven working dir). Tests
 * that need it are skipped with a message when it is absent, and fail when CI=true.
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
    boolean present = Files.isDirectory(path);
    if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException("shared test data missing on CI: " + path.toAbsolutePath());
    }
    assumeTrue(present, "shared test data not found at " + path.toAbsolutePath() + "; skipping");
    return path;
  }
}
