package pcam.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UncompressedTiffTest {
  @TempDir Path tmp;

  @Test
  void realPatchesGiveExactlyImageIoPixels() throws IOException {
    for (Path file : PatchReaderTest.realPatches(200)) {
      byte[] bytes = Files.readAllBytes(file);
      byte[] fast = UncompressedTiff.rgb96(bytes);
      assertThat(fast).as("fast path taken for %s", file).isNotNull();
      assertThat(Arrays.equals(fast, PatchReader.readWithImageIO(file, bytes))).as("pixels of %s", file).isTrue();
    }
  }

  @Test
  void realPatchesMatchBothImageIoTiffReadersDecodedIndependently() throws IOException {
    // TwelveMonkeys' TIFF plugin (for whole-slide BigTIFF) registers ahead of the JDK's: the
    // fallback must still be the JDK's reader, and both readers, decoding through getRGB (no pcam
    // code), must agree with the direct path to the byte.
    ImageReader jdk = PatchReader.jdkTiffReader();
    ImageReader twelveMonkeys = new com.twelvemonkeys.imageio.plugins.tiff.TIFFImageReaderSpi().createReaderInstance(null);
    assertThat(jdk.getClass().getName()).startsWith("com.sun.imageio.plugins.tiff.");
    try {
      for (Path file : PatchReaderTest.realPatches(50)) {
        byte[] direct = PatchReader.read(file);
        assertThat(direct).as("jdk reader, %s", file).isEqualTo(viaGetRgb(jdk, file));
        assertThat(direct).as("TwelveMonkeys reader, %s", file).isEqualTo(viaGetRgb(twelveMonkeys, file));
      }
    } finally {
      jdk.dispose();
      twelveMonkeys.dispose();
    }
  }

  private static byte[] viaGetRgb(ImageReader reader, Path file) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      reader.setInput(in);
      BufferedImage image = reader.read(0);
      byte[] rgb = new byte[PatchReader.BYTES];
      for (int y = 0, i = 0; y < PatchReader.SIZE; y++) {
        for (int x = 0; x < PatchReader.SIZE; x++) {
          int argb = image.getRGB(x, y);
          rgb[i++] = (byte) (argb >> 16);
          rgb[i++] = (byte) (argb >> 8);
          rgb[i++] = (byte) argb;
        }
      }
      return rgb;
    } finally {
      reader.setInput(null);
    }
  }

  @Test
  void imageIoWrittenRgbTiffMatchesToo() throws IOException {
    // ImageIO's writer lays the file out differently from Kaggle's (tag order, strips): whichever
    // path it takes, the pixels must be ImageIO's.
    Path file = TiffFixtures.writeTiff(tmp.resolve("gradient.tif"), 96, 96, BufferedImage.TYPE_3BYTE_BGR);
    byte[] bytes = Files.readAllBytes(file);
    byte[] fast = UncompressedTiff.rgb96(bytes);
    if (fast != null) {
      assertThat(fast).isEqualTo(PatchReader.readWithImageIO(file, bytes));
    }
    assertThat(PatchReader.read(file)).isEqualTo(PatchReader.readWithImageIO(file, bytes));
  }

  @Test
  void bigEndianCopyOfARealPatchGivesTheSamePixels() throws IOException {
    byte[] little = Files.readAllBytes(PatchReaderTest.realPatches(1).get(0));
    byte[] big = toBigEndian(little);
    assertThat(UncompressedTiff.rgb96(big)).isEqualTo(UncompressedTiff.rgb96(little));
  }

  @Test
  void fallsBackOnEveryTagThatChangesThePixels() throws IOException {
    byte[] real = Files.readAllBytes(PatchReaderTest.realPatches(1).get(0));
    assertThat(UncompressedTiff.rgb96(real)).isNotNull();
    assertThat(UncompressedTiff.rgb96(withTag(real, 256, 95))).as("width 95").isNull();
    assertThat(UncompressedTiff.rgb96(withTag(real, 257, 97))).as("height 97").isNull();
    assertThat(UncompressedTiff.rgb96(withTag(real, 259, 5))).as("LZW compression").isNull();
    assertThat(UncompressedTiff.rgb96(withTag(real, 262, 1))).as("greyscale photometric").isNull();
    assertThat(UncompressedTiff.rgb96(withTag(real, 277, 4))).as("4 samples").isNull();
    assertThat(UncompressedTiff.rgb96(withTag(real, 284, 2))).as("planar").isNull();
    assertThat(UncompressedTiff.rgb96(withTag(real, 278, 48))).as("two strips' worth of rows").isNull();
    assertThat(UncompressedTiff.rgb96(withTag(real, 279, 27647))).as("short strip").isNull();
    assertThat(UncompressedTiff.rgb96(withTag(real, 339, 2))).as("signed samples").isNull();
    assertThat(UncompressedTiff.rgb96(withTag(real, 273, real.length - 100))).as("strip past the end").isNull();
  }

  @Test
  void fallsBackOnSixteenBitSamplesAndBrokenHeaders() throws IOException {
    byte[] real = Files.readAllBytes(PatchReaderTest.realPatches(1).get(0));
    byte[] sixteen = real.clone();
    ByteBuffer buf = ByteBuffer.wrap(sixteen).order(ByteOrder.LITTLE_ENDIAN);
    int valuesAt = buf.getInt(entryAt(real, 258) + 8);
    buf.putShort(valuesAt + 2, (short) 16);
    assertThat(UncompressedTiff.rgb96(sixteen)).as("16-bit green").isNull();

    byte[] badIfd = real.clone();
    ByteBuffer.wrap(badIfd).order(ByteOrder.LITTLE_ENDIAN).putInt(4, real.length + 10);
    assertThat(UncompressedTiff.rgb96(badIfd)).as("IFD past the end").isNull();
    assertThat(UncompressedTiff.rgb96(Arrays.copyOf(real, 27_000))).as("truncated").isNull();
    assertThat(UncompressedTiff.rgb96(new byte[] {'I', 'I', 42, 0})).as("header only").isNull();
    assertThat(UncompressedTiff.rgb96("not a tiff at all".getBytes())).isNull();
  }

  @Test
  void orientationTagFallsBackToImageIo() throws IOException {
    byte[] real = Files.readAllBytes(PatchReaderTest.realPatches(1).get(0));
    // Retag the NewSubfileType entry (value 0) as Orientation: any orientation is left to ImageIO.
    byte[] oriented = real.clone();
    ByteBuffer.wrap(oriented).order(ByteOrder.LITTLE_ENDIAN).putShort(entryAt(real, 254), (short) 274);
    assertThat(UncompressedTiff.rgb96(oriented)).isNull();
  }

  /** A copy of a little-endian TIFF with the one-value SHORT/LONG entry {@code tag} set to {@code value}. */
  private static byte[] withTag(byte[] tiff, int tag, long value) {
    byte[] copy = tiff.clone();
    ByteBuffer buf = ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
    int at = entryAt(tiff, tag);
    if (at < 0) {
      throw new IllegalArgumentException("no tag " + tag);
    }
    int type = buf.getShort(at + 2);
    if (type == 3) {
      buf.putShort(at + 8, (short) value);
    } else {
      buf.putInt(at + 8, (int) value);
    }
    return copy;
  }

  private static int entryAt(byte[] tiff, int tag) {
    ByteBuffer buf = ByteBuffer.wrap(tiff).order(ByteOrder.LITTLE_ENDIAN);
    int ifd = buf.getInt(4);
    int n = buf.getShort(ifd);
    for (int k = 0; k < n; k++) {
      int at = ifd + 2 + 12 * k;
      if ((buf.getShort(at) & 0xffff) == tag) {
        return at;
      }
    }
    return -1;
  }

  /** Rewrites the header and first IFD of a little-endian Kaggle patch in big-endian byte order. */
  private static byte[] toBigEndian(byte[] little) {
    byte[] big = little.clone();
    ByteBuffer in = ByteBuffer.wrap(little).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer out = ByteBuffer.wrap(big).order(ByteOrder.BIG_ENDIAN);
    big[0] = 'M';
    big[1] = 'M';
    out.putShort(2, (short) 42);
    int ifd = in.getInt(4);
    out.putInt(4, ifd);
    int n = in.getShort(ifd);
    out.putShort(ifd, (short) n);
    for (int k = 0; k < n; k++) {
      int at = ifd + 2 + 12 * k;
      int type = in.getShort(at + 2);
      int count = in.getInt(at + 4);
      out.putShort(at, in.getShort(at));
      out.putShort(at + 2, (short) type);
      out.putInt(at + 4, count);
      int size = type == 3 ? 2 : type == 4 ? 4 : 1;
      if (size * count <= 4) {
        if (type == 3) {
          for (int i = 0; i < count; i++) {
            out.putShort(at + 8 + 2 * i, in.getShort(at + 8 + 2 * i));
          }
        } else if (type == 4) {
          out.putInt(at + 8, in.getInt(at + 8));
        }
      } else {
        int valuesAt = in.getInt(at + 8);
        out.putInt(at + 8, valuesAt);
        if (type == 3) {
          for (int i = 0; i < count; i++) {
            out.putShort(valuesAt + 2 * i, in.getShort(valuesAt + 2 * i));
          }
        }
      }
    }
    return big;
  }
}
