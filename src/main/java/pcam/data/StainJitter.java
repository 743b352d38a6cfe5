package pcam.data;

/**
 * H&amp;E stain jitter in the stain space of Ruifrok and Johnston's colour deconvolution (Anal.
 * Quant. Cytol. Histol. 2001), as Tellez et al. (2018) augment histopathology patches.
 *
 * <p>Each pixel's optical density per channel, {@code od = ln(256 / (p + 1))} (Beer-Lambert, natural
 * log, as scikit-image's {@code rgb2hed} computed it before version 0.19 and as Tellez et al.'s
 * sigmas assume; the later version divides by ln(1e6), which would make a sigma 14 times stronger),
 * is a mix of
 * three stains: {@code od = stains x RGB_FROM_HED}, whose rows are the haematoxylin, eosin and DAB
 * optical-density vectors. Deconvolution inverts the mix, each stain becomes
 * {@code scale[k] * s + shift[k]}, and the pixel is mixed back. The three steps are one affine map
 * of the optical density, computed once per patch. With scale 1 and shift 0 it is the identity up
 * to rounding.
 */
public final class StainJitter {
  /** Haematoxylin, eosin, DAB: Ruifrok and Johnston's optical-density vectors (R, G, B). */
  public static final double[][] RGB_FROM_HED = {
    {0.650, 0.704, 0.286},
    {0.072, 0.990, 0.105},
    {0.268, 0.570, 0.776},
  };
  /** The deconvolution matrix: {@code stains = od x HED_FROM_RGB}. */
  public static final double[][] HED_FROM_RGB = invert(RGB_FROM_HED);
  private static final double[] OD = new double[256];

  static {
    for (int p = 0; p < 256; p++) {
      OD[p] = opticalDensity(p);
    }
  }

  private final double[][] map;
  private final double[] bias;

  /** Per-stain (H, E, DAB) multiplier and offset, applied in stain space. */
  public StainJitter(double[] scale, double[] shift) {
    // od' = (od x HED_FROM_RGB x diag(scale) + shift) x RGB_FROM_HED = od x map + bias
    map = new double[3][3];
    bias = new double[3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        double sum = 0;
        for (int k = 0; k < 3; k++) {
          sum += HED_FROM_RGB[i][k] * scale[k] * RGB_FROM_HED[k][j];
        }
        map[i][j] = sum;
      }
    }
    for (int j = 0; j < 3; j++) {
      for (int k = 0; k < 3; k++) {
        bias[j] += shift[k] * RGB_FROM_HED[k][j];
      }
    }
  }

  /** {@code ln(256 / (p + 1))}: 0 for white (255), ln 256 = 5.55 for black (0). */
  public static double opticalDensity(int p) {
    return Math.log(256.0 / (p + 1));
  }

  /**
   * Jitters {@code count} RGB pixels in place, starting at {@code offset}. Since the map is affine in
   * optical density, the new intensity factors into per-channel powers:
   * {@code 256 exp(-od'_j) = 256 exp(-bias_j) * prod_c ((p_c + 1) / 256)^map[c][j]}, so each patch
   * needs nine 256-entry tables instead of three {@code exp} per pixel.
   */
  public void apply(byte[] pixels, int offset, int count) {
    double[][][] power = new double[3][3][256];
    for (int c = 0; c < 3; c++) {
      for (int j = 0; j < 3; j++) {
        double exponent = map[c][j];
        for (int p = 0; p < 256; p++) {
          power[c][j][p] = Math.exp(-OD[p] * exponent);
        }
      }
    }
    double[] scale = new double[3];
    for (int j = 0; j < 3; j++) {
      scale[j] = 256 * Math.exp(-bias[j]);
    }
    for (int i = offset, end = offset + count * 3; i < end; i += 3) {
      int r = pixels[i] & 0xff;
      int g = pixels[i + 1] & 0xff;
      int b = pixels[i + 2] & 0xff;
      for (int j = 0; j < 3; j++) {
        long v = Math.round(scale[j] * power[0][j][r] * power[1][j][g] * power[2][j][b] - 1);
        pixels[i + j] = (byte) (v < 0 ? 0 : v > 255 ? 255 : v);
      }
    }
  }

  /** A 3x3 inverse by cofactors. */
  static double[][] invert(double[][] m) {
    double det =
        m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    double[][] inv = new double[3][3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        int r0 = (j + 1) % 3;
        int r1 = (j + 2) % 3;
        int c0 = (i + 1) % 3;
        int c1 = (i + 2) % 3;
        inv[i][j] = (m[r0][c0] * m[r1][c1] - m[r0][c1] * m[r1][c0]) / det;
      }
    }
    return inv;
  }
}
