package pcam.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import pcam.util.ProcInfo;

class MachineTest {
  @Test
  void readsModelAndFlagsOfTheFirstProcessor() {
    List<String> cpuinfo = List.of(
        "processor\t: 0", "model name\t: AMD EPYC 7B13", "flags\t\t: fpu sse4_1 sse4_2 avx avx2 fma",
        "processor\t: 1", "model name\t: other", "flags\t\t: fpu");
    assertThat(Machine.cpuModel(cpuinfo)).isEqualTo("AMD EPYC 7B13");
    assertThat(ProcInfo.cpuFlags(cpuinfo)).containsExactly("fpu", "sse4_1", "sse4_2", "avx", "avx2", "fma");
    assertThat(Machine.cpuModel(List.of())).isEqualTo("unknown");
    List<String> numbered = List.of("processor\t: 0", "cpu family\t: 26", "model\t\t: 2", "model name\t: AMD EPYC");
    assertThat(Machine.cpuModel(numbered)).isEqualTo("AMD EPYC (family 26, model 2)");
  }

  @Test
  void isaFollowsOneDnnLevels() {
    Set<String> avx512 = Set.of("avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq");
    assertThat(Machine.isa(Set.of("sse4_1", "avx", "avx2", "fma"))).isEqualTo("avx2"); // AMD EPYC Rome/Milan
    assertThat(Machine.isa(avx512)).isEqualTo("avx512_core"); // Skylake
    assertThat(Machine.isa(plus(avx512, "avx512_vnni"))).isEqualTo("avx512_core_vnni"); // Cascade Lake
    assertThat(Machine.isa(plus(avx512, "avx512_vnni", "avx512_bf16"))).isEqualTo("avx512_core_bf16"); // Cooper Lake, Zen 4
    assertThat(Machine.isa(plus(avx512, "avx512_vnni", "avx512_bf16", "amx_tile", "amx_bf16", "amx_int8", "avx512_fp16")))
        .isEqualTo("avx512_core_amx"); // Sapphire Rapids
    assertThat(Machine.isa(plus(avx512, "avx512_vnni", "avx512_bf16", "avx512_fp16"))).isEqualTo("avx512_core_fp16");
    assertThat(Machine.isa(plus(avx512, "avx512_vnni", "avx512_bf16", "amx_tile", "amx_bf16", "amx_int8", "amx_fp16")))
        .isEqualTo("avx512_core_amx_fp16"); // Granite Rapids
    assertThat(Machine.isa(Set.of("avx512f", "avx2", "fma"))).isEqualTo("avx2"); // AVX-512 without BW/VL/DQ is not avx512_core
    assertThat(Machine.isa(Set.of())).isEqualTo("unknown");
  }

  private static Set<String> plus(Set<String> base, String... more) {
    var s = new java.util.HashSet<>(base);
    s.addAll(List.of(more));
    return s;
  }
}
