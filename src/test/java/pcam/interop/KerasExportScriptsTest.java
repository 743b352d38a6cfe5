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
 * check that they compile, and check the fixes of issue 13 on their syntax trees (Python's {@code
 * ast}): {@code _restore} assigns {@code tf.ensure_shape(restored, v.shape)}, BatchNormalization
 * layers stay frozen and the base runs with {@code training=False}; and that requirements.txt pins
 * keras. Needs python3; skipped without it, except on CI.
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

  /** Runs a Python check over {@code export_keras.py}'s syntax tree; it prints one line per problem. */
  private static String astProblems(String check) throws Exception {
    assumePython();
    String program = String.join("\n",
        "import ast, sys",
        "tree = ast.parse(open('keras-export/export_keras.py').read())",
        "functions = {f.name: f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)}",
        "def calls(node, attr):",
        "    return [c for c in ast.walk(node) if isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute) and c.func.attr == attr]",
        "problems = []",
        check,
        "print('\\n'.join(problems))");
    Process process = new ProcessBuilder("python3", "-c", program).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(process.waitFor()).as("python output:%n%s", output).isZero();
    return output;
  }

  @Test
  void restoreAssignsRestoredValuesWithTheVariablesShape() throws Exception {
    String problems = astProblems(String.join("\n",
        "assigns = calls(functions['_restore'], 'assign')",
        "if not assigns: problems.append('_restore assigns nothing')",
        "for a in assigns:",
        "    arg = a.args[0] if a.args else None",
        "    ok = isinstance(arg, ast.Call) and ast.unparse(arg.func) == 'tf.ensure_shape' and ast.unparse(arg.args[1]) == 'v.shape'",
        "    if not ok: problems.append('line %d: %s' % (a.lineno, ast.unparse(a)))"));

    assertThat(problems).as("assign calls in _restore without tf.ensure_shape(restored, v.shape)").isEmpty();
  }

  @Test
  void batchNormalizationLayersStayFrozenAndTheBaseRunsInInferenceMode() throws Exception {
    String problems = astProblems(String.join("\n",
        "build = functions['build_model']",
        "sets = [n for n in ast.walk(build) if isinstance(n, ast.Assign) and any(ast.unparse(t) == 'layer.trainable' for t in n.targets)]",
        "if not any('not isinstance(layer, keras.layers.BatchNormalization)' in ast.unparse(n.value) for n in sets):",
        "    problems.append('layer.trainable ignores BatchNormalization: ' + '; '.join(ast.unparse(n) for n in sets))",
        "base_calls = [c for c in ast.walk(build) if isinstance(c, ast.Call) and ast.unparse(c.func) == 'base']",
        "if not any(any(k.arg == 'training' and ast.unparse(k.value) == 'False' for k in c.keywords) for c in base_calls):",
        "    problems.append('base is not called with training=False: ' + '; '.join(ast.unparse(c) for c in base_calls))"));

    assertThat(problems).isEmpty();
  }

  @Test
  void requirementsPinTensorflowAndAKerasThatTensorflow218Accepts() throws IOException {
    List<String> pins = Files.readAllLines(SCRIPTS.resolve("requirements.txt")).stream()
        .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();

    assertThat(pins).contains("tensorflow==2.18.*");
    // TF 2.18 requires keras >= 3.5 (and < 4); 3.8.0 wrote the keras3-*-tf2.18 fixtures.
    assertThat(pins).filteredOn(l -> l.startsWith("keras")).singleElement().isEqualTo("keras==3.8.0");
  }

  private static void assumePython() {
    boolean python = pythonAvailable();
    if (!python && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError("python3 is required on CI to check the keras-export scripts");
    }
    assumeTrue(python, "python3 not found; skipping the syntax-tree checks of keras-export/export_keras.py");
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
