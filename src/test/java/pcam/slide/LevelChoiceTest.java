package pcam.slide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import pcam.util.InputException;

class LevelChoiceTest {
  private static List<Slide.Level> mosaicLevels() {
    try (Slide slide = Slide.open(Mosaic.slide())) {
      return slide.levels();
    }
  }

  @Test
  void aPcamModelReadsMosaicLevelOneAsItIs() {
    LevelChoice c = LevelChoice.choose(mosaicLevels(), 0.486, 0.972, 96, 96, null);
    assertThat(c.level()).isEqualTo(1);
    assertThat(c.resample()).isFalse();
    assertThat(c.windowPx()).isEqualTo(96);
    assertThat(c.windowLevel0()).isEqualTo(192);
    assertThat(c.reason()).contains("closest");
  }

  @Test
  void withinTenPercentNoResampling() {
    // 0.972 * 1.09: level 1 is 8.3% finer, within the tolerance.
    LevelChoice c = LevelChoice.choose(mosaicLevels(), 0.486, 1.06, 96, 48, null);
    assertThat(c.level()).isEqualTo(1);
    assertThat(c.resample()).isFalse();
    assertThat(c.stridePx()).isEqualTo(48);
  }

  @Test
  void noLevelCloseEnoughReadsTheFinerOneAndResamples() {
    // 1.3 µm/px: level 1 (0.972) is 25% finer, level 2 (1.944) 50% coarser.
    LevelChoice c = LevelChoice.choose(mosaicLevels(), 0.486, 1.3, 96, 96, null);
    assertThat(c.level()).isEqualTo(1);
    assertThat(c.resample()).isTrue();
    assertThat(c.windowPx()).isEqualTo((int) Math.round(96 * 1.3 / 0.972));
    assertThat(c.reason()).contains("resampling");
    // Finer than level 0: level 0, upsampled.
    LevelChoice fine = LevelChoice.choose(mosaicLevels(), 0.486, 0.25, 96, 96, null);
    assertThat(fine.level()).isZero();
    assertThat(fine.windowPx()).isEqualTo(49);
  }

  @Test
  void forcedLevel() {
    LevelChoice c = LevelChoice.choose(mosaicLevels(), 0.486, 0.972, 96, 96, 2);
    assertThat(c.level()).isEqualTo(2);
    assertThat(c.windowPx()).isEqualTo(96);
    assertThat(c.windowLevel0()).isEqualTo(384);
    assertThat(c.reason()).contains("--level");
    assertThatThrownBy(() -> LevelChoice.choose(mosaicLevels(), 0.486, 0.972, 96, 96, 5))
        .isInstanceOf(InputException.class).hasMessageContaining("levels 0..4");
  }
}
