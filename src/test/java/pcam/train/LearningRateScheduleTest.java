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
    assertThatThrownBy(() -> Kind.fromName("linear")).isInstanceOf(InputException.class).hasMessageContaining("linear");
  }
}
