package pcam;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/** Writes 96x96 RGB TIFF patches (Kaggle's format) for tests that need image files on disk. */
public final class TestPatches {
  private TestPatches() {}

  /** Writes HWC uint8 pixels as an uncompressed RGB TIFF. */
  public static void writeTiff(Path file, byte[] pixels, int size) {
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_3BYTE_BGR);
    WritableRaster raster = image.getRaster();
    int[] samples = new int[pixels.length];
    for (int i = 0; i < pixels.length; i++) {
      samples[i] = pixels[i] & 0xff;
    }
    raster.setPixels(0, 0, size, size, samples);
    try {
      if (!ImageIO.write(image, "tiff", file.toFile())) {
        throw new IllegalStateException("no TIFF writer");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A patch of seeded random pixels. */
  public static byte[] random(long seed) {
    byte[] pixels = new byte[96 * 96 * 3];
    new SplittableRandom(seed).nextBytes(pixels);
    return pixels;
  }

  /** Writes {@code n} random patches named id000.., returns their ids in order. */
  public static List<String> writeFolder(Path dir, int n) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = String.format("id%03d", i);
      writeTiff(dir.resolve(id + ".tif"), random(i), 96);
      ids.add(id);
    }
    return ids;
  }
}
