package pcam.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.SharedData;
import pcam.data.BadPatchException.Problem;

class PatchReaderTest {
  @TempDir Path tmp;

  @Test
  void sampleTiffsAreUncompressedSingleStripRgb() throws IOException {
    for (Path file : realPatches(20)) {
      var tags = TiffFixtures.tags(Files.readAllBytes(file));
      assertThat(tags.get(259)).as("Compression of %s", file).containsExactly(1);
      assertThat(tags.get(277)).as("SamplesPerPixel").containsExactly(3);
      assertThat(tags.get(256)).as("width").containsExactly(96);
      assertThat(tags.get(257)).as("height").containsExactly(96);
    }
  }

  @Test
  void readBytesGivesExactlyTheFileEvenWhenItsSizeIsNotWhatStatSays() throws IOException {
    for (Path file : realPatches(20)) {
      assertThat(PatchReader.readBytes(file)).isEqualTo(Files.readAllBytes(file));
    }
    // /proc files are regular but stat as 0 bytes: the read must go past the stat's size.
    Path proc = Path.of("/proc/version");
    assumeFalse(!Files.isRegularFile(proc), "no /proc here");
    byte[] bytes = PatchReader.readBytes(proc);
    assertThat(Files.size(proc)).isZero();
    assertThat(bytes).isNotEmpty().isEqualTo(Files.readAllBytes(proc));
  }

  @Test
  void realPatchesDecodeToTheirRawStripBytes() throws IOException {
    for (Path file : realPatches(20)) {
      byte[] decoded = PatchReader.read(file);
      byte[] raw = TiffFixtures.rawRgb(file);
      assertThat(decoded).as("%s", file).hasSize(96 * 96 * 3);
      assertThat(Arrays.equals(decoded, raw)).as("pixels of %s equal its strip bytes", file).isTrue();
    }
  }

  @Test
  void decodedPixelsAreRowMajorHwcRgb() throws IOException {
    Path file = TiffFixtures.writeTiff(tmp.resolve("gradient.tif"), 96, 96, BufferedImage.TYPE_INT_RGB);
    byte[] pixels = PatchReader.read(file);
    int x = 17;
    int y = 60;
    int at = (y * 96 + x) * 3;
    assertThat(pixels[at] & 0xff).isEqualTo(17);
    assertThat(pixels[at + 1] & 0xff).isEqualTo(60);
    assertThat(pixels[at + 2] & 0xff).isEqualTo(77);
  }

  @Test
  void aLinkToAnEndlessDeviceIsRefusedWithoutReadingIt() throws IOException {
    Path zero = Path.of("/dev/zero");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(zero), "no /dev/zero here");
    Path link = Files.createSymbolicLink(tmp.resolve("endless.tif"), zero);
    assertThatThrownBy(() -> PatchReader.read(link))
        .isInstanceOf(BadPatchException.class)
        .hasMessage(link + ": cannot read: not a regular file (a device, pipe or socket)");
  }

  @Test
  void aFileNamedJustDotTifIsNoPatchOfAnything() {
    assertThat(TiffSource.isPatchFileName(".tif")).isFalse();
    assertThat(TiffSource.isPatchFileName("a.tif")).isTrue();
    assertThat(TiffSource.isPatchFileName("a.tiff")).isFalse();
  }

  @Test
  void truncatedFileIsUnreadableAndNamed() throws IOException {
    Path real = realPatches(1).get(0);
    Path truncated = tmp.resolve("truncated.tif");
    Files.write(truncated, Arrays.copyOf(Files.readAllBytes(real), 10_000));
    assertBad(truncated, Problem.UNREADABLE, "truncated");
  }

  @Test
  void fileCutInsideTheHeaderIsUnreadable() throws IOException {
    Path real = realPatches(1).get(0);
    Path truncated = tmp.resolve("header-only.tif");
    Files.write(truncated, Arrays.copyOf(Files.readAllBytes(real), 100));
    assertBad(truncated, Problem.UNREADABLE, "truncated");
  }

  @Test
  void pngNamedTifIsNotATiff() throws IOException {
    BufferedImage image = new BufferedImage(96, 96, BufferedImage.TYPE_3BYTE_BGR);
    Path png = tmp.resolve("really-a-png.tif");
    ImageIO.write(image, "png", png.toFile());
    assertBad(png, Problem.UNREADABLE, "not a TIFF");
  }

  @Test
  void emptyAndTextFilesAreNotTiffs() throws IOException {
    assertBad(Files.write(tmp.resolve("empty.tif"), new byte[0]), Problem.UNREADABLE, "not a TIFF");
    assertBad(Files.writeString(tmp.resolve("text.tif"), "id,label\n"), Problem.UNREADABLE, "not a TIFF");
  }

  @Test
  void wrongSizeIsRejected() throws IOException {
    Path small = TiffFixtures.writeTiff(tmp.resolve("small.tif"), 64, 64, BufferedImage.TYPE_3BYTE_BGR);
    assertBad(small, Problem.WRONG_SIZE, "image is 64x64, expected 96x96");
  }

  @Test
  void grayscaleIsNotRgb() throws IOException {
    Path gray = TiffFixtures.writeTiff(tmp.resolve("gray.tif"), 96, 96, BufferedImage.TYPE_BYTE_GRAY);
    assertBad(gray, Problem.NOT_RGB, "1 channel(s), expected RGB");
  }

  @Test
  void rgbaIsNotRgb() throws IOException {
    Path rgba = TiffFixtures.writeTiff(tmp.resolve("rgba.tif"), 96, 96, BufferedImage.TYPE_4BYTE_ABGR);
    assertBad(rgba, Problem.NOT_RGB, "4 channel(s), expected RGB");
  }

  @Test
  void missingFileIsNamed() {
    assertBad(tmp.resolve("nope.tif"), Problem.UNREADABLE, "file not found");
  }

  @Test
  void folderNamedTifIsUnreadable() throws IOException {
    assertBad(Files.createDirectory(tmp.resolve("folder.tif")), Problem.UNREADABLE, "cannot read");
  }

  @Test
  void fileWithoutReadPermissionIsUnreadable() throws IOException {
    Path file = TiffFixtures.writeTiff(tmp.resolve("locked.tif"), 96, 96, BufferedImage.TYPE_INT_RGB);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
    assumeFalse(Files.isReadable(file), "running as root: permissions do not block reads");
    assertBad(file, Problem.UNREADABLE, "permission denied");
  }

  private static void assertBad(Path file, Problem problem, String messagePart) {
    assertThatThrownBy(() -> PatchReader.read(file))
        .isInstanceOfSatisfying(BadPatchException.class, e -> {
          assertThat(e.problem()).isEqualTo(problem);
          assertThat(e.file()).isEqualTo(file);
        })
        .hasMessageStartingWith(file + ": ")
        .hasMessageContaining(messagePart)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  static List<Path> realPatches(int n) throws IOException {
    Path train = SharedData.pcamSample().resolve("train");
    try (Stream<Path> files = Files.list(train)) {
      return files.sorted().limit(n).toList();
    }
  }
}
