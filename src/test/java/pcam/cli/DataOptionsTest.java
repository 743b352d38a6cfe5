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
  void dataDirMeansTheKaggleLayoutWithDefaults(@org.junit.jupiter.api.io.TempDir Path d) throws java.io.IOException {
    java.nio.file.Files.writeString(d.resolve("train_labels.csv"), "id,label\n");
    DataSpec spec = parse("--data", d.toString());
    assertThat(spec).isEqualTo(new DataSpec(d.resolve("train_labels.csv"), d.resolve("train"), null, null, 0.1, 42,
        10, 245, false, false, true));
    assertBad(d + ": a Kaggle-layout folder has only labelled train data; --split valid applies to PCam's HDF5 files",
        "--data", d.toString(), "--split", "valid");
  }

  @Test
  void dataDirWithPcamFilesPicksTheSplit(@org.junit.jupiter.api.io.TempDir Path d) throws java.io.IOException {
    for (String f : new String[] {"valid_x", "valid_y", "test_x"}) {
      java.nio.file.Files.writeString(d.resolve("camelyonpatch_level_2_split_" + f + ".h5"), "");
    }
    DataSpec spec = parse("--data", d.toString(), "--split", "valid");
    assertThat(spec.images()).isEqualTo(d.resolve("camelyonpatch_level_2_split_valid_x.h5"));
    assertThat(spec.labels()).isEqualTo(d.resolve("camelyonpatch_level_2_split_valid_y.h5"));
    assertBad(d + ": no PCam train split (camelyonpatch_level_2_split_train_x.h5); this folder has [valid, test]",
        "--data", d.toString());
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
    assertBad("no dataset given: use --data DIR (Kaggle or PCam HDF5 layout) or --images with --labels");
    assertBad("give either --data DIR or --images (with --labels), not both", "--data", "d", "--labels", "l");
    assertBad("--labels needs --images (a folder of .tif, or an HDF5 file)", "--labels", "l.csv");
    assertBad("--images i needs --labels CSV (id,label)", "--images", "i");
    assertBad("--images x_x.h5 needs --labels Y.h5 (PCam's labels file)", "--images", "x_x.h5");
    assertBad("--split picks a PCam split inside --data DIR; with --images give the split's file itself",
        "--images", "x.h5", "--split", "test");
    assertThat(parse("--data", "nope").labels()).isEqualTo(Path.of("nope", "train_labels.csv")); // named when loading
    assertBad("--val-fraction must be in [0, 1), got 1.0", "--data", ".", "--val-fraction", "1");
    assertBad("--val-fraction must be in [0, 1), got -0.1", "--data", ".", "--val-fraction", "-0.1");
    assertBad("--limit must be at least 1, got -5", "--data", ".", "--limit", "-5");
    assertBad("--sample must be at least 1, got 0", "--data", ".", "--sample", "0");
    assertBad("--dark-threshold must be within 0..255, got 300", "--data", ".", "--dark-threshold", "300");
    assertBad("--dark-threshold (200) must not exceed --bright-threshold (100)", "--data", ".",
        "--dark-threshold", "200", "--bright-threshold", "100");
  }

  @Test
  void helpExplainsEveryOption() {
    String help = new CommandLine(new Probe()).getUsageMessage();
    for (String flag : new String[] {"--data=DIR", "--split=SPLIT", "--labels=FILE", "--images=DIR|X.h5", "--limit=N", "--sample=N", "--seed=S",
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
