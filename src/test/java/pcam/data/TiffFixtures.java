package pcam.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import javax.imageio.ImageIO;

/** Test helpers: write patch-like images, and decode an uncompressed TIFF by hand (no ImageIO). */
public final class TiffFixtures {
  private TiffFixtures() {}

  /** A TIFF of the given type whose pixel (x, y) has red x, green y, blue x+y (mod 256). */
  public static Path writeTiff(Path file, int width, int height, int type) throws IOException {
    BufferedImage image = new BufferedImage(width, height, type);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, 0x80000000 | (x & 0xff) << 16 | (y & 0xff) << 8 | ((x + y) & 0xff));
      }
    }
    if (!ImageIO.write(image, "tiff", file.toFile())) {
      throw new IOException("no TIFF writer for image type " + type);
    }
    return file;
  }

  /** Tags of the first IFD: tag -> values (SHORT or LONG, as longs). */
  static Map<Integer, long[]> tags(byte[] tiff) {
    ByteBuffer buf = ByteBuffer.wrap(tiff);
    buf.order(tiff[0] == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
    int ifd = buf.getInt(4);
    int count = buf.getShort(ifd) & 0xffff;
    Map<Integer, long[]> tags = new HashMap<>();
    for (int k = 0; k < count; k++) {
      int at = ifd + 2 + 12 * k;
      int tag = buf.getShort(at) & 0xffff;
      int type = buf.getShort(at + 2) & 0xffff;
      int n = buf.getInt(at + 4);
      int size = type == 3 ? 2 : type == 4 ? 4 : 0;
      if (size == 0) {
        continue; // ASCII, RATIONAL...: not needed here
      }
      int valuesAt = n * size <= 4 ? at + 8 : buf.getInt(at + 8);
      long[] values = new long[n];
      for (int i = 0; i < n; i++) {
        values[i] = size == 2 ? buf.getShort(valuesAt + 2 * i) & 0xffff : buf.getInt(valuesAt + 4 * i) & 0xffffffffL;
      }
      tags.put(tag, values);
    }
    return tags;
  }

  /**
   * The pixel bytes of an uncompressed, chunky, 8-bit RGB TIFF: the concatenated strips. Fails
   * (IllegalArgumentException) on anything else, so a test cannot silently compare garbage.
   */
  static byte[] rawRgb(Path file) throws IOException {
    byte[] tiff = Files.readAllBytes(file);
    Map<Integer, long[]> tags = tags(tiff);
    require(tags.get(259)[0] == 1, "Compression must be 1 (none)");
    require(tags.get(277)[0] == 3, "SamplesPerPixel must be 3");
    require(tags.get(262)[0] == 2, "PhotometricInterpretation must be 2 (RGB)");
    require(!tags.containsKey(284) || tags.get(284)[0] == 1, "PlanarConfiguration must be 1 (chunky)");
    for (long bits : tags.get(258)) {
      require(bits == 8, "BitsPerSample must be 8");
    }
    int width = (int) tags.get(256)[0];
    int height = (int) tags.get(257)[0];
    long[] offsets = tags.get(273);
    long[] counts = tags.get(279);
    byte[] pixels = new byte[width * height * 3];
    int filled = 0;
    for (int s = 0; s < offsets.length; s++) {
      int n = (int) Math.min(counts[s], pixels.length - filled);
      System.arraycopy(tiff, (int) offsets[s], pixels, filled, n);
      filled += n;
    }
    require(filled == pixels.length, "strips hold " + filled + " bytes, expected " + pixels.length);
    return pixels;
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
