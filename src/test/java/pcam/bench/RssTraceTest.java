package pcam.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RssTraceTest {
  @Test
  void samplesAtEvenIntervalsIncludingBefore() {
    List<Long> seen = new ArrayList<>();
    RssTrace.Trace trace = RssTrace.run(10, 5, seen::add);
    assertThat(seen).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    assertThat(trace.steps()).containsExactly(0L, 2L, 4L, 6L, 8L, 10L);
    assertThat(trace.rssMb()).hasSize(6).allSatisfy(mb -> assertThat(mb).isPositive());
  }

  @Test
  void memoryKeptByTheStepsShowsAsGrowth() {
    // Earlier tests in this JVM leave garbage; settle the heap first so its shrinking after the
    // trace's own GCs cannot hide the growth. The "leak" is off-heap, where no GC returns it.
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    List<ByteBuffer> kept = new ArrayList<>();
    // 8 steps x 32 MB, touched so the pages are resident: a deliberate 256 MB leak.
    RssTrace.Trace trace =
        RssTrace.run(8, 4, i -> {
          ByteBuffer block = ByteBuffer.allocateDirect(32 << 20);
          for (int j = 0; j < block.capacity(); j += 4096) {
            block.put(j, (byte) 1);
          }
          kept.add(block);
        });
    assertThat(kept).hasSize(8);
    assertThat(trace.growthMb()).isGreaterThan(200);
    assertThat(trace.secondHalfGrowthMb()).isGreaterThan(100);
  }
}
