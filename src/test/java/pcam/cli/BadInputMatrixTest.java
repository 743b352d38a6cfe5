package pcam.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import pcam.TinySavedModels;
import pcam.data.SyntheticPatches;
import pcam.data.TiffFixtures;
import pcam.interop.ContractFixture;
import pcam.util.AtomicFiles;

/**
 * Issue 7's bad-input matrix: every row applied to every command it concerns. Each rejected run
 * must exit 2 with one line on stderr naming the file or value, no stack trace, and leave nothing
 * in the output location (nor any temp file beside it). {@link BadInputCliTest} covers the same
 * data rows at the loader level, with their exact messages and the --skip-* flags.
 *
 * <p>{@code data stats} is the exception for image rows and missing ids: it counts problems
 * instead of stopping ({@link #statsCountsBadImagesAndMissingIdsInsteadOfStopping}).
 */
@pcam.Slow
class BadInputMatrixTest {
  /** The commands, each with small fast settings, reading {@code data} and writing into {@code out}. */
  enum Cmd {
    TRAIN, FINETUNE, EVALUATE, PREDICT, STATS, SWEEP, INSPECT;

    /** Labelled commands read train/ and train_labels.csv; predict reads test/ and sample_submission.csv. */
    boolean readsTestFolder() {
      return this == PREDICT;
    }
  }

  @TempDir static Path models;
  private static Path scorable;
  private static Path fineTunable;

  @TempDir Path tmp;
  private Path data;
  private Path labels;
  private Path out;
  private List<String> before;

  @BeforeAll
  static void exportModels() {
    scorable = TinySavedModels.meanIntensity(models.resolve("scorable"), 96);
    fineTunable = ContractFixture.create(models.resolve("fine-tunable"), 32);
  }

  @BeforeEach
  void synthesise() {
    data = tmp.resolve("data");
    SyntheticPatches.write(data, 40, 6, 7, false);
    labels = data.resolve("train_labels.csv");
    out = tmp.resolve("out");
  }

  // ---- image rows ----

  @ParameterizedTest
  @EnumSource(names = {"TRAIN", "FINETUNE", "EVALUATE", "PREDICT", "SWEEP"})
  void truncatedTiff(Cmd cmd) throws IOException {
    Path file = firstImage(cmd);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
    assertRejected(cmd, run(cmd), file + ": corrupt or truncated TIFF");
  }

  @ParameterizedTest
  @EnumSource(names = {"TRAIN", "FINETUNE", "EVALUATE", "PREDICT", "SWEEP"})
  void nonTiffNamedTif(Cmd cmd) throws IOException {
    Path file = firstImage(cmd);
    ImageIO.write(new BufferedImage(96, 96, BufferedImage.TYPE_3BYTE_BGR), "png", file.toFile());
    assertRejected(cmd, run(cmd), file + ": not a TIFF file");
  }

  @ParameterizedTest
  @EnumSource(names = {"TRAIN", "FINETUNE", "EVALUATE", "PREDICT", "SWEEP"})
  void patch64x64(Cmd cmd) throws IOException {
    Path file = TiffFixtures.writeTiff(firstImage(cmd), 64, 64, BufferedImage.TYPE_3BYTE_BGR);
    assertRejected(cmd, run(cmd), file + ": image is 64x64, expected 96x96");
  }

  @ParameterizedTest
  @EnumSource(names = {"TRAIN", "FINETUNE", "EVALUATE", "PREDICT", "SWEEP"})
  void grayscalePatch(Cmd cmd) throws IOException {
    Path file = TiffFixtures.writeTiff(firstImage(cmd), 96, 96, BufferedImage.TYPE_BYTE_GRAY);
    assertRejected(cmd, run(cmd), file + ": image has 1 channel(s), expected RGB (3)");
  }

  @ParameterizedTest
  @EnumSource(names = {"TRAIN", "FINETUNE", "EVALUATE", "PREDICT", "SWEEP"})
  void rgbaPatch(Cmd cmd) throws IOException {
    Path file = TiffFixtures.writeTiff(firstImage(cmd), 96, 96, BufferedImage.TYPE_4BYTE_ABGR);
    assertRejected(cmd, run(cmd), file + ": image has 4 channel(s), expected RGB (3)");
  }

  /** A folder where the image should be: unreadable even for root, whom chmod 000 does not stop. */
  @ParameterizedTest
  @EnumSource(names = {"TRAIN", "FINETUNE", "EVALUATE", "PREDICT", "SWEEP"})
  void unreadableFile(Cmd cmd) throws IOException {
    Path file = firstImage(cmd);
    Files.delete(file);
    Files.createDirectory(file);
    assertRejected(cmd, run(cmd), file + ": cannot read: is a folder, not an image file");
  }

  @ParameterizedTest
  @EnumSource(names = {"TRAIN", "EVALUATE", "PREDICT"})
  void unreadableFileByPermissions(Cmd cmd) throws IOException {
    Path file = firstImage(cmd);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
    assumeFalse(Files.isReadable(file), "running as root: chmod 000 does not stop reads (unreadableFile covers it)");
    assertRejected(cmd, run(cmd), file + ": permission denied");
  }

  // ---- CSV rows ----

  /** Windows tools write both; this row must work. */
  @ParameterizedTest
  @EnumSource(names = {"TRAIN", "FINETUNE", "EVALUATE", "PREDICT", "STATS"})
  void csvWithBomAndCrlfWorks(Cmd cmd) throws IOException {
    Path csv = csvOf(cmd);
    String text = Files.readString(csv).replace("\r\n", "\n").replace("\n", "\r\n");
    Files.writeString(csv, "\uFEFF" + text, StandardCharsets.UTF_8);
    CliRun run = run(cmd);
    assertThat(run.exitCode()).as(run.err()).isZero();
    Path expected = switch (cmd) {
      case TRAIN, FINETUNE -> out.resolve("model").resolve("saved_model.pb");
      case EVALUATE -> out.resolve("metrics.json");
      case PREDICT -> out;
      default -> out.resolve("contact-sheet.png");
    };
    assertThat(expected).isRegularFile();
  }

  @ParameterizedTest
  @EnumSource(names = {"TRAIN", "FINETUNE", "EVALUATE", "PREDICT", "SWEEP"})
  void missingId(Cmd cmd) throws IOException {
    String id = ids(cmd).get(3);
    Files.delete(folderOf(cmd).resolve(id + ".tif"));
    assertRejected(cmd, run(cmd), csvOf(cmd).toString(), "have no image in " + folderOf(cmd), id);
  }

  @ParameterizedTest
  @EnumSource(names = {"TRAIN", "FINETUNE", "EVALUATE", "STATS", "SWEEP"})
  void badLabel(Cmd cmd) throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(labels));
    lines.set(2, lines.get(2).replaceFirst(",[01]$", ",yes"));
    Files.write(labels, lines);
    assertRejected(cmd, run(cmd), labels + ": line 3: label 'yes' is not 0 or 1");
  }

  @ParameterizedTest
  @EnumSource(names = {"TRAIN", "FINETUNE", "EVALUATE", "PREDICT", "STATS", "SWEEP"})
  void duplicateId(Cmd cmd) throws IOException {
    Path csv = csvOf(cmd);
    List<String> lines = Files.readAllLines(csv);
    Files.writeString(csv, lines.get(2) + "\n", StandardOpenOption.APPEND);
    String id = lines.get(2).split(",")[0];
    assertRejected(cmd, run(cmd), csv + ": line " + (lines.size() + 1) + ": duplicate id " + id + " (first on line 3)");
  }

  /** The images folder is empty; predict is given the folder alone (no ids CSV). */
  @ParameterizedTest
  @EnumSource(names = {"TRAIN", "FINETUNE", "EVALUATE", "PREDICT", "STATS", "SWEEP"})
  void emptyFolder(Cmd cmd) throws IOException {
    Path folder = folderOf(cmd);
    AtomicFiles.deleteRecursively(folder);
    Files.createDirectory(folder);
    if (cmd == Cmd.PREDICT) {
      assertRejected(cmd, run(cmd, "--ids", null), folder + ": no .tif images in this folder");
    } else {
      assertRejected(cmd, run(cmd), "have no image in " + folder);
    }
  }

  /** Not a matrix row, but the same promise: a run directory appears only once the data is usable. */
  @ParameterizedTest
  @EnumSource(names = {"TRAIN", "FINETUNE"})
  void oneClassOnly(Cmd cmd) throws IOException {
    List<String> lines = Files.readAllLines(labels);
    List<String> negatives = new ArrayList<>(List.of(lines.get(0)));
    lines.stream().skip(1).map(l -> l.replaceFirst(",1$", ",0")).forEach(negatives::add);
    Files.write(labels, negatives);
    assertRejected(cmd, run(cmd), "training needs a validation set with both classes");
  }

  // ---- SavedModel rows ----

  @ParameterizedTest
  @EnumSource(names = {"FINETUNE", "EVALUATE", "PREDICT", "INSPECT"})
  void savedModelMissingVariables(Cmd cmd) throws IOException {
    Path broken = copy(cmd == Cmd.FINETUNE ? fineTunable : scorable, tmp.resolve("broken"));
    AtomicFiles.deleteRecursively(broken.resolve("variables"));
    assertRejected(cmd, runWithModel(cmd, broken), broken + ": SavedModel has no variables/ folder (incomplete copy?)");
  }

  @ParameterizedTest
  @EnumSource(names = {"FINETUNE", "EVALUATE", "PREDICT", "INSPECT"})
  void savedModelWithoutServingDefault(Cmd cmd) {
    Path model = TinySavedModels.meanIntensity(tmp.resolve("other-key"), 96, "predict");
    assertRejected(cmd, runWithModel(cmd, model), model.toString(), "serving_default");
  }

  // ---- flag rows ----

  @ParameterizedTest
  @EnumSource(names = {"TRAIN", "SWEEP"})
  void crop100(Cmd cmd) {
    assertRejected(cmd, run(cmd, "--crop", "100"), "crop 100 is not one of [96, 84, 72, 60, 48, 32]");
  }

  @ParameterizedTest
  @EnumSource(names = {"TRAIN", "FINETUNE", "EVALUATE", "PREDICT", "SWEEP"})
  void batchSizeZero(Cmd cmd) {
    assertRejected(cmd, run(cmd, "--batch-size", "0"), "--batch-size", "got 0");
  }

  @ParameterizedTest
  @EnumSource(names = {"TRAIN", "FINETUNE", "SWEEP"})
  void negativeLearningRate(Cmd cmd) {
    assertRejected(cmd, run(cmd, "--lr", "-0.001"), "--lr must be a positive number, got -0.001");
  }

  @ParameterizedTest
  @EnumSource(names = {"TRAIN", "FINETUNE", "EVALUATE", "STATS", "SWEEP"})
  void outIsAnExistingFile(Cmd cmd) throws IOException {
    Files.writeString(out, "precious");
    assertRejected(cmd, run(cmd), "--out " + out);
    assertThat(out).hasContent("precious");
  }

  /** predict's --out is a file, replaced atomically when it exists (PredictCommandTest); a folder there is the error. */
  @Test
  void predictOutIsAnExistingFolder() throws IOException {
    Files.createDirectory(out);
    assertRejected(Cmd.PREDICT, run(Cmd.PREDICT), out + ": is a directory");
    assertThat(out).isEmptyDirectory();
  }

  /** Fails for root too: nothing can be created under a regular file. */
  @ParameterizedTest
  @EnumSource(names = {"TRAIN", "FINETUNE", "EVALUATE", "PREDICT", "STATS", "SWEEP"})
  void outUnderARegularFile(Cmd cmd) throws IOException {
    Path file = Files.writeString(tmp.resolve("afile"), "precious");
    out = file.resolve("run");
    assertRejected(cmd, run(cmd), "--out " + out + ": " + file + " is a file, not a folder");
    assertThat(file).hasContent("precious");
  }

  @ParameterizedTest
  @EnumSource(names = {"TRAIN", "EVALUATE", "PREDICT", "STATS"})
  void outUnderAReadOnlyFolder(Cmd cmd) throws IOException {
    Path readOnly = Files.createDirectory(tmp.resolve("read-only"));
    Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
    assumeFalse(Files.isWritable(readOnly), "running as root: a read-only mode does not stop writes (outUnderARegularFile covers it)");
    out = readOnly.resolve("run");
    assertRejected(cmd, run(cmd), "--out " + out + ": cannot write in " + readOnly);
  }

  // ---- data stats counts instead of stopping ----

  @Test
  void statsCountsBadImagesAndMissingIdsInsteadOfStopping() throws IOException {
    List<String> ids = ids(Cmd.STATS);
    Path train = data.resolve("train");
    byte[] bytes = Files.readAllBytes(train.resolve(ids.get(0) + ".tif"));
    Files.write(train.resolve(ids.get(0) + ".tif"), Arrays.copyOf(bytes, bytes.length / 2));
    ImageIO.write(new BufferedImage(96, 96, BufferedImage.TYPE_3BYTE_BGR), "png", train.resolve(ids.get(1) + ".tif").toFile());
    TiffFixtures.writeTiff(train.resolve(ids.get(2) + ".tif"), 64, 64, BufferedImage.TYPE_3BYTE_BGR);
    TiffFixtures.writeTiff(train.resolve(ids.get(3) + ".tif"), 96, 96, BufferedImage.TYPE_BYTE_GRAY);
    TiffFixtures.writeTiff(train.resolve(ids.get(4) + ".tif"), 96, 96, BufferedImage.TYPE_4BYTE_ABGR);
    Files.delete(train.resolve(ids.get(5) + ".tif"));
    Files.createDirectory(train.resolve(ids.get(5) + ".tif"));
    Files.delete(train.resolve(ids.get(6) + ".tif"));
    CliRun run = run(Cmd.STATS);
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("missing     1 ids without an image (first: " + ids.get(6) + ")")
        .contains("3 unreadable (incl. truncated/not TIFF), 1 wrong size, 2 not RGB");
  }

  // ---- helpers ----

  private Path folderOf(Cmd cmd) {
    return data.resolve(cmd.readsTestFolder() ? "test" : "train");
  }

  private Path csvOf(Cmd cmd) {
    return cmd.readsTestFolder() ? data.resolve("sample_submission.csv") : labels;
  }

  private List<String> ids(Cmd cmd) throws IOException {
    return Files.readAllLines(csvOf(cmd)).stream().skip(1).map(l -> l.split(",")[0]).toList();
  }

  private Path firstImage(Cmd cmd) throws IOException {
    return folderOf(cmd).resolve(ids(cmd).get(0) + ".tif");
  }

  private static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Files.copy(p, to.resolve(from.relativize(p).toString()));
      }
    }
    return to;
  }

  private CliRun runWithModel(Cmd cmd, Path model) {
    return switch (cmd) {
      case FINETUNE -> run(cmd, "--savedmodel", model.toString());
      case INSPECT -> runRecorded("inspect", model.toString(), "--require", "scorable");
      default -> run(cmd, "--model", model.toString());
    };
  }

  /** Runs {@code cmd} with its small settings; {@code overrides} are flag, value pairs (a null value drops the flag). */
  private CliRun run(Cmd cmd, String... overrides) {
    Map<String, String> options = new LinkedHashMap<>();
    List<String> head = new ArrayList<>();
    switch (cmd) {
      case TRAIN, SWEEP -> {
        head.add(cmd == Cmd.TRAIN ? "train" : "sweep");
        options.put("--data", data.toString());
        options.put("--out", out.toString());
        if (cmd == Cmd.SWEEP) {
          options.put("--set", "seed=1");
        }
        options.put("--crop", "32");
        options.put("--epochs", "1");
        options.put("--batch-size", "8");
        options.put("--val-fraction", "0.25");
        options.put("--threads", "1");
        options.put("--no-cache", null);
      }
      case FINETUNE -> {
        head.add("finetune");
        options.put("--savedmodel", fineTunable.toString());
        options.put("--data", data.toString());
        options.put("--out", out.toString());
        options.put("--epochs", "1");
        options.put("--batch-size", "8");
        options.put("--val-fraction", "0.25");
        options.put("--no-cache", null);
      }
      case EVALUATE -> {
        head.add("evaluate");
        options.put("--model", scorable.toString());
        options.put("--data", data.toString());
        options.put("--out", out.toString());
      }
      case PREDICT -> {
        head.add("predict");
        options.put("--model", scorable.toString());
        options.put("--images", data.resolve("test").toString());
        options.put("--ids", data.resolve("sample_submission.csv").toString());
        options.put("--out", out.toString());
      }
      case STATS -> {
        head.addAll(List.of("data", "stats"));
        options.put("--data", data.toString());
        options.put("--out", out.toString());
        options.put("--no-cache", null);
      }
      case INSPECT -> throw new IllegalArgumentException("inspect takes a model: use runWithModel");
    }
    for (int i = 0; i < overrides.length; i += 2) {
      if (overrides[i + 1] == null) {
        options.remove(overrides[i]);
      } else {
        options.put(overrides[i], overrides[i + 1]);
      }
    }
    List<String> args = new ArrayList<>(head);
    options.forEach((flag, value) -> {
      args.add(flag);
      if (value != null) {
        args.add(value); // null: a flag without a value, e.g. --no-cache
      }
    });
    return runRecorded(args.toArray(String[]::new));
  }

  /** Runs pcam, remembering what the test folder held just before, for {@link #assertRejected}. */
  private CliRun runRecorded(String... args) {
    before = snapshot();
    return CliRun.run(args);
  }

  /** Every path under the test folder with its size (folders: -1). */
  private List<String> snapshot() {
    try (Stream<Path> walk = Files.walk(tmp)) {
      return walk.map(p -> tmp.relativize(p) + " " + (Files.isDirectory(p) ? -1 : p.toFile().length())).sorted().toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Exit 2; exactly one line on stderr, "pcam: ..." containing every fragment; no stack trace; no
   * output written: the test folder (data, out, temp siblings) exactly as before the run.
   */
  private void assertRejected(Cmd cmd, CliRun run, String... fragments) {
    assertThat(run.exitCode()).as(cmd + ": " + run.err()).isEqualTo(ExitCodes.BAD_INPUT);
    List<String> lines = run.err().lines().toList();
    assertThat(lines).as(cmd + " stderr").hasSize(1);
    assertThat(lines.get(0)).as(cmd.toString()).startsWith("pcam: ").contains(fragments);
    assertThat(run.err()).as(cmd.toString()).doesNotContain("\tat ").doesNotContain("Exception");
    if (cmd != Cmd.INSPECT) { // inspect's report is its result, printed before the --require verdict
      assertThat(run.out()).as(cmd + " stdout").isEmpty();
    }
    assertThat(snapshot()).as(cmd + ": files under " + tmp).isEqualTo(before);
  }
}
