package pcam.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

@pcam.Slow
class LoadProbeTest {
  @Test
  void extrapolatesLinearlyAboveTheBaseline() {
    // 4,000 patches took 200 MB above a 100 MB baseline: 0.05 MB each, so 220,025 take 11,001.25 MB more.
    LoadProbe.Result result = new LoadProbe.Result(100, 300, 4000);
    assertThat(result.mbPerPatch()).isCloseTo(0.05, within(1e-12));
    assertThat(result.peakMbAt(LoadProbe.KAGGLE_TRAIN_PATCHES)).isCloseTo(100 + 0.05 * 220_025, within(1e-6));
  }
}
