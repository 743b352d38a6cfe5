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
  void defaultsAreFlipsOnly() {
    assertThat(parse()).isEqualTo(Augmentation.DEFAULT).isEqualTo(new Augmentation(true, true, 0));
  }

  @Test
  void flagsTurnPartsOff() {
    assertThat(parse("--no-hflip", "--rotation", "40")).isEqualTo(new Augmentation(false, true, 40));
    assertThat(parse("--no-vflip")).isEqualTo(new Augmentation(true, false, 0));
    assertThat(parse("--no-hflip", "--no-vflip").isNone()).isTrue();
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
    assertThat(help).contains("--rotation=DEG").contains("Default: 0").contains("--no-hflip").contains("--no-vflip");
  }

  private static Augmentation parse(String... args) {
    Probe probe = new Probe();
    new CommandLine(probe).parseArgs(args);
    return probe.augment.toAugmentation();
  }
}
