package pcam.eval;

import java.util.List;
import java.util.Locale;
import pcam.data.Batch;
import pcam.model.ScoringModel;

/**
 * Test-time augmentation: score each batch under several symmetries of the square and average the
 * probabilities. Tissue has no preferred orientation, so every dihedral transform is an equally
 * valid view. Whole batches are transformed, so it costs one forward pass per transform per batch.
 */
public enum Tta {
  /** The batch as it is. */
  NONE(List.of(Transform.IDENTITY)),
  /** Identity, horizontal, vertical and both flips (the last is a 180 degree rotation). */
  FLIP(List.of(
      Transform.IDENTITY,
      new Transform(false, true, false),
      new Transform(false, false, true),
      new Transform(false, true, true))),
  /** All 8 symmetries of the square: the 4 flips, each with and without a transpose. */
  D8(List.of(
      Transform.IDENTITY,
      new Transform(false, true, false),
      new Transform(false, false, true),
      new Transform(false, true, true),
      new Transform(true, false, false),
      new Transform(true, true, false),
      new Transform(true, false, true),
      new Transform(true, true, true)));

  private final List<Transform> transforms;

  Tta(List<Transform> transforms) {
    this.transforms = transforms;
  }

  public List<Transform> transforms() {
    return transforms;
  }

  /** Lower-case name as used on the command line. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Mean probability over this mode's transforms, one forward pass per transform. */
  public float[] predict(ScoringModel model, Batch batch) {
    double[] sum = new double[batch.count()];
    for (Transform t : transforms) {
      float[] p = model.predict(t.apply(batch));
      for (int i = 0; i < sum.length; i++) {
        sum[i] += p[i];
      }
    }
    float[] mean = new float[sum.length];
    for (int i = 0; i < sum.length; i++) {
      mean[i] = (float) (sum[i] / transforms.size());
    }
    return mean;
  }

  /**
   * One dihedral transform: output pixel (y, x) comes from source (u, v) where (u, v) is (x, y)
   * when transposed, else (y, x), then mirrored: u -> H-1-u when {@code flipVertical},
   * v -> W-1-v when {@code flipHorizontal}.
   */
  public record Transform(boolean transpose, boolean flipHorizontal, boolean flipVertical) {
    public static final Transform IDENTITY = new Transform(false, false, false);

    public Batch apply(Batch batch) {
      if (equals(IDENTITY)) {
        return batch;
      }
      int h = batch.height();
      int w = batch.width();
      if (transpose && h != w) {
        throw new IllegalArgumentException("cannot transpose a " + h + "x" + w + " batch; d8 needs square patches");
      }
      byte[] src = batch.pixels();
      byte[] dst = new byte[src.length];
      int patch = h * w * 3;
      for (int n = 0; n < batch.count(); n++) {
        int base = n * patch;
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            int u = transpose ? x : y;
            int v = transpose ? y : x;
            if (flipVertical) {
              u = h - 1 - u;
            }
            if (flipHorizontal) {
              v = w - 1 - v;
            }
            int from = base + (u * w + v) * 3;
            int to = base + (y * w + x) * 3;
            dst[to] = src[from];
            dst[to + 1] = src[from + 1];
            dst[to + 2] = src[from + 2];
          }
        }
      }
      return new Batch(dst, batch.labels(), batch.count(), h, w);
    }
  }
}
