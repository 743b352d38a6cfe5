package pcam.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import pcam.model.Device;

class PairedFractionTest {
  @Test
  void eachStepIsComparedWithTheMeanOfTheProductsAroundIt() {
    // 100 GFLOP per step. Step rates 100, 125 and 300 GFLOP/s; the products around them average
    // (100+300)/2 = 200, (300+200)/2 = 250 and (200+100)/2 = 150 GFLOP/s.
    double[] ratios = PairedFraction.ratios(new double[] {100, 300, 200, 100}, new double[] {1.0, 0.8, 1.0 / 3}, 100e9);

    assertThat(ratios[0]).isCloseTo(0.5, within(1e-12));
    assertThat(ratios[1]).isCloseTo(0.5, within(1e-12));
    assertThat(ratios[2]).isCloseTo(2.0, within(1e-12));
  }

  @Test
  void theMedianIgnoresAStepThatABurstSeparatedFromItsProducts() {
    assertThat(PairedFraction.median(List.of(0.5, 2.0, 0.5))).isEqualTo(0.5);
    assertThat(PairedFraction.median(List.of(1.0, 3.0, 2.0, 4.0))).isEqualTo(2.5);
  }

  @Test
  void measureTimesEveryStepBetweenRealProducts() {
    int[] steps = {0};
    try (MatmulBench ceiling = new MatmulBench(64, Device.parse("cpu").sessionConfig(1))) {
      PairedFraction.Result result = PairedFraction.measure(ceiling, () -> {
        steps[0]++;
        sleep(10);
      }, 4, 1_000_000L, new Throughput.Plan(3, 1, 2));

      // One warm-up step, then per round 3 timed steps, each after an untimed one.
      assertThat(steps[0]).isEqualTo(1 + 2 * 3 * 2);
      // A sleep lasts at least as long as asked: at most 4 images per 10 ms.
      assertThat(result.imagesPerSecond()).isPositive().isLessThanOrEqualTo(400);
      assertThat(result.fastestProductGflops()).isPositive();
      assertThat(result.flopFraction()).isPositive();
    }
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
