package pcam.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.util.InputException;

class SyntheticPatchesTest {
  @TempDir Path tmp;

  @Test
  void writesAKaggleLayoutThatDatasetsLoads() throws IOException {
    Path out = tmp.resolve("synth");
    SyntheticPatches.Summary summary = SyntheticPatches.write(out, 60, 12, 3, false);

    assertThat(out.resolve("train")).isDirectory();
    assertThat(out.resolve("test")).isDirectory();
    List<LabelsCsv.Row> rows = LabelsCsv.readLabels(out.resolve("train_labels.csv"));
    assertThat(rows).hasSize(60);
    assertThat(rows).allSatisfy(r -> assertThat(r.id()).matches("[0-9a-f]{40}"));
    assertThat(rows.stream().filter(r -> r.label() == 1).count()).isEqualTo(summary.trainPositives());

    DataSpec spec = new DataSpec(out.resolve("train_labels.csv"), out.resolve("train"), null, null, 0, 1,
        10, 245, false, false, false);
    PatchSet train = Datasets.loadLabelled(spec);
    assertThat(train.size()).isEqualTo(60);
    assertThat(train.ids()).isEqualTo(rows.stream().map(LabelsCsv.Row::id).toList());

    List<String> submissionIds = LabelsCsv.readIds(out.resolve("sample_submission.csv"));
    assertThat(Files.readAllLines(out.resolve("sample_submission.csv")).subList(1, 13)).allMatch(l -> l.endsWith(",0"));
    PatchSet test = Datasets.loadUnlabelled(out.resolve("test"), out.resolve("sample_submission.csv"));
    assertThat(test.ids()).isEqualTo(submissionIds).hasSize(12);
    assertThat(LabelsCsv.readIds(out.resolve("test_labels.csv"))).isEqualTo(submissionIds);
  }

  @Test
  void tiffsAreUncompressedAndHoldTheRenderedPixels() throws IOException {
    byte[] pixels = SyntheticPatches.render(true, new SplittableRandom(11));
    Path file = tmp.resolve("one.tif");
    SyntheticPatches.writeTiff(file, pixels);
    assertThat(TiffFixtures.rawRgb(file)).isEqualTo(pixels);
    assertThat(PatchReader.read(file)).isEqualTo(pixels);
  }

  @Test
  void outputIsDeterministicForASeed() throws IOException {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    Path c = tmp.resolve("c");
    SyntheticPatches.write(a, 20, 4, 5, false);
    SyntheticPatches.write(b, 20, 4, 5, false);
    SyntheticPatches.write(c, 20, 4, 6, false);
    assertThat(Files.readString(a.resolve("train_labels.csv"))).isEqualTo(Files.readString(b.resolve("train_labels.csv")));
    assertThat(Files.readString(a.resolve("train_labels.csv"))).isNotEqualTo(Files.readString(c.resolve("train_labels.csv")));
    for (String name : fileNames(a.resolve("train"))) {
      assertThat(Files.readAllBytes(a.resolve("train").resolve(name)))
          .as(name).isEqualTo(Files.readAllBytes(b.resolve("train").resolve(name)));
    }
  }

  @Test
  void tumourChangesOnlyTheCentre() {
    // render() paints the tumour cluster last, so the same stream with and without it shares
    // everything else: any difference must lie inside the centre 32x32.
    for (long s = 0; s < 50; s++) {
      byte[] positive = SyntheticPatches.render(true, new SplittableRandom(s));
      byte[] negative = SyntheticPatches.render(false, new SplittableRandom(s));
      int changedInCentre = 0;
      for (int y = 0; y < 96; y++) {
        for (int x = 0; x < 96; x++) {
          boolean centre = x >= 32 && x < 64 && y >= 32 && y < 64;
          int at = (y * 96 + x) * 3;
          boolean same = Arrays.equals(positive, at, at + 3, negative, at, at + 3);
          if (!centre) {
            assertThat(same).as("seed %d pixel (%d,%d) outside the centre", s, x, y).isTrue();
          } else if (!same) {
            changedInCentre++;
          }
        }
      }
      assertThat(changedInCentre).as("seed %d: tumour pixels in the centre", s).isGreaterThan(30);
    }
  }

  @Test
  void positivesAreDarkerInTheCentreButNotAtTheBorder() {
    double[] negative = darkness(false, 1000);
    double[] positive = darkness(true, 5000);
    // darkness = 255 - mean channel value; [0] centre 32x32, [1] the rest.
    assertThat(positive[0] - negative[0]).as("centre").isGreaterThan(15);
    assertThat(Math.abs(positive[1] - negative[1])).as("border").isLessThan(2);
  }

  @Test
  void patchesVaryAndAboutFortyPercentArePositive() {
    int positives = 0;
    for (int i = 0; i < 1000; i++) {
      positives += SyntheticPatches.isPositive(1, 99, i) ? 1 : 0;
    }
    assertThat(positives).isBetween(340, 460);
    assertThat(SyntheticPatches.render(false, new SplittableRandom(1)))
        .isNotEqualTo(SyntheticPatches.render(false, new SplittableRandom(2)));
  }

  @Test
  void refusesANonEmptyFolderWithoutForce() throws IOException {
    Path out = Files.createDirectories(tmp.resolve("busy"));
    Files.writeString(out.resolve("notes.txt"), "mine");
    assertThatThrownBy(() -> SyntheticPatches.write(out, 5, 0, 1, false))
        .isInstanceOf(InputException.class)
        .hasMessage(out + ": folder is not empty; use --force to replace a previous synth output");
    assertThatThrownBy(() -> SyntheticPatches.write(out, 5, 0, 1, true))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("no .pcam-synth marker");
    assertThat(Files.readString(out.resolve("notes.txt"))).isEqualTo("mine");
  }

  @Test
  void forceNeverDeletesAKaggleDownloadThatMerelyHasTheSameLayout() throws IOException {
    Path kaggle = tmp.resolve("kaggle");
    SyntheticPatches.write(kaggle, 6, 2, 1, false);
    Files.delete(kaggle.resolve(SyntheticPatches.MARKER)); // what a real download looks like: same names, no marker
    List<String> before = fileNames(kaggle.resolve("train"));
    assertThatThrownBy(() -> SyntheticPatches.write(kaggle, 5, 0, 1, true))
        .isInstanceOf(InputException.class)
        .hasMessage(kaggle + ": --force only replaces a folder that 'pcam synth' wrote (it has no .pcam-synth marker);"
            + " pcam never deletes files it did not create");
    assertThat(fileNames(kaggle.resolve("train"))).isEqualTo(before);

    // A synth output with a file of the user's added is not replaced either.
    Path synth = tmp.resolve("synth");
    SyntheticPatches.write(synth, 6, 0, 1, false);
    Files.writeString(synth.resolve("notes.txt"), "mine");
    assertThatThrownBy(() -> SyntheticPatches.write(synth, 5, 0, 1, true)).hasMessageContaining("also holds notes.txt");
  }

  @Test
  void anUnwritableDestinationIsBadInput() throws IOException {
    Path file = Files.writeString(tmp.resolve("file"), "x");
    assertThatThrownBy(() -> SyntheticPatches.write(file.resolve("data"), 5, 0, 1, false))
        .isInstanceOf(InputException.class)
        .hasMessageContaining(file + " is a file, not a folder");
  }

  @Test
  void forceReplacesAPreviousOutput() throws IOException {
    Path out = tmp.resolve("again");
    SyntheticPatches.write(out, 10, 2, 1, false);
    SyntheticPatches.write(out, 7, 2, 2, true);
    assertThat(fileNames(out.resolve("train"))).hasSize(7);
    assertThat(fileNames(tmp)).containsExactly("again"); // no temp or old folder left behind
  }

  private static double[] darkness(boolean tumour, long seedBase) {
    double centre = 0;
    double border = 0;
    int n = 300;
    for (int s = 0; s < n; s++) {
      byte[] p = SyntheticPatches.render(tumour, new SplittableRandom(seedBase + s));
      long c = 0;
      long b = 0;
      for (int y = 0; y < 96; y++) {
        for (int x = 0; x < 96; x++) {
          int at = (y * 96 + x) * 3;
          int v = (p[at] & 0xff) + (p[at + 1] & 0xff) + (p[at + 2] & 0xff);
          if (x >= 32 && x < 64 && y >= 32 && y < 64) {
            c += v;
          } else {
            b += v;
          }
        }
      }
      centre += 255 - c / (3.0 * 32 * 32);
      border += 255 - b / (3.0 * (96 * 96 - 32 * 32));
    }
    return new double[] {centre / n, border / n};
  }

  private static List<String> fileNames(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
