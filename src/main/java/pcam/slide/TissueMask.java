package pcam.slide;

import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * Where the tissue is, from a low-resolution view of the slide, so glass is never read at full
 * resolution. The rule, per pixel of RGB (r, g, b) with max M and min m:
 * <ul>
 *   <li>HSV saturation S = (M - m) / M. H&amp;E-stained tissue is pink to purple (S around 0.2-0.6);
 *       glass, background and unstained fat are near grey (S below 0.05).
 *   <li>tissue when S &gt; t, where t is Otsu's threshold on the saturation histogram of the
 *       thumbnail's non-dark pixels, but at least {@link #MIN_THRESHOLD} (on a slide that is nearly
 *       all glass, Otsu would otherwise split the glass's own noise);
 *   <li>and M &ge; {@link #MIN_BRIGHTNESS}: black (pen, dust, scanner borders) is never tissue.
 * </ul>
 * The thumbnail is the coarsest level at or below {@link #MASK_MPP} µm/px, box-averaged down to at
 * most {@link #MAX_SIDE} pixels on its long side.
 */
public final class TissueMask {
  public static final double MASK_MPP = 4.0;
  public static final int MAX_SIDE = 2048;
  public static final double MIN_THRESHOLD = 0.05;
  public static final double MAX_THRESHOLD = 0.08;
  public static final int MIN_BRIGHTNESS = 40;

  private final byte[] rgb;
  private final int width;
  private final int height;
  private final double scale;
  private final double threshold;
  private final boolean[] tissue;
  private final int[] integral;

  private TissueMask(byte[] rgb, int width, int height, double scale, double threshold) {
    this.rgb = rgb;
    this.width = width;
    this.height = height;
    this.scale = scale;
    this.threshold = threshold;
    this.tissue = new boolean[width * height];
    this.integral = new int[(width + 1) * (height + 1)];
    for (int y = 0; y < height; y++) {
      int rowSum = 0;
      for (int x = 0; x < width; x++) {
        int i = y * width + x;
        tissue[i] = isTissue(rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2], threshold);
        rowSum += tissue[i] ? 1 : 0;
        integral[(y + 1) * (width + 1) + x + 1] = integral[y * (width + 1) + x + 1] + rowSum;
      }
    }
  }

  /** Builds the thumbnail and mask of {@code slide} (reads only its low-resolution level). */
  public static TissueMask of(Slide slide, double slideMpp) {
    int level = 0;
    for (int i = 0; i < slide.levels().size(); i++) {
      if (slideMpp * slide.level(i).downsample() <= MASK_MPP) {
        level = i;
      }
    }
    Slide.Level l = slide.level(level);
    int factor = (Math.max(l.width(), l.height()) + MAX_SIDE - 1) / MAX_SIDE;
    int w = Math.max(1, l.width() / factor);
    int h = Math.max(1, l.height() / factor);
    byte[] rgb = new byte[w * h * 3];
    // Regions of whole thumbnail pixels, at most about 1024 level pixels a side.
    int step = Math.max(1, 1024 / factor);
    for (int ty = 0; ty < h; ty += step) {
      for (int tx = 0; tx < w; tx += step) {
        int tw = Math.min(step, w - tx);
        int th = Math.min(step, h - ty);
        byte[] region = slide.readRegion(level, tx * factor, ty * factor, tw * factor, th * factor);
        boxAverage(region, tw * factor, factor, tw, th, rgb, w, tx, ty);
      }
    }
    return fromThumbnail(rgb, w, h, l.downsample() * factor);
  }

  /** The mask of an RGB thumbnail where one pixel spans {@code scale} level-0 pixels. */
  public static TissueMask fromThumbnail(byte[] rgb, int width, int height, double scale) {
    return new TissueMask(rgb, width, height, scale, otsuThreshold(rgb));
  }

  /** As {@link #fromThumbnail} with a given saturation threshold instead of Otsu's. */
  static TissueMask withThreshold(TissueMask m, double threshold) {
    return new TissueMask(m.rgb, m.width, m.height, m.scale, threshold);
  }

  private static void boxAverage(byte[] region, int regionWidth, int f, int tw, int th, byte[] out, int outWidth, int ox,
      int oy) {
    int n = f * f;
    for (int y = 0; y < th; y++) {
      for (int x = 0; x < tw; x++) {
        int r = 0;
        int g = 0;
        int b = 0;
        for (int dy = 0; dy < f; dy++) {
          int at = ((y * f + dy) * regionWidth + x * f) * 3;
          for (int dx = 0; dx < f; dx++, at += 3) {
            r += region[at] & 0xff;
            g += region[at + 1] & 0xff;
            b += region[at + 2] & 0xff;
          }
        }
        int o = ((oy + y) * outWidth + ox + x) * 3;
        out[o] = (byte) ((r + n / 2) / n);
        out[o + 1] = (byte) ((g + n / 2) / n);
        out[o + 2] = (byte) ((b + n / 2) / n);
      }
    }
  }

  static double saturation(int r, int g, int b) {
    int max = Math.max(r, Math.max(g, b));
    int min = Math.min(r, Math.min(g, b));
    return max == 0 ? 0 : (max - min) / (double) max;
  }

  /** The rule above for one pixel (S > t written as max - min > t * max: no division). */
  public static boolean isTissue(byte r, byte g, byte b, double threshold) {
    int ri = r & 0xff;
    int gi = g & 0xff;
    int bi = b & 0xff;
    int max = Math.max(ri, Math.max(gi, bi));
    int min = Math.min(ri, Math.min(gi, bi));
    return max >= MIN_BRIGHTNESS && max - min > threshold * max;
  }

  /**
   * Whether at least {@code fraction} of the {@code w x h} pixels at {@code offset} are tissue; the
   * same answer as {@code tissueFraction(...) >= fraction}, but stops as soon as it is decided.
   */
  public boolean hasTissue(byte[] pixels, int offset, int stride, int w, int h, double fraction) {
    int total = w * h;
    int needed = (int) Math.ceil(fraction * total);
    int count = 0;
    int seen = 0;
    for (int y = 0; y < h; y++) {
      int at = offset + y * stride;
      for (int x = 0; x < w; x++, at += 3) {
        if (isTissue(pixels[at], pixels[at + 1], pixels[at + 2], threshold)) {
          if (++count >= needed) {
            return true;
          }
        }
      }
      seen += w;
      if (count + (total - seen) < needed) {
        return false;
      }
    }
    return count >= needed;
  }

  /** Otsu's threshold on the saturation of non-dark pixels (256 bins), clamped as described above. */
  static double otsuThreshold(byte[] rgb) {
    long[] histogram = new long[256];
    long total = 0;
    for (int i = 0; i < rgb.length; i += 3) {
      int r = rgb[i] & 0xff;
      int g = rgb[i + 1] & 0xff;
      int b = rgb[i + 2] & 0xff;
      if (Math.max(r, Math.max(g, b)) >= MIN_BRIGHTNESS) {
        histogram[(int) Math.min(255, Math.round(saturation(r, g, b) * 255))]++;
        total++;
      }
    }
    if (total == 0) {
      return MAX_THRESHOLD;
    }
    double sumAll = 0;
    for (int i = 0; i < 256; i++) {
      sumAll += i * (double) histogram[i];
    }
    double sumBelow = 0;
    long below = 0;
    double best = -1;
    int bestBin = 0;
    for (int t = 0; t < 256; t++) {
      below += histogram[t];
      sumBelow += t * (double) histogram[t];
      long above = total - below;
      if (below == 0 || above == 0) {
        continue;
      }
      double meanBelow = sumBelow / below;
      double meanAbove = (sumAll - sumBelow) / above;
      double between = (double) below * above * (meanBelow - meanAbove) * (meanBelow - meanAbove);
      if (between > best) {
        best = between;
        bestBin = t;
      }
    }
    // Pixels in bins 0..bestBin are background: tissue is S strictly above the bin's upper edge.
    return Math.max(MIN_THRESHOLD, Math.min(MAX_THRESHOLD, (bestBin + 0.5) / 255.0));
  }

  /** Fraction of {@code pixels} (RGB HWC) that the rule calls tissue, with this slide's threshold. */
  public double tissueFraction(byte[] pixels, int offset, int stride, int w, int h) {
    int count = 0;
    for (int y = 0; y < h; y++) {
      int at = offset + y * stride;
      for (int x = 0; x < w; x++, at += 3) {
        if (isTissue(pixels[at], pixels[at + 1], pixels[at + 2], threshold)) {
          count++;
        }
      }
    }
    return count / (double) (w * h);
  }

  /**
   * Fraction of the mask pixels inside a level-0 square ({@code x}, {@code y}, side {@code size})
   * that are tissue; a square smaller than one mask pixel takes the pixel under its centre.
   */
  public double fraction(double x, double y, double size) {
    int x0 = clamp((int) Math.floor(x / scale), width);
    int y0 = clamp((int) Math.floor(y / scale), height);
    int x1 = clamp((int) Math.ceil((x + size) / scale), width);
    int y1 = clamp((int) Math.ceil((y + size) / scale), height);
    if (x1 <= x0 || y1 <= y0) {
      return 0;
    }
    int area = (x1 - x0) * (y1 - y0);
    int sum = integral[y1 * (width + 1) + x1] - integral[y0 * (width + 1) + x1]
        - integral[y1 * (width + 1) + x0] + integral[y0 * (width + 1) + x0];
    return sum / (double) area;
  }

  private static int clamp(int v, int max) {
    return Math.max(0, Math.min(max, v));
  }

  public boolean isTissue(int x, int y) {
    return tissue[y * width + x];
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** Level-0 pixels per mask pixel. */
  public double scale() {
    return scale;
  }

  public double threshold() {
    return threshold;
  }

  public long tissuePixels() {
    long n = 0;
    for (boolean t : tissue) {
      n += t ? 1 : 0;
    }
    return n;
  }

  /** The thumbnail the mask was computed on, as an image. */
  public BufferedImage thumbnail() {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int i = 3 * (y * width + x);
        image.setRGB(x, y, (rgb[i] & 0xff) << 16 | (rgb[i + 1] & 0xff) << 8 | (rgb[i + 2] & 0xff));
      }
    }
    return image;
  }

  /** tissue.png: the thumbnail with tissue in full colour and everything else greyed and faded. */
  public BufferedImage overlay() {
    BufferedImage image = thumbnail();
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        if (!isTissue(x, y)) {
          image.setRGB(x, y, 0x303030);
        }
      }
    }
    return image;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%dx%d mask (%.1f level-0 px per pixel), saturation threshold %.3f", width, height,
        scale, threshold);
  }
}
