package pcam.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;
import pcam.bench.MemoryProbe;
import pcam.data.PatchSource;
import pcam.util.AtomicFiles;
import pcam.util.InputException;

@Command(
    name = "memory",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description = {
      "Peak memory of a real 'pcam train --epochs 1' on --data, run in a child JVM with a fixed heap limit, sampling "
          + "RssAnon (heap plus native memory; the memory-mapped pixel store's pages are page cache, RssFile, which "
          + "the kernel can drop) from /proc/PID/status. Make data of any size with 'pcam synth --n N --out DIR'.",
      "Arguments it does not know pass through to train (e.g. --crop 48 --batch-size 128).",
      "Example: pcam synth --n 50000 --out /tmp/s50k && pcam bench memory --data /tmp/s50k"
    })
public final class BenchMemoryCommand implements java.util.concurrent.Callable<Integer> {
  @Spec private CommandSpec spec;

  @Mixin private SourceOptions source;

  @Option(names = "--heap", defaultValue = "2g", paramLabel = "SIZE", description = "The child JVM's -Xmx.")
  private String heap;

  @Option(names = "--every-ms", defaultValue = "100", paramLabel = "MS", description = "Sampling interval.")
  private int everyMs;

  @Option(names = "--keep", paramLabel = "DIR", description = "Keep the run directory and train.log here. Default: a temp folder, deleted.")
  private Path keep;

  @Unmatched private List<String> trainArgs = new ArrayList<>();

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (!heap.matches("\\d+[kKmMgG]?")) {
      throw new InputException("--heap must be a JVM size such as 2g or 1536m, got " + heap);
    }
    if (everyMs < 1) {
      throw new InputException("--every-ms must be positive, got " + everyMs);
    }
    int n;
    try (PatchSource patches = source.labelledSource().open()) {
      n = patches.size();
    }
    Path work = keep != null ? keep : Files.createTempDirectory("pcam-bench-memory");
    Files.createDirectories(work);
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap,
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "train"));
    command.addAll(source.asArguments());
    command.addAll(List.of("--epochs", "1", "--out", work.resolve("run").toString()));
    command.addAll(trainArgs);
    Path log = work.resolve("child.log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "2");
    long start = System.nanoTime();
    Process child = builder.start();
    double peakAnon = 0;
    double peakFile = 0;
    double hwm = 0;
    while (!child.waitFor(everyMs, TimeUnit.MILLISECONDS)) {
      peakAnon = max(peakAnon, MemoryProbe.statusFieldMb(child.pid(), "RssAnon:"));
      peakFile = max(peakFile, MemoryProbe.statusFieldMb(child.pid(), "RssFile:"));
      hwm = max(hwm, MemoryProbe.statusFieldMb(child.pid(), "VmHWM:"));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    PrintWriter out = spec.commandLine().getOut();
    if (child.exitValue() != 0) {
      List<String> lines = Files.readAllLines(log);
      throw new IllegalStateException("the train run failed (exit " + child.exitValue() + "); last lines of " + log + ":\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
    }
    out.printf(Locale.ROOT, "train --epochs 1 on %d patches with -Xmx%s: peak RssAnon %.0f MB, "
        + "peak RssFile %.0f MB, VmHWM %.0f MB, %.0f s%n", n, heap, peakAnon, peakFile, hwm, seconds);
    out.printf(Locale.ROOT, "command: %s%n", String.join(" ", command.subList(command.indexOf(Main.class.getName()) + 1, command.size())));
    if (keep == null) {
      AtomicFiles.deleteRecursively(work);
    } else {
      out.printf("kept %s (run/, child.log)%n", work);
    }
    out.flush();
    return ExitCodes.OK;
  }

  private static double max(double a, double b) {
    return Double.isNaN(b) ? a : Math.max(a, b);
  }
}
