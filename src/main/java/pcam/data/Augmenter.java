package pcam.data;

import java.util.SplittableRandom;

/**
 * Applies an {@link Augmentation} to one HWC uint8 patch. Geometry first: flips and quarter turns
 * are exact pixel moves; an arbitrary-angle rotation maps each output pixel back into the source
 * (inverse mapping) with bilinear interpolation and clamps coordinates to the border, which is
 * Keras's fill_mode="nearest". Then colour: H&amp;E stain jitter ({@link StainJitter}), then
 * brightness, contrast, saturation and hue jitter, each clamped to 0..255 as torchvision's
 * ColorJitter does, rounded back to uint8 once at the end.
 */
public final class Augmenter {
  private final Augmentation augmentation;

  public Augmenter(Augmentation augmentation) {
    this.augmentation = augmentation;
  }

  /**
   * Writes the augmented {@code src} into {@code dst} at {@code offset}; {@code random} decides.
   * The draws, in order and only for the parts switched on: horizontal flip, vertical flip,
   * quarter turns, rotation angle, the 6 stain factors, the 4 colour factors.
   */
  public void apply(byte[] src, int height, int width, SplittableRandom random, byte[] dst, int offset) {
    Augmentation a = augmentation;
    boolean flipH = a.horizontalFlip() && random.nextBoolean();
    boolean flipV = a.verticalFlip() && random.nextBoolean();
    int turns = a.quarterTurns() ? random.nextInt(4) : 0;
    double max = a.maxRotationDegrees();
    double degrees = max > 0 ? (random.nextDouble() * 2 - 1) * max : 0;
    transform(src, height, width, flipH, flipV, turns, degrees, dst, offset);
    if (!a.hasColour()) {
      return;
    }
    int pixels = height * width;
    if (a.stainJitter() > 0) {
      double s = a.stainJitter();
      double[] scale = {uniform(random, 1 - s, 1 + s), uniform(random, 1 - s, 1 + s), uniform(random, 1 - s, 1 + s)};
      double[] shift = {uniform(random, -s, s), uniform(random, -s, s), uniform(random, -s, s)};
      new StainJitter(scale, shift).apply(dst, offset, pixels);
    }
    if (a.hasColorJitter()) {
      double b = uniform(random, Math.max(0, 1 - a.brightness()), 1 + a.brightness());
      double c = uniform(random, Math.max(0, 1 - a.contrast()), 1 + a.contrast());
      double s = uniform(random, Math.max(0, 1 - a.saturation()), 1 + a.saturation());
      double h = uniform(random, -a.hue(), a.hue());
      colorJitter(dst, offset, pixels, b, c, s, h);
    }
  }

  private static double uniform(SplittableRandom random, double from, double to) {
    return from + (to - from) * random.nextDouble();
  }

  /** The study's transform: flip first, then rotate counter-clockwise by {@code degrees}. */
  public static void transform(
      byte[] src, int height, int width, boolean flipH, boolean flipV, double degrees, byte[] dst, int offset) {
    transform(src, height, width, flipH, flipV, 0, degrees, dst, offset);
  }

  /**
   * The deterministic transform: flip first, then {@code turns} counter-clockwise quarter turns
   * (square patches only), then rotate counter-clockwise by {@code degrees} about the patch centre
   * (image coordinates, y pointing down).
   */
  public static void transform(
      byte[] src, int height, int width, boolean flipH, boolean flipV, int turns, double degrees, byte[] dst, int offset) {
    if (turns % 2 != 0 && height != width) {
      throw new IllegalArgumentException("quarter turns need a square patch, got " + height + "x" + width);
    }
    int[] at = new int[2];
    if (degrees == 0) {
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          sourceOf(y, x, height, width, flipH, flipV, turns, at);
          System.arraycopy(src, (at[0] * width + at[1]) * 3, dst, offset + (y * width + x) * 3, 3);
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
        for (int t = 0; t < turns % 4; t++) {
          double previousRow = ry;
          ry = rx;
          rx = width - 1 - previousRow;
        }
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

  /**
   * The source (row, column) of output pixel (y, x): undo the quarter turns (a counter-clockwise
   * turn puts source (r, c) at (W-1-c, r)), then the flips.
   */
  private static void sourceOf(int y, int x, int height, int width, boolean flipH, boolean flipV, int turns, int[] at) {
    int row = y;
    int col = x;
    for (int t = 0; t < turns % 4; t++) {
      int previousRow = row;
      row = col;
      col = width - 1 - previousRow;
    }
    at[0] = flipV ? height - 1 - row : row;
    at[1] = flipH ? width - 1 - col : col;
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

  /** ITU-R 601 luma, the grey that torchvision's ColorJitter blends with. */
  static double grey(double r, double g, double b) {
    return 0.299 * r + 0.587 * g + 0.114 * b;
  }

  /**
   * Brightness (multiply by {@code b}), contrast (blend with the patch's mean grey by {@code c}),
   * saturation (blend with each pixel's grey by {@code s}), hue (rotate the YIQ chroma by
   * {@code h} turns), in that order, in place; each step clamps to 0..255.
   */
  static void colorJitter(byte[] pixels, int offset, int count, double b, double c, double s, double h) {
    double[] v = new double[count * 3];
    double greySum = 0;
    for (int i = 0; i < count * 3; i += 3) {
      for (int k = 0; k < 3; k++) {
        v[i + k] = clamp((pixels[offset + i + k] & 0xff) * b);
      }
      greySum += grey(v[i], v[i + 1], v[i + 2]);
    }
    double mean = greySum / count;
    double cos = Math.cos(2 * Math.PI * h);
    double sin = Math.sin(2 * Math.PI * h);
    for (int i = 0; i < count * 3; i += 3) {
      double r = clamp(c * v[i] + (1 - c) * mean);
      double g = clamp(c * v[i + 1] + (1 - c) * mean);
      double bl = clamp(c * v[i + 2] + (1 - c) * mean);
      double grey = grey(r, g, bl);
      r = clamp(s * r + (1 - s) * grey);
      g = clamp(s * g + (1 - s) * grey);
      bl = clamp(s * bl + (1 - s) * grey);
      if (h != 0) {
        double y = 0.299 * r + 0.587 * g + 0.114 * bl;
        double iq = 0.595716 * r - 0.274453 * g - 0.321263 * bl;
        double q = 0.211456 * r - 0.522591 * g + 0.311135 * bl;
        double i2 = cos * iq - sin * q;
        double q2 = sin * iq + cos * q;
        r = clamp(y + 0.9563 * i2 + 0.6210 * q2);
        g = clamp(y - 0.2721 * i2 - 0.6474 * q2);
        bl = clamp(y - 1.1070 * i2 + 1.7046 * q2);
      }
      pixels[offset + i] = (byte) Math.round(r);
      pixels[offset + i + 1] = (byte) Math.round(g);
      pixels[offset + i + 2] = (byte) Math.round(bl);
    }
  }

  private static double clamp(double v) {
    return v < 0 ? 0 : v > 255 ? 255 : v;
  }
}
