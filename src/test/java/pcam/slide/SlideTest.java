package pcam.slide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.SharedData;
import pcam.data.PatchReader;
import pcam.util.InputException;

class SlideTest {
  @Test
  void readsMosaicLevelsAndResolution() {
    try (Slide slide = Slide.open(Mosaic.slide())) {
      assertThat(slide.format()).isEqualTo("TIFF");
      assertThat(slide.levels()).hasSize(5);
      for (int k = 0; k < 5; k++) {
        Slide.Level l = slide.level(k);
        assertThat(l.width()).isEqualTo(3840 >> k);
        assertThat(l.height()).isEqualTo(2688 >> k);
        assertThat(l.tileWidth()).isEqualTo(256);
        assertThat(l.compression()).isEqualTo("JPEG");
        assertThat(l.downsample()).isEqualTo(1 << k);
      }
      // README: 2057.6 pixels per mm.
      assertThat(slide.mpp()).isCloseTo(1000 / 2057.6, within(1e-4));
    }
  }

  /** Level 1 at a cell's (x, y) is the Kaggle patch placed there, up to JPEG error: windows land on cells. */
  @Test
  void levelOneWindowsAreTheSamplePatches() {
    Path train = SharedData.pcamSample().resolve("train");
    try (Slide slide = Slide.open(Mosaic.slide())) {
      int checked = 0;
      for (Mosaic.Cell cell : Mosaic.cells()) {
        if (!cell.isTissue() || checked++ % 10 != 0) {
          continue;
        }
        byte[] window = slide.readRegion(1, cell.x(), cell.y(), 96, 96);
        byte[] patch = PatchReader.read(train.resolve(cell.id() + ".tif"));
        assertThat(meanAbsDiff(window, patch)).as(cell.id()).isLessThan(3);
        // One cell to the right is another image entirely.
        byte[] shifted = slide.readRegion(1, cell.x() + 48, cell.y(), 96, 96);
        assertThat(meanAbsDiff(shifted, patch)).as(cell.id() + " shifted").isGreaterThan(8);
      }
      assertThat(checked).isGreaterThan(100);
    }
  }

  @Test
  void regionsPastTheEdgeAreWhite() {
    try (Slide slide = Slide.open(Mosaic.slide())) {
      byte[] rgb = slide.readRegion(4, 230, 160, 20, 20);
      assertThat(rgb[(19 * 20 + 19) * 3] & 0xff).isEqualTo(255);
    }
  }

  @Test
  void losslessCompressionsRoundTripExactly(@TempDir Path tmp) {
    for (String compression : new String[] {"LZW", "Deflate", null}) {
      Path file = SlideFixtures.write(tmp.resolve("s-" + compression + ".tif"), 700, 500, 3, 128, compression, 0.5);
      try (Slide slide = Slide.open(file)) {
        assertThat(slide.levels()).hasSize(3);
        assertThat(slide.mpp()).isCloseTo(0.5, within(1e-6));
        byte[] rgb = slide.readRegion(1, 100, 90, 150, 140);
        for (int j = 0; j < 140; j++) {
          for (int i = 0; i < 150; i++) {
            for (int c = 0; c < 3; c++) {
              assertThat(rgb[(j * 150 + i) * 3 + c]).isEqualTo(SlideFixtures.pixel(100 + i, 90 + j, c, 350, 250));
            }
          }
        }
      }
    }
  }

  /** The same JPEG pyramid as classic TIFF and as BigTIFF reads the same pixels (TwelveMonkeys' reader for BigTIFF). */
  @Test
  void bigTiffReadsLikeTheClassicFile(@TempDir Path tmp) {
    Path classic = SlideFixtures.write(tmp.resolve("c.tif"), 1000, 700, 3, 256, "JPEG", 0.25);
    Path big = SlideFixtures.toBigTiff(classic, tmp.resolve("b.tif"));
    try (Slide a = Slide.open(classic); Slide b = Slide.open(big)) {
      assertThat(a.format()).isEqualTo("TIFF");
      assertThat(b.format()).isEqualTo("BigTIFF");
      assertThat(b.levels()).isEqualTo(a.levels());
      assertThat(b.mpp()).isCloseTo(0.25, within(1e-6));
      for (int level = 0; level < 3; level++) {
        byte[] x = a.readRegion(level, 37, 21, 200, 150);
        byte[] y = b.readRegion(level, 37, 21, 200, 150);
        assertThat(meanAbsDiff(x, y)).as("level %d", level).isLessThan(1.0);
      }
    }
  }

  @Test
  void badFilesSayWhatTheyAre(@TempDir Path tmp) throws Exception {
    Path text = Files.writeString(tmp.resolve("notes.tif"), "hello");
    assertThatThrownBy(() -> Slide.open(text)).isInstanceOf(InputException.class).hasMessageContaining("not a TIFF");
    Path stripped = SlideFixtures.write(tmp.resolve("stripped.tif"), 300, 200, 1, 0, "LZW", 0.5);
    assertThatThrownBy(() -> Slide.open(stripped)).isInstanceOf(InputException.class)
        .hasMessageContaining("stripped (not tiled)").hasMessageContaining("300x200");
    Path flat = SlideFixtures.write(tmp.resolve("flat.tif"), 300, 200, 1, 128, "LZW", 0.5);
    assertThatThrownBy(() -> Slide.open(flat)).isInstanceOf(InputException.class)
        .hasMessageContaining("without a pyramid").hasMessageContaining("300x200");
    Path missing = tmp.resolve("missing.tif");
    assertThatThrownBy(() -> Slide.open(missing)).isInstanceOf(InputException.class).hasMessageContaining("no such");
    Path noResolution = SlideFixtures.write(tmp.resolve("nores.tif"), 600, 400, 2, 128, "JPEG", null);
    try (Slide slide = Slide.open(noResolution)) {
      assertThat(slide.mpp()).isNull();
    }
  }

  @Test
  void truncatedFileNamesTheTile(@TempDir Path tmp) throws Exception {
    Path file = SlideFixtures.write(tmp.resolve("cut.tif"), 600, 400, 2, 128, "JPEG", 0.5);
    long[] tile = SlideFixtures.tile(file, 1, 3);
    SlideFixtures.truncate(file, tile[0] + tile[1] / 2);
    assertThatThrownBy(() -> Slide.open(file)).isInstanceOf(InputException.class)
        .hasMessageContaining("truncated").hasMessageContaining("image 1");
  }

  @Test
  void unreadableTileIsReportedWithItsPosition(@TempDir Path tmp) {
    Path file = SlideFixtures.write(tmp.resolve("bad.tif"), 1024, 768, 2, 256, "JPEG", 0.5);
    long[] tile = SlideFixtures.tile(file, 0, 5); // column 1, row 1 of level 0
    SlideFixtures.zero(file, tile[0], (int) tile[1]);
    try (Slide slide = Slide.open(file)) {
      assertThatThrownBy(() -> slide.readRegion(0, 300, 300, 50, 50))
          .isInstanceOf(Slide.UnreadableRegionException.class).hasMessageContaining("x=300 y=300");
      assertThat(slide.readRegion(0, 0, 0, 256, 256)).hasSize(256 * 256 * 3);
    }
  }

  static double meanAbsDiff(byte[] a, byte[] b) {
    long sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += Math.abs((a[i] & 0xff) - (b[i] & 0xff));
    }
    return sum / (double) a.length;
  }
}
