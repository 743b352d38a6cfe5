package pcam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import pcam.TinySavedModels;
import pcam.data.SyntheticPatches;
import pcam.interop.ContractFixture;
import pcam.util.AtomicFiles;

/**
 * No command's output path can equal, hold or lie inside one of its inputs, however the path is
 * spelled: the same path, its parent, a path inside it, or any of these through a symbolic link.
 * Every such run exits 2 naming both paths and leaves every file as it was. ({@code data stats
 * --out DIR} writes DIR/contact-sheet.png, so its output is that file: the --sheet case.)
 */
class OutputGuardPropertyTest {
  private static Path root;
  private static Path data;
  private static Path run;
  private static Path fineTunable;
  private static final AtomicInteger TRY = new AtomicInteger();

  /** A command line with OUT where the output goes, and the inputs it reads. */
  enum Cmd {
    TRAIN, FINETUNE, SWEEP, EVALUATE, PREDICT, STATS_SHEET, TRAIN_TENSORBOARD;

    List<String> args(String out) {
      String d = data.toString();
      return switch (this) {
        case TRAIN -> List.of("train", "--data", d, "--out", out, "--epochs", "1", "--crop", "32");
        case TRAIN_TENSORBOARD -> List.of("train", "--data", d, "--out", root.resolve("runs").resolve("tb" + TRY.get()).toString(),
            "--tensorboard", out, "--epochs", "1", "--crop", "32");
        case FINETUNE -> List.of("finetune", "--savedmodel", fineTunable.toString(), "--data", d, "--out", out, "--epochs", "1");
        case SWEEP -> List.of("sweep", "--data", d, "--out", out, "--set", "seed=1", "--epochs", "1");
        case EVALUATE -> List.of("evaluate", "--model", run.toString(), "--data", d, "--out", out);
        case PREDICT -> List.of("predict", "--model", run.toString(), "--images", data.resolve("test").toString(),
            "--ids", data.resolve("sample_submission.csv").toString(), "--out", out);
        case STATS_SHEET -> List.of("data", "stats", "--data", d, "--sheet", out);
      };
    }

    List<Path> inputs() {
      List<Path> kaggle = List.of(data.resolve("train_labels.csv"), data.resolve("train"));
      List<Path> all = new ArrayList<>(switch (this) {
        case PREDICT -> List.of(run.resolve("model"), data.resolve("test"), data.resolve("sample_submission.csv"));
        default -> kaggle;
      });
      if (this == EVALUATE) {
        all.add(run.resolve("model"));
      }
      if (this == FINETUNE) {
        all.add(fineTunable);
      }
      return all;
    }
  }

  /** How the output is spelled relative to the chosen input. */
  enum Spelling {
    SAME, PARENT, INSIDE, LINK_TO_IT, INSIDE_THROUGH_A_LINKED_PARENT, DOTTED
  }

  @BeforeContainer
  static void createInputs() throws IOException {
    root = Files.createTempDirectory("pcam-guard-");
    data = root.resolve("data");
    SyntheticPatches.write(data, 12, 4, 3, false);
    run = root.resolve("run");
    TinySavedModels.meanIntensity(run.resolve("model"), 96);
    fineTunable = ContractFixture.create(root.resolve("fine-tunable"), 32);
    Files.createDirectories(root.resolve("links"));
    Files.createDirectories(root.resolve("runs"));
  }

  @AfterContainer
  static void removeInputs() throws IOException {
    AtomicFiles.deleteRecursively(root);
  }

  @Property(tries = 120)
  void noOutputCanEqualHoldOrLieInsideAnInput(
      @ForAll Cmd cmd, @ForAll @IntRange(min = 0, max = 99) int which, @ForAll Spelling spelling) throws IOException {
    List<Path> inputs = cmd.inputs();
    Path input = inputs.get(which % inputs.size());
    Path out = spell(input, spelling);
    if (out == null) {
      return; // INSIDE a file: no such path can exist, so there is nothing to guard
    }
    List<String> before = snapshot();
    CliRun result = CliRun.run(cmd.args(out.toString()).toArray(String[]::new));
    assertThat(result.exitCode()).as(cmd + " " + out + ": " + result.err()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(result.err()).as(cmd + " " + spelling).startsWith("pcam: ").contains("pcam never writes over its inputs")
        .contains(out.toString());
    assertThat(result.err().lines().count()).isEqualTo(1);
    assertThat(snapshot()).as("nothing written or deleted").isEqualTo(before);
  }

  private static Path spell(Path input, Spelling spelling) throws IOException {
    Path links = Files.createDirectories(root.resolve("links").resolve("t" + TRY.incrementAndGet()));
    return switch (spelling) {
      case SAME -> input;
      case PARENT -> input.getParent();
      case INSIDE -> Files.isDirectory(input) ? input.resolve("new-output") : null;
      case LINK_TO_IT -> Files.createSymbolicLink(links.resolve("link"), input);
      case INSIDE_THROUGH_A_LINKED_PARENT ->
          Files.createSymbolicLink(links.resolve("parent"), input.getParent()).resolve(input.getFileName());
      case DOTTED -> input.getParent().resolve(".").resolve("x").resolve("..").resolve(input.getFileName().toString());
    };
  }

  /** Every path under the temp root with its size and modification time (folders: size -1). */
  private static List<String> snapshot() throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.map(p -> {
        try {
          return root.relativize(p) + " " + (Files.isDirectory(p) ? -1 : Files.size(p)) + " "
              + Files.getLastModifiedTime(p, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).sorted().toList();
    }
  }
}
