package pcam.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import pcam.data.Augmentation;
import pcam.util.InputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class AugmentOptionsTest {
  @Command(name = "probe", mixinStandardHelpOptions = true, showDefaultValues = true)
  static final class Probe {
    @Mixin AugmentOptions augment;
  }

  @Test
  void defaultIsTheDefaultPreset() {
    assertThat(parse()).isEqualTo(Augmentation.DEFAULT).isEqualTo(Augmentation.preset(Augmentation.DEFAULT_PRESET));
  }

  @Test
  void presetsAndKnobsCombine() {
    assertThat(parse("--augment", "d8")).isEqualTo(Augmentation.D8);
    assertThat(parse("--augment", "study")).isEqualTo(new Augmentation(true, true, 40));
    assertThat(parse("--augment", "d8+stain", "--stain-jitter", "0.2").stainJitter()).isEqualTo(0.2);
    assertThat(parse("--augment", "d8", "--color-jitter", "0.1,0.2,0.3,0.05"))
        .isEqualTo(Augmentation.D8.withColorJitter(0.1, 0.2, 0.3, 0.05));
    assertThat(parse("--augment", "none", "--stain-jitter", "0.05"))
        .isEqualTo(Augmentation.NONE.withStainJitter(0.05));
    assertThat(parse("--augment", "d8", "--no-vflip")).isEqualTo(Augmentation.D8.withFlips(true, false));
  }

  @Test
  void badPresetsAndKnobsAreNamed() {
    assertThatThrownBy(() -> parse("--augment", "d16")).isInstanceOf(InputException.class)
        .hasMessage("--augment: unknown augmentation preset 'd16' (choose from none, flips, d8, d8+stain, study)");
    assertThatThrownBy(() -> parse("--color-jitter", "0.1,0.1")).isInstanceOf(InputException.class)
        .hasMessage("--color-jitter needs four numbers B,C,S,H, got '0.1,0.1'");
    assertThatThrownBy(() -> parse("--color-jitter", "0.1,x,0,0")).isInstanceOf(InputException.class)
        .hasMessage("--color-jitter: 'x' is not a number (in '0.1,x,0,0')");
    assertThatThrownBy(() -> parse("--color-jitter", "0,0,0,0.7")).isInstanceOf(InputException.class)
        .hasMessage("--color-jitter: hue must be within [0, 0.5], got 0.7");
    assertThatThrownBy(() -> parse("--stain-jitter", "-0.1")).isInstanceOf(InputException.class)
        .hasMessage("--stain-jitter must be within [0, 1), got -0.1");
  }

  @Test
  void flagsTurnPartsOff() {
    assertThat(parse("--augment", "flips", "--no-hflip", "--rotation", "40")).isEqualTo(new Augmentation(false, true, 40));
    assertThat(parse("--augment", "flips", "--no-vflip")).isEqualTo(new Augmentation(true, false, 0));
    assertThat(parse("--augment", "flips", "--no-hflip", "--no-vflip").isNone()).isTrue();
  }

  @Test
  void rotationOutOfRangeIsNamed() {
    assertThatThrownBy(() -> parse("--rotation", "200"))
        .isInstanceOf(InputException.class).hasMessage("--rotation must be within 0..180 degrees, got 200.0");
    assertThatThrownBy(() -> parse("--rotation", "-1")).isInstanceOf(InputException.class);
  }

  @Test
  void helpExplainsEachFlag() {
    String help = new CommandLine(new Probe()).getUsageMessage();
    assertThat(help).contains("--augment=PRESET").contains("d8+stain").contains("--stain-jitter=SIGMA")
        .contains("--color-jitter=B,C,S,H").contains("--rotation=DEG").contains("--no-hflip").contains("--no-vflip");
  }

  private static Augmentation parse(String... args) {
    Probe probe = new Probe();
    new CommandLine(probe).parseArgs(args);
    return probe.augment.toAugmentation();
  }
}
