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

  /** --augment d8 on real patches: each row is a patch, then 7 draws that are each one of its 8 dihedral images. */
  @Test
  void augmentWritesASheetOfDihedralDraws() throws IOException {
    Path sample = pcam.SharedData.pcamSample();
    CliRun run = CliRun.run("data", "stats", "--data", sample.toString(), "--limit", "40", "--out", tmp.toString(),
        "--augment", "d8", "--per-class", "3");
    assertThat(run.exitCode()).as(run.err()).isZero();
    Path augmented = tmp.resolve("augmented.png");
    assertThat(run.out()).contains("augmented   " + augmented.toAbsolutePath().normalize() + " (d8)");
    BufferedImage png = ImageIO.read(augmented.toFile());
    int cell = 96 * 2 + 6;
    assertThat(png.getHeight()).isEqualTo(6 * cell + 6); // 3 patches per class
    assertThat(png.getWidth()).isEqualTo(215 + 8 * cell + 6); // original + 7 draws
    java.util.Set<Integer> transformsSeen = new java.util.HashSet<>();
    for (int row = 0; row < 6; row++) {
      int[][] original = cellPixels(png, row, 0);
      for (int c = 1; c < 8; c++) {
        int[][] draw = cellPixels(png, row, c);
        int match = -1;
        for (int t = 0; t < 8 && match < 0; t++) {
          if (isDihedral(original, draw, t)) {
            match = t;
          }
        }
        assertThat(match).as("row %d draw %d is a dihedral image of the original", row, c).isNotNegative();
        transformsSeen.add(match);
      }
    }
    assertThat(transformsSeen).hasSizeGreaterThanOrEqualTo(6);
    assertThat(CliRun.run("data", "stats", "--data", sample.toString(), "--limit", "10", "--out", tmp.toString(),
        "--augment", "d9").err()).startsWith("pcam: --augment: unknown augmentation preset 'd9'");
  }

  private static final int OUTLINE = new java.awt.Color(0, 200, 90).getRGB();

  private static int[][] cellPixels(BufferedImage png, int row, int column) {
    int cell = 96 * 2 + 6;
    int left = 215 + 6 + column * cell;
    int top = 6 + row * cell;
    int[][] p = new int[96][96];
    for (int y = 0; y < 96; y++) {
      for (int x = 0; x < 96; x++) {
        p[y][x] = png.getRGB(left + 2 * x, top + 2 * y);
      }
    }
    return p;
  }

  /** draw[y][x] == original at the t-th symmetry's source, ignoring the drawn outline. */
  private static boolean isDihedral(int[][] original, int[][] draw, int t) {
    int m = 95;
    for (int y = 0; y < 96; y++) {
      for (int x = 0; x < 96; x++) {
        int[][] sources = {{y, x}, {y, m - x}, {m - y, x}, {m - y, m - x}, {x, y}, {x, m - y}, {m - x, y}, {m - x, m - y}};
        int v = original[sources[t][0]][sources[t][1]];
        if (v != OUTLINE && draw[y][x] != OUTLINE && v != draw[y][x]) {
          return false;
        }
      }
    }
    return true;
  }
}
