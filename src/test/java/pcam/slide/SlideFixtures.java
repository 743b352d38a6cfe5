package pcam.slide;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Pyramidal TIFFs written for tests with the JDK's writer, and ways to damage them. */
public final class SlideFixtures {
  private SlideFixtures() {}

  /** A deterministic pattern: pink "tissue" disc on near-white glass, with texture so JPEG has work. */
  public static byte pixel(int x, int y, int c, int width, int height) {
    double dx = (x - width / 2.0) / (width / 2.5);
    double dy = (y - height / 2.0) / (height / 2.5);
    boolean tissue = dx * dx + dy * dy < 1;
    int texture = ((x * 7 + y * 13) % 17);
    int[] pink = {200 - texture * 3, 110 + texture * 2, 170};
    int glass = 238 + (x + y) % 5;
    return (byte) (tissue ? pink[c] : glass);
  }

  /** Level k is the pattern at 1/2^k of {@code width x height}. */
  public static List<PyramidWriter.Level> pattern(int width, int height, int levels) {
    List<PyramidWriter.Level> out = new ArrayList<>();
    for (int k = 0; k < levels; k++) {
      int w = width >> k;
      int h = height >> k;
      out.add(new PyramidWriter.Level(w, h, (x, y, rw, rh, rgb) -> {
        for (int j = 0; j < rh; j++) {
          for (int i = 0; i < rw; i++) {
            for (int c = 0; c < 3; c++) {
              rgb[(j * rw + i) * 3 + c] = pixel(x + i, y + j, c, w, h);
            }
          }
        }
      }));
    }
    return out;
  }

  public static Path write(Path file, int width, int height, int levels, int tile, String compression, Double mpp) {
    try {
      PyramidWriter.write(file, pattern(width, height, levels), tile, compression, mpp);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** Overwrites {@code length} bytes at {@code offset} with zeros. */
  public static void zero(Path file, long offset, int length) {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(offset);
      raf.write(new byte[length]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void truncate(Path file, long length) {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Offset and byte count of tile {@code index} of the file's {@code ifd}-th image. */
  public static long[] tile(Path file, int ifd, int index) {
    try (javax.imageio.stream.ImageInputStream in = javax.imageio.ImageIO.createImageInputStream(file.toFile())) {
      javax.imageio.ImageReader r =
          new com.twelvemonkeys.imageio.plugins.tiff.TIFFImageReaderSpi().createReaderInstance(null);
      r.setInput(in);
      TiffTags tags = TiffTags.of(r.getImageMetadata(ifd));
      return new long[] {tags.longs(324)[index], tags.longs(325)[index]};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
