package pcam.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OnednnIsaTest {
  @Test
  void readsTheIsaLineOfBothLogFormats() {
    // oneDNN 3.5 (TensorFlow 2.18) and 3.7 (PyTorch 2.7, with a "v1" field) write it differently.
    assertThat(OnednnIsa.parse("x\nonednn_verbose,info,cpu,isa:Intel AVX-512 with Intel DL Boost\nonednn_verbose,info,gpu"))
        .contains("Intel AVX-512 with Intel DL Boost");
    assertThat(OnednnIsa.parse("onednn_verbose,v1,info,cpu,isa:Intel AVX2\n")).contains("Intel AVX2");
    assertThat(OnednnIsa.parse("onednn_verbose,info,cpu,runtime:threadpool,nthr:2\n")).isEmpty();
  }

  @Test
  @pcam.Slow
  void tensorflowsOnednnReportsTheIsaItDispatchedTo() {
    // A real child JVM with ONEDNN_VERBOSE=1: TF's oneDNN names an ISA on any x86-64 CPU.
    assertThat(OnednnIsa.probe("tf")).hasValueSatisfying(isa -> assertThat(isa).containsIgnoringCase("Intel"));
  }
}
