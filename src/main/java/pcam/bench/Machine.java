package pcam.bench;

import java.util.List;
import java.util.Set;
import pcam.util.ProcInfo;

/**
 * What the benchmark ran on, from /proc (Linux); "unknown" elsewhere. The same "2 cores" can be an
 * AVX2-only AMD EPYC or an AVX-512/AMX Xeon, with matmul ceilings twice apart, so the CPU model,
 * its vector flags and the best oneDNN ISA they allow are recorded with every run.
 */
public record Machine(int cores, String cpuModel, double ramGb, List<String> vectorFlags, String isa) {
  /** The /proc/cpuinfo flags that decide which kernels oneDNN and PyTorch can use. */
  private static final List<String> VECTOR_FLAGS = List.of(
      "sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx_vnni",
      "avx512_bf16", "avx512_fp16", "amx_tile", "amx_bf16", "amx_int8", "amx_fp16");

  public static Machine current() {
    List<String> cpuinfo = ProcInfo.lines("/proc/cpuinfo");
    Set<String> flags = ProcInfo.cpuFlags(cpuinfo);
    return new Machine(Runtime.getRuntime().availableProcessors(), cpuModel(cpuinfo), readRamGb(),
        VECTOR_FLAGS.stream().filter(flags::contains).toList(), isa(flags));
  }

  /**
   * The first processor's model name, with its family and model numbers when /proc gives them: a
   * virtual machine may name only "AMD EPYC", and family 25 (Zen 3/4) and 26 (Zen 5) differ.
   */
  static String cpuModel(List<String> cpuinfo) {
    String name = field(cpuinfo, "model name");
    String family = field(cpuinfo, "cpu family");
    String model = field(cpuinfo, "model");
    if (name == null) {
      return "unknown";
    }
    return family == null || model == null ? name : name + " (family " + family + ", model " + model + ")";
  }

  /** The first processor's value of a /proc/cpuinfo field, or null. */
  private static String field(List<String> cpuinfo, String key) {
    for (String line : cpuinfo) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
        return line.substring(colon + 1).trim();
      }
    }
    return null;
  }

  /**
   * The highest oneDNN CPU ISA level these flags allow (oneDNN's names, as in ONEDNN_MAX_CPU_ISA
   * and the "isa:" line of ONEDNN_VERBOSE): what oneDNN dispatches to unless told otherwise.
   */
  static String isa(Set<String> f) {
    boolean avx512core = f.containsAll(List.of("avx512f", "avx512bw", "avx512vl", "avx512dq"));
    if (avx512core && f.containsAll(List.of("amx_tile", "amx_bf16", "amx_int8", "avx512_bf16", "avx512_vnni"))) {
      return f.contains("amx_fp16") ? "avx512_core_amx_fp16" : "avx512_core_amx";
    }
    if (avx512core && f.containsAll(List.of("avx512_bf16", "avx512_vnni", "avx512_fp16"))) {
      return "avx512_core_fp16";
    }
    if (avx512core && f.contains("avx512_bf16") && f.contains("avx512_vnni")) {
      return "avx512_core_bf16";
    }
    if (avx512core && f.contains("avx512_vnni")) {
      return "avx512_core_vnni";
    }
    if (avx512core) {
      return "avx512_core";
    }
    if (f.containsAll(List.of("avx2", "fma"))) {
      return f.contains("avx_vnni") ? "avx2_vnni" : "avx2";
    }
    if (f.contains("avx")) {
      return "avx";
    }
    return f.contains("sse4_1") ? "sse41" : "unknown";
  }

  private static double readRamGb() {
    for (String line : ProcInfo.lines("/proc/meminfo")) {
      if (line.startsWith("MemTotal:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0;
      }
    }
    return Double.NaN;
  }
}
