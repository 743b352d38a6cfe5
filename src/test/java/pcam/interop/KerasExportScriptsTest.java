package pcam.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keras-export scripts cannot run here (no TensorFlow for Python, no internet for weights), so
 * at least check that they compile. Needs python3; skipped without it, except on CI.
 */
class KerasExportScriptsTest {
  private static final Path SCRIPTS = Path.of("keras-export");

  @TempDir Path cache;

  @Test
  void everyScriptCompiles() throws Exception {
    List<String> scripts;
    try (Stream<Path> files = Files.list(SCRIPTS)) {
      scripts = files.filter(p -> p.toString().endsWith(".py")).map(Path::toString).sorted().toList();
    }
    assertThat(scripts).contains("keras-export/export_keras.py", "keras-export/export_notebook_model.py");
    boolean python = pythonAvailable();
    if (!python && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError("python3 is required on CI to check the keras-export scripts");
    }
    assumeTrue(python, "python3 not found; skipping the py_compile check of keras-export/*.py");

    List<String> command = new ArrayList<>(List.of("python3", "-m", "py_compile"));
    command.addAll(scripts);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("PYTHONPYCACHEPREFIX", cache.toString()); // keep __pycache__ out of the repo
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.waitFor()).as("py_compile output:%n%s", output).isZero();
  }

  private static boolean pythonAvailable() {
    try {
      Process process = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
      process.getInputStream().readAllBytes();
      return process.waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
