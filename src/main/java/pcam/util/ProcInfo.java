package pcam.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** What Linux tells about the machine in /proc: read leniently, empty elsewhere or when unreadable. */
public final class ProcInfo {
  private ProcInfo() {}

  /** The lines of a /proc file ({@code /proc/cpuinfo}, {@code /proc/meminfo}); none when absent (not Linux) or unreadable. */
  public static List<String> lines(String file) {
    try {
      return Files.readAllLines(Path.of(file));
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  /** This machine's CPU flags (the first processor's, from /proc/cpuinfo); empty when unknown. */
  public static Set<String> cpuFlags() {
    return cpuFlags(lines("/proc/cpuinfo"));
  }

  /** The first processor's flags in /proc/cpuinfo's lines, in their order. */
  public static Set<String> cpuFlags(List<String> cpuinfo) {
    for (String line : cpuinfo) {
      if (line.startsWith("flags")) {
        return new LinkedHashSet<>(Arrays.asList(line.substring(line.indexOf(':') + 1).trim().split("\\s+")));
      }
    }
    return Set.of();
  }
}
