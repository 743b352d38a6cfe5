package pcam.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import pcam.data.DataSpec;
import pcam.data.Datasets;
import pcam.data.PatchSet;

/**
 * Peak memory for loading a labelled Kaggle folder onto the heap, as {@code pcam train} did before
 * the memory-mapped store (decode cache off, so every file is decoded and the pixels live on the
 * heap): the baseline that store is measured against. {@code pcam bench memory} measures train's
 * default. Measured in a fresh JVM: the peak (VmHWM) is process-wide, so in the benchmark's own
 * process it would include TensorFlow and earlier benchmarks.
 */
public final class LoadProbe {
  /** RSS before loading, peak RSS, and patches loaded. */
  public record Result(double baselineMb, double peakMb, int patches) {
    /** MB per loaded patch above the baseline: pixels plus per-patch overhead and decode garbage. */
    public double mbPerPatch() {
      return (peakMb - baselineMb) / patches;
    }

    /** Linear extrapolation of the peak to {@code n} patches (e.g. Kaggle's 220,025). */
    public double peakMbAt(int n) {
      return baselineMb + mbPerPatch() * n;
    }
  }

  public static final int KAGGLE_TRAIN_PATCHES = 220_025;

  private LoadProbe() {}

  /** Runs {@link #main} in a child JVM with this process's classpath and heap limit. */
  public static Result inSubprocess(Path kaggleDir) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    long maxHeapMb = Runtime.getRuntime().maxMemory() >> 20;
    ProcessBuilder builder =
        new ProcessBuilder(java, "-Xmx" + maxHeapMb + "m", "-cp", System.getProperty("java.class.path"),
            LoadProbe.class.getName(), kaggleDir.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    try {
      Process process = builder.start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      int code = process.waitFor();
      if (code != 0) {
        throw new IllegalStateException("load probe exited with " + code + ": " + out);
      }
      String[] lines = out.split("\n");
      String[] parts = lines[lines.length - 1].trim().split(" ");
      return new Result(Double.parseDouble(parts[0]), Double.parseDouble(parts[1]), Integer.parseInt(parts[2]));
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the load probe: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Prints "baselineMb peakMb patches" for the Kaggle folder given as the only argument. */
  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    // Load the classes the load uses first, so the baseline is the JVM plus pcam, not zero.
    List.of(Datasets.class, PatchSet.class).forEach(Class::getName);
    double baseline = MemoryProbe.rssMb();
    DataSpec spec =
        new DataSpec(dir.resolve("train_labels.csv"), dir.resolve("train"), null, null, 0, 1,
            DataSpec.DEFAULT_DARK_THRESHOLD, DataSpec.DEFAULT_BRIGHT_THRESHOLD, false, false, false);
    PatchSet set = Datasets.loadLabelled(spec);
    System.out.printf(Locale.ROOT, "%.1f %.1f %d%n", baseline, MemoryProbe.peakRssMb(), set.size());
  }
}
