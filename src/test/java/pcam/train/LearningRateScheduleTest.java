package pcam.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import pcam.train.LearningRateSchedule.Config;
import pcam.train.LearningRateSchedule.Kind;
import pcam.util.InputException;

class LearningRateScheduleTest {
  private static EpochRecord auc(int epoch, double auc) {
    return new EpochRecord(epoch, 0.5, 0.8, 0.5, 0.8, auc, 0, 100);
  }

  @Test
  void constantNeverChanges() {
    LearningRateSchedule s = Config.CONSTANT.create(1e-3, 10);
    assertThat(s.rate(0, 0, 10)).isEqualTo(1e-3);
    assertThat(s.rate(9, 9, 10)).isEqualTo(1e-3);
  }

  @Test
  void stepHalvesEveryTwoEpochs() {
    LearningRateSchedule s = new Config(Kind.STEP, 2, 0.5, 1, 0).create(0.1, 10);
    assertThat(s.rate(0, 0, 5)).isEqualTo(0.1);
    assertThat(s.rate(1, 4, 5)).isEqualTo(0.1);
    assertThat(s.rate(2, 0, 5)).isEqualTo(0.05);
    assertThat(s.rate(5, 0, 5)).isCloseTo(0.025, within(1e-15));
  }

  @Test
  void cosineFallsFromTheRateToTheFloorOverTheRun() {
    LearningRateSchedule s = new Config(Kind.COSINE, 1, 0.5, 1, 0.01).create(1.0, 4);
    assertThat(s.rate(0, 0, 10)).isCloseTo(1.0, within(1e-12));
    assertThat(s.rate(2, 0, 10)).isCloseTo(0.01 + 0.99 * 0.5, within(1e-12)); // half way: cos(pi/2) = 0
    assertThat(s.rate(3, 5, 10)).isCloseTo(0.01 + 0.495 * (1 + Math.cos(Math.PI * 3.5 / 4)), within(1e-12));
  }

  @Test
  void plateauReducesAfterPatienceEpochsWithoutABetterAucAndStopsAtTheFloor() {
    LearningRateSchedule s = new Config(Kind.PLATEAU, 1, 0.1, 2, 1e-4).create(1e-2, 20);
    s.epochEnded(auc(1, 0.80));
    s.epochEnded(auc(2, 0.85));
    s.epochEnded(auc(3, 0.84));
    assertThat(s.rate(3, 0, 10)).isEqualTo(1e-2); // one flat epoch: wait
    s.epochEnded(auc(4, 0.85)); // equal is not better
    assertThat(s.rate(4, 0, 10)).isCloseTo(1e-3, within(1e-12));
    s.epochEnded(auc(5, 0.86));
    s.epochEnded(auc(6, 0.80));
    s.epochEnded(auc(7, 0.80));
    assertThat(s.rate(7, 0, 10)).isCloseTo(1e-4, within(1e-12));
    s.epochEnded(auc(8, 0.80));
    s.epochEnded(auc(9, 0.80));
    assertThat(s.rate(9, 0, 10)).isCloseTo(1e-4, within(1e-12));
  }

  @Test
  void badParametersAreInputErrors() {
    assertThatThrownBy(() -> new Config(Kind.STEP, 0, 0.5, 1, 0)).isInstanceOf(InputException.class);
    assertThatThrownBy(() -> new Config(Kind.STEP, 1, 1.5, 1, 0)).isInstanceOf(InputException.class);
  }

  @Test
  void warmupRampsLinearlyStepByStepThenHandsOver() {
    // 2 epochs of 10 steps: step s (0-based) gets (s + 1) / 20 of the rate.
    LearningRateSchedule s = new Config(Kind.CONSTANT, 5, 0.5, 2, 0, 2).create(0.1, 10);
    assertThat(s.rate(0, 0, 10)).isCloseTo(0.1 / 20, within(1e-15));
    assertThat(s.rate(0, 9, 10)).isCloseTo(0.1 * 10 / 20, within(1e-15));
    assertThat(s.rate(1, 9, 10)).isCloseTo(0.1, within(1e-15));
    assertThat(s.rate(2, 0, 10)).isEqualTo(0.1);
    // Fractional: half an epoch of 10 steps is 5 steps.
    LearningRateSchedule half = new Config(Kind.CONSTANT, 5, 0.5, 2, 0, 0.5).create(1, 3);
    assertThat(half.rate(0, 1, 10)).isCloseTo(2 / 5.0, within(1e-15));
    assertThat(half.rate(0, 7, 10)).isEqualTo(1.0);
  }

  @Test
  void warmupThenCosineAnnealsOverTheEpochsAfterTheWarmup() {
    // 1 warm-up epoch, then cosine from 1.0 to 0 over the remaining 4 of 5 epochs.
    LearningRateSchedule s = new Config(Kind.COSINE, 1, 0.5, 1, 0, 1).create(1.0, 5);
    assertThat(s.rate(0, 4, 10)).isCloseTo(5 / 10.0, within(1e-12));
    assertThat(s.rate(1, 0, 10)).isCloseTo(1.0, within(1e-12));
    assertThat(s.rate(3, 0, 10)).isCloseTo(0.5, within(1e-12)); // 2 of 4 epochs: cos(pi/2) = 0
    assertThat(s.rate(4, 5, 10)).isCloseTo(0.5 * (1 + Math.cos(Math.PI * 3.5 / 4)), within(1e-12));
  }

  @Test
  void warmupKeepsReactingToValidationUnderPlateau() {
    LearningRateSchedule s = new Config(Kind.PLATEAU, 1, 0.5, 1, 0, 1).create(0.2, 10);
    s.epochEnded(auc(1, 0.8));
    s.epochEnded(auc(2, 0.7));
    assertThat(s.rate(2, 0, 10)).isCloseTo(0.1, within(1e-15));
  }

  /** PyTorch OneCycleLR(max_lr=1, total_steps=100, pct_start=0.3, anneal_strategy='cos'), by hand. */
  @Test
  void oneCycleFollowsPyTorchsFormula() {
    LearningRateSchedule s = new Config(Kind.ONECYCLE, 1, 0.5, 1, 0).create(1.0, 10);
    double initial = 1.0 / 25;
    double last = initial / 1e4;
    assertThat(s.rate(0, 0, 10)).isCloseTo(initial, within(1e-12));
    // Rising phase ends at step 0.3 * 100 - 1 = 29.
    double pct = 15 / 29.0;
    assertThat(s.rate(1, 5, 10)).isCloseTo(1.0 + (initial - 1.0) / 2 * (1 + Math.cos(Math.PI * pct)), within(1e-12));
    assertThat(s.rate(2, 9, 10)).isCloseTo(1.0, within(1e-12));
    double down = (60 - 29) / (99 - 29.0);
    assertThat(s.rate(6, 0, 10)).isCloseTo(last + (1.0 - last) / 2 * (1 + Math.cos(Math.PI * down)), within(1e-12));
    assertThat(s.rate(9, 9, 10)).isCloseTo(last, within(1e-15));
    // --lr-warmup sets the rising phase: 2 of 10 epochs = 20 steps, peak at step 19.
    LearningRateSchedule w = new Config(Kind.ONECYCLE, 1, 0.5, 1, 0, 2).create(1.0, 10);
    assertThat(w.rate(1, 9, 10)).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void warmupLongerThanTheRunIsNamed() {
    assertThatThrownBy(() -> new Config(Kind.COSINE, 1, 0.5, 1, 0, 5).create(1, 5))
        .isInstanceOf(InputException.class).hasMessage("--lr-warmup (5.0 epochs) must be shorter than the run (5 epochs)");
    assertThatThrownBy(() -> new Config(Kind.COSINE, 1, 0.5, 1, 0, -1))
        .isInstanceOf(InputException.class).hasMessage("--lr-warmup must be >= 0 epochs, got -1.0");
  }
}
