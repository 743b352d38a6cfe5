package pcam.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import pcam.bench.Throughput.Plan;
import pcam.bench.Throughput.Rate;

class ThroughputTest {
  @Test
  void keepsTheBestRoundsMeanAndTheFastestSingleStep() {
    // Steps alternate 5 ms and 25 ms sleeps. A sleep lasts at least as long as asked, so every
    // round's mean step is at least 15 ms and no step is under 5 ms; the fastest step is one of
    // the short ones, so it beats every round's mean.
    int[] calls = {0};
    Rate rate = Throughput.best(new Plan(4, 1, 2), 10, () -> sleep(calls[0]++ % 2 == 0 ? 5 : 25));

    assertThat(calls[0]).isEqualTo(1 + 2 * 4);
    assertThat(rate.imagesPerSecond()).isPositive().isLessThanOrEqualTo(10 / 0.015);
    assertThat(rate.peakImagesPerSecond()).isGreaterThan(rate.imagesPerSecond()).isLessThanOrEqualTo(10 / 0.005);
  }

  @Test
  void bestKeepsEachFigureItsOwnMaximum() {
    Rate a = new Rate(100, 150);
    Rate b = new Rate(120, 130);

    assertThat(a.best(b)).isEqualTo(new Rate(120, 150));
    assertThat(Rate.NONE.best(a)).isEqualTo(a);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
