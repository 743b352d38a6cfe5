package pcam.data;

/**
 * Bilinear resizing of a uint8 batch, for SavedModels whose input is not 96x96. Sample positions
 * use half-pixel centres, clamped at the borders, as TF2's {@code tf.image.resize(..., "bilinear")}
 * (no antialiasing) does, so a Keras model sees what it would see in Python.
 */
public final class Resize {
  private Resize() {}

  /** The batch at {@code height}x{@code width}; the same batch when it already is that size. */
  public static Batch bilinear(Batch batch, int height, int width) {
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException("cannot resize to " + height + "x" + width);
    }
    if (batch.height() == height && batch.width() == width) {
      return batch;
    }
    Axis rows = new Axis(batch.height(), height);
    Axis cols = new Axis(batch.width(), width);
    byte[] src = batch.pixels();
    byte[] dst = new byte[batch.count() * height * width * 3];
    int srcRow = batch.width() * 3;
    int srcImage = batch.height() * srcRow;
    int d = 0;
    for (int n = 0; n < batch.count(); n++) {
      for (int y = 0; y < height; y++) {
        int top = n * srcImage + rows.low[y] * srcRow;
        int bottom = n * srcImage + rows.high[y] * srcRow;
        float wy = rows.weight[y];
        for (int x = 0; x < width; x++) {
          int left = cols.low[x] * 3;
          int right = cols.high[x] * 3;
          float wx = cols.weight[x];
          for (int c = 0; c < 3; c++) {
            float upper = lerp(src[top + left + c], src[top + right + c], wx);
            float lower = lerp(src[bottom + left + c], src[bottom + right + c], wx);
            dst[d++] = (byte) Math.round(upper + (lower - upper) * wy);
          }
        }
      }
    }
    return new Batch(dst, batch.labels(), batch.count(), height, width);
  }

  private static float lerp(byte a, byte b, float weight) {
    float fa = a & 0xff;
    return fa + ((b & 0xff) - fa) * weight;
  }

  /** For each output index along one axis: the two source indices and the weight of the second. */
  private static final class Axis {
    final int[] low;
    final int[] high;
    final float[] weight;

    Axis(int in, int out) {
      low = new int[out];
      high = new int[out];
      weight = new float[out];
      double scale = (double) in / out;
      for (int o = 0; o < out; o++) {
        double position = Math.min(Math.max((o + 0.5) * scale - 0.5, 0), in - 1);
        low[o] = (int) position;
        high[o] = Math.min(low[o] + 1, in - 1);
        weight[o] = (float) (position - low[o]);
      }
    }
  }
}
