package pcam.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident set size of this process from /proc (Linux). RSS counts native TensorFlow memory too,
 * which the JVM's own heap figures cannot see.
 */
public final class MemoryProbe {
  private MemoryProbe() {}

  /** Current RSS in MB, or NaN where /proc is unavailable. */
  public static double rssMb() {
    return statusFieldMb("VmRSS:");
  }

  /**
   * Anonymous RSS in MB: heap plus native memory, without file pages (shared libraries, the
   * memory-mapped pixel store), which the kernel may drop at any time under memory pressure.
   * Falls back to {@link #rssMb()} where the kernel has no {@code RssAnon} field.
   */
  public static double anonRssMb() {
    double anon = statusFieldMb("RssAnon:");
    return Double.isNaN(anon) ? rssMb() : anon;
  }

  /** Peak RSS ("high water mark") in MB since the process started. */
  public static double peakRssMb() {
    return statusFieldMb("VmHWM:");
  }

  /**
   * A field of {@code /proc/<pid>/status} in MB ({@code RssAnon:} is heap plus native memory; a
   * mapped file's resident pages are {@code RssFile:}), or NaN once the process is gone.
   */
  public static double statusFieldMb(long pid, String field) {
    return statusFieldMb(Path.of("/proc", Long.toString(pid), "status"), field);
  }

  private static double statusFieldMb(String field) {
    return statusFieldMb(Path.of("/proc/self/status"), field);
  }

  private static double statusFieldMb(Path status, String field) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith(field)) {
          String kb = line.substring(field.length()).trim().split("\\s+")[0];
          return Long.parseLong(kb) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }
}
