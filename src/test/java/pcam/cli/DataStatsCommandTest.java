package pcam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.data.SyntheticPatches;

class DataStatsCommandTest {
  @TempDir Path tmp;

  @Test
  void reportsCountsProblemsCleaningAndWritesASheet() throws IOException {
    Path data = tmp.resolve("kaggle");
    SyntheticPatches.write(data, 30, 0, 2, false);
    List<String> ids = Files.readAllLines(data.resolve("train_labels.csv")).stream().skip(1).map(l -> l.split(",")[0]).toList();
    Files.delete(data.resolve("train").resolve(ids.get(0) + ".tif"));
    Files.writeString(data.resolve("train").resolve(ids.get(1) + ".tif"), "junk");
    ImageIO.write(new BufferedImage(64, 64, BufferedImage.TYPE_3BYTE_BGR), "tiff",
        data.resolve("train").resolve(ids.get(2) + ".tif").toFile());
    SyntheticPatchesAccess.writeBlack(data.resolve("train").resolve(ids.get(3) + ".tif"));

    CliRun run = CliRun.run("data", "stats", "--data", data.toString(), "--out", tmp.toString(), "--per-class", "3",
        "--no-cache");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("csv rows    n=30")
        .contains("missing     1 ids without an image (first: " + ids.get(0) + ")")
        .contains("images      27 decoded")
        .contains("1 unreadable (incl. truncated/not TIFF), 1 wrong size, 0 not RGB")
        .contains("cleaning    dropped 1: 1 near-black (max < 10), 0 near-white (min > 245); kept n=26")
        .contains("split       train");
    Path sheet = tmp.resolve("contact-sheet.png");
    assertThat(run.out()).contains("sheet       " + sheet.toAbsolutePath().normalize());
    BufferedImage png = ImageIO.read(sheet.toFile());
    assertThat(png.getHeight()).isEqualTo(2 * (96 * 2 + 6) + 6); // one row per class
    assertThat(png.getWidth()).isGreaterThan(3 * 96 * 2);
  }

  @Test
  void sheetPathCanBeGiven() throws IOException {
    Path data = tmp.resolve("kaggle");
    SyntheticPatches.write(data, 10, 0, 2, false);
    Path sheet = tmp.resolve("look.png");
    CliRun run = CliRun.run("data", "stats", "--data", data.toString(), "--sheet", sheet.toString(), "--no-cache");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(ImageIO.read(sheet.toFile())).isNotNull();
  }

  @Test
  void badPerClassIsBadInput() {
    CliRun run = CliRun.run("data", "stats", "--data", tmp.toString(), "--per-class", "0");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("pcam: --per-class must be within 1..64, got 0");
  }

  @Test
  void missingDatasetIsBadInput() {
    CliRun run = CliRun.run("data", "stats", "--out", tmp.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("pcam: no dataset given");
  }
}
