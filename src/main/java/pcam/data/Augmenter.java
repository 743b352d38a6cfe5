package pcam.data;

import java.util.SplittableRandom;

/**
 * Applies geometric transforms to one HWC uint8 patch. Flips are exact pixel moves; rotation maps
 * each output pixel back into the source (inverse mapping) with bilinear interpolation and clamps
 * coordinates to the border, which is Keras's fill_mode="nearest".
 */
public final class Augmenter {
  private final Augmentation augmentation;

  public Augmenter(Augmentation augmentation) {
    this.augmentation = augmentation;
  }

  /** Writes the augmented {@code src} into {@code dst} at {@code offset}; {@code random} decides. */
  public void apply(byte[] src, int height, int width, SplittableRandom random, byte[] dst, int offset) {
    boolean flipH = augmentation.horizontalFlip() && random.nextBoolean();
    boolean flipV = augmentation.verticalFlip() && random.nextBoolean();
    double max = augmentation.maxRotationDegrees();
    double degrees = max > 0 ? (random.nextDouble() * 2 - 1) * max : 0;
    transform(src, height, width, flipH, flipV, degrees, dst, offset);
  }

  /**
   * The deterministic transform: flip first, then rotate counter-clockwise by {@code degrees}
   * about the patch centre (image coordinates, y pointing down).
   */
  public static void transform(
      byte[] src, int height, int width, boolean flipH, boolean flipV, double degrees, byte[] dst, int offset) {
    if (degrees == 0) {
      for (int y = 0; y < height; y++) {
        int sy = flipV ? height - 1 - y : y;
        for (int x = 0; x < width; x++) {
          int sx = flipH ? width - 1 - x : x;
          System.arraycopy(src, (sy * width + sx) * 3, dst, offset + (y * width + x) * 3, 3);
        }
      }
      return;
    }
    double radians = Math.toRadians(degrees);
    double cos = Math.cos(radians);
    double sin = Math.sin(radians);
    double cy = (height - 1) / 2.0;
    double cx = (width - 1) / 2.0;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        // Counter-clockwise on screen: inverse-rotate the output coordinate into the source.
        double dx = x - cx;
        double dy = y - cy;
        double rx = cos * dx - sin * dy + cx;
        double ry = sin * dx + cos * dy + cy;
        rx = Math.min(Math.max(rx, 0), width - 1);
        ry = Math.min(Math.max(ry, 0), height - 1);
        if (flipH) {
          rx = width - 1 - rx;
        }
        if (flipV) {
          ry = height - 1 - ry;
        }
        sampleBilinear(src, height, width, rx, ry, dst, offset + (y * width + x) * 3);
      }
    }
  }

  private static void sampleBilinear(byte[] src, int height, int width, double x, double y, byte[] dst, int at) {
    int x0 = (int) x;
    int y0 = (int) y;
    int x1 = Math.min(x0 + 1, width - 1);
    int y1 = Math.min(y0 + 1, height - 1);
    double fx = x - x0;
    double fy = y - y0;
    for (int c = 0; c < 3; c++) {
      double top = (src[(y0 * width + x0) * 3 + c] & 0xff) * (1 - fx) + (src[(y0 * width + x1) * 3 + c] & 0xff) * fx;
      double bottom = (src[(y1 * width + x0) * 3 + c] & 0xff) * (1 - fx) + (src[(y1 * width + x1) * 3 + c] & 0xff) * fx;
      dst[at + c] = (byte) Math.round(top * (1 - fy) + bottom * fy);
    }
  }
}
