package pcam.eval;

import pcam.data.Batch;

/**
 * Bilinear resizing of uint8 batches, for models whose input is not 96x96. Uses half-pixel
 * centres, as {@code tf.image.resize(..., "bilinear")} does in TF2, so a Keras model sees the same
 * pixels it would have seen in Python.
 */
public final class Resize {
  private Resize() {}

  public static Batch bilinear(Batch batch, int height, int width) {
    if (batch.height() == height && batch.width() == width) {
      return batch;
    }
    int sh = batch.height();
    int sw = batch.width();
    // Per output column/row: the two source indices and the weight of the second.
    int[] x0 = new int[width];
    int[] x1 = new int[width];
    float[] fx = new float[width];
    axis(sw, width, x0, x1, fx);
    int[] y0 = new int[height];
    int[] y1 = new int[height];
    float[] fy = new float[height];
    axis(sh, height, y0, y1, fy);
    byte[] src = batch.pixels();
    byte[] dst = new byte[batch.count() * height * width * 3];
    for (int n = 0; n < batch.count(); n++) {
      int sBase = n * sh * sw * 3;
      int dBase = n * height * width * 3;
      for (int y = 0; y < height; y++) {
        int top = sBase + y0[y] * sw * 3;
        int bottom = sBase + y1[y] * sw * 3;
        for (int x = 0; x < width; x++) {
          for (int c = 0; c < 3; c++) {
            float tl = src[top + x0[x] * 3 + c] & 0xff;
            float tr = src[top + x1[x] * 3 + c] & 0xff;
            float bl = src[bottom + x0[x] * 3 + c] & 0xff;
            float br = src[bottom + x1[x] * 3 + c] & 0xff;
            float t = tl + (tr - tl) * fx[x];
            float b = bl + (br - bl) * fx[x];
            dst[dBase + (y * width + x) * 3 + c] = (byte) Math.round(t + (b - t) * fy[y]);
          }
        }
      }
    }
    return new Batch(dst, batch.labels(), batch.count(), height, width);
  }

  private static void axis(int in, int out, int[] i0, int[] i1, float[] frac) {
    double scale = (double) in / out;
    for (int o = 0; o < out; o++) {
      double s = Math.min(Math.max((o + 0.5) * scale - 0.5, 0), in - 1);
      i0[o] = (int) Math.floor(s);
      i1[o] = Math.min(i0[o] + 1, in - 1);
      frac[o] = (float) (s - i0[o]);
    }
  }
}
