package pcam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.data.Datasets;
import pcam.data.SyntheticPatches;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Issue 2's "Bad input" list, end to end through the CLI: exit code 2, one line naming the file or
 * row, no stack trace unless -v. The vehicle is a test-only subcommand that loads exactly as
 * train/evaluate do (DataOptions -> Datasets.loadSplit).
 */
class BadInputCliTest {
  @Command(name = "load", mixinStandardHelpOptions = true)
  static final class LoadCommand implements Runnable {
    @Mixin DataOptions data;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      Datasets.Split split = Datasets.loadSplit(data.toSpec());
      spec.commandLine().getOut().println("train " + split.train().size());
    }
  }

  @TempDir Path tmp;
  private Path data;
  private Path csv;
  private List<String> ids;

  @BeforeEach
  void synthesise() throws IOException {
    data = tmp.resolve("kaggle");
    SyntheticPatches.write(data, 12, 0, 1, false);
    csv = data.resolve("train_labels.csv");
    ids = Files.readAllLines(csv).stream().skip(1).map(l -> l.split(",")[0]).toList();
  }

  @Test
  void goodDataLoads() {
    CliRun run = load("--data", data.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("train 11");
  }

  @Test
  void missingCsv() throws IOException {
    Files.delete(csv);
    assertBadInput(csv + ": file not found");
  }

  @Test
  void emptyCsv() throws IOException {
    Files.writeString(csv, "");
    assertBadInput(csv + ": empty file, expected the header id,label");
  }

  @Test
  void headerNotIdLabel() throws IOException {
    Files.writeString(csv, "image,target\n" + ids.get(0) + ",1\n");
    assertBadInput(csv + ": line 1: header is 'image,target', expected 'id,label'");
  }

  @Test
  void labelNotZeroOrOne() throws IOException {
    Files.writeString(csv, "id,label\n" + ids.get(0) + ",1\n" + ids.get(1) + ",yes\n");
    assertBadInput(csv + ": line 3: label 'yes' is not 0 or 1");
  }

  @Test
  void duplicateId() throws IOException {
    Files.writeString(csv, "id,label\n" + ids.get(0) + ",1\n" + ids.get(1) + ",0\n" + ids.get(0) + ",1\n");
    assertBadInput(csv + ": line 4: duplicate id " + ids.get(0) + " (first on line 2)");
  }

  @Test
  void idWithoutImageAndSkipMissing() throws IOException {
    Files.delete(image(ids.get(3)));
    Files.delete(image(ids.get(8)));
    assertBadInput("2 of 12 ids in " + csv + " have no image in " + data.resolve("train") + " (first: " + ids.get(3)
        + ", " + ids.get(8) + "); --skip-missing loads the rest");
    CliRun skipped = load("--data", data.toString(), "--skip-missing");
    assertThat(skipped.exitCode()).as(skipped.err()).isZero();
    assertThat(skipped.out()).contains("train 9");
  }

  @Test
  void truncatedImage() throws IOException {
    Path file = image(ids.get(2));
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
    assertBadInput(file + ": corrupt or truncated TIFF");
  }

  @Test
  void nonTiffImage() throws IOException {
    Path file = image(ids.get(2));
    ImageIO.write(new BufferedImage(96, 96, BufferedImage.TYPE_3BYTE_BGR), "png", file.toFile());
    assertBadInput(file + ": not a TIFF file");
  }

  @Test
  void unreadableImage() throws IOException {
    Path file = image(ids.get(2));
    Files.delete(file);
    Files.createDirectory(file); // a folder where the image should be: unreadable even as root
    assertBadInput(file + ": cannot read");
  }

  @Test
  void wrongSizeImage() throws IOException {
    Path file = image(ids.get(5));
    ImageIO.write(new BufferedImage(64, 64, BufferedImage.TYPE_3BYTE_BGR), "tiff", file.toFile());
    assertBadInput(file + ": image is 64x64, expected 96x96");
  }

  @Test
  void notRgbImageAndSkipBad() throws IOException {
    Path file = image(ids.get(5));
    ImageIO.write(new BufferedImage(96, 96, BufferedImage.TYPE_BYTE_GRAY), "tiff", file.toFile());
    assertBadInput(file + ": image has 1 channel(s), expected RGB (3)");
    CliRun skipped = load("--data", data.toString(), "--skip-bad");
    assertThat(skipped.exitCode()).as(skipped.err()).isZero();
    assertThat(skipped.out()).contains("train 10");
  }

  @Test
  void badFlagValue() {
    assertBadInput("--val-fraction must be in [0, 1), got 1.5", "--val-fraction", "1.5");
  }

  @Test
  void verboseShowsTheTrace() throws IOException {
    Files.writeString(csv, "id,label\nx,2\n");
    CliRun run = load("-v", "--data", data.toString(), "--no-cache");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains(csv + ": line 2: label '2' is not 0 or 1").contains("at pcam.");
  }

  private void assertBadInput(String expectedStart, String... extra) {
    String[] args = new String[extra.length + 3];
    args[0] = "--data";
    args[1] = data.toString();
    args[2] = "--no-cache";
    System.arraycopy(extra, 0, args, 3, extra.length);
    CliRun run = load(args);
    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    List<String> lines = run.err().lines().toList();
    assertThat(lines.get(0)).startsWith("pcam: " + expectedStart);
    assertThat(lines).hasSize(1); // the message only: input errors get no "-v" hint
    assertThat(run.err()).doesNotContain("at pcam.").doesNotContain("Exception");
    assertThat(run.out()).isEmpty();
  }

  private CliRun load(String... args) {
    CommandLine cmd = Commands.create();
    cmd.addSubcommand(new LoadCommand());
    String[] all = new String[args.length + 1];
    boolean verbose = args.length > 0 && args[0].equals("-v");
    // -v belongs to the root: "pcam -v load ..."
    if (verbose) {
      all = new String[args.length + 1];
      all[0] = "-v";
      all[1] = "load";
      System.arraycopy(args, 1, all, 2, args.length - 1);
    } else {
      all[0] = "load";
      System.arraycopy(args, 0, all, 1, args.length);
    }
    return CliRun.run(cmd, all);
  }

  private Path image(String id) {
    return data.resolve("train").resolve(id + ".tif");
  }
}
