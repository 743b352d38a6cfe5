package pcam.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import pcam.model.Device;

/**
 * The CPU ISA oneDNN actually dispatched to, as oneDNN itself reports it: a child JVM runs one
 * small op through TensorFlow (or through the DJL peer's PyTorch, with {@code djl}) with {@code
 * ONEDNN_VERBOSE=1}, and the {@code info,cpu,isa:} line of its log is read back (e.g. "Intel AVX-512
 * with Intel DL Boost and bfloat16 support"). A child process, because oneDNN reads the variable
 * once per process. Empty when the child fails or logs no such line.
 */
public final class OnednnIsa {
  private static final Pattern ISA = Pattern.compile("onednn_verbose,(?:v\\d+,)?info,cpu,isa:(.*)");

  private OnednnIsa() {}

  /** The ISA TensorFlow's oneDNN picked ({@code engine = "tf"}) or the DJL peer's ({@code "djl"}). */
  public static Optional<String> probe(String engine) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), OnednnIsa.class.getName(), engine)
            .redirectErrorStream(true);
    builder.environment().put("ONEDNN_VERBOSE", "1");
    builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    try {
      Process process = builder.start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor();
      return parse(out);
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  static Optional<String> parse(String log) {
    for (String line : log.split("\n")) {
      Matcher m = ISA.matcher(line.trim());
      if (m.matches()) {
        return Optional.of(m.group(1).trim());
      }
    }
    return Optional.empty();
  }

  /** Child side: one small oneDNN op through the named engine. */
  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("djl")) {
      DjlBridge.measure(1, new Throughput.Plan(1, 0, 1));
    } else {
      try (MatmulBench matmul = new MatmulBench(64, Device.parse("cpu").sessionConfig(1))) {
        matmul.gflops();
      }
    }
  }
}
