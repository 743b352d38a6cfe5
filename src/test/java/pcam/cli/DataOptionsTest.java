package pcam.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import pcam.data.DataSpec;
import pcam.util.InputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class DataOptionsTest {
  @Command(name = "probe", mixinStandardHelpOptions = true, showDefaultValues = true)
  static final class Probe {
    @Mixin DataOptions data;
  }

  @Test
  void dataDirMeansTheKaggleLayoutWithDefaults() {
    DataSpec spec = parse("--data", "/d");
    assertThat(spec).isEqualTo(new DataSpec(Path.of("/d/train_labels.csv"), Path.of("/d/train"), null, null, 0.1, 42,
        10, 245, false, false, true));
  }

  @Test
  void explicitFormAndEveryFlag() {
    DataSpec spec = parse("--labels", "l.csv", "--images", "imgs", "--limit", "10000", "--sample", "500", "--seed", "7",
        "--val-fraction", "0.2", "--dark-threshold", "5", "--bright-threshold", "250", "--skip-missing", "--skip-bad",
        "--no-cache");
    assertThat(spec).isEqualTo(new DataSpec(Path.of("l.csv"), Path.of("imgs"), 10000, 500, 0.2, 7, 5, 250, true, true,
        false));
  }

  @Test
  void badCombinationsAndValuesAreNamed() {
    assertBad("no dataset given: use --data DIR (Kaggle layout) or --labels CSV with --images DIR");
    assertBad("give either --data DIR or --labels CSV with --images DIR, not both", "--data", "d", "--labels", "l");
    assertBad("--labels needs --images DIR", "--labels", "l.csv");
    assertBad("--images needs --labels CSV", "--images", "i");
    assertBad("--val-fraction must be in [0, 1), got 1.0", "--data", "d", "--val-fraction", "1");
    assertBad("--val-fraction must be in [0, 1), got -0.1", "--data", "d", "--val-fraction", "-0.1");
    assertBad("--limit must be at least 1, got -5", "--data", "d", "--limit", "-5");
    assertBad("--sample must be at least 1, got 0", "--data", "d", "--sample", "0");
    assertBad("--dark-threshold must be within 0..255, got 300", "--data", "d", "--dark-threshold", "300");
    assertBad("--dark-threshold (200) must not exceed --bright-threshold (100)", "--data", "d",
        "--dark-threshold", "200", "--bright-threshold", "100");
  }

  @Test
  void helpExplainsEveryOption() {
    String help = new CommandLine(new Probe()).getUsageMessage();
    for (String flag : new String[] {"--data=DIR", "--labels=CSV", "--images=DIR", "--limit=N", "--sample=N", "--seed=S",
        "--val-fraction=F", "--dark-threshold=V", "--bright-threshold=V", "--skip-missing", "--skip-bad", "--no-cache"}) {
      assertThat(help).contains(flag);
    }
    assertThat(help).contains("Default: 42").contains("Default: 0.1").contains("Default: 10").contains("Default: 245");
  }

  private static DataSpec parse(String... args) {
    Probe probe = new Probe();
    new CommandLine(probe).parseArgs(args);
    return probe.data.toSpec();
  }

  private static void assertBad(String message, String... args) {
    assertThatThrownBy(() -> parse(args)).isInstanceOf(InputException.class).hasMessage(message);
  }
}
