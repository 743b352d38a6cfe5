package pcam.data;

import java.util.Arrays;
import java.util.List;

/**
 * The in-memory patch store: ids, labels and uint8 RGB pixels, one {@code byte[H*W*3]} per
 * patch. One array per patch because a single Java array stops at 2 GB while the full Kaggle
 * train set is 6.1 GB; the per-array overhead is 16 bytes on 27,648.
 *
 * <p>Labels are 0 or 1 for labelled sets, {@link #UNLABELLED} for a scoring folder.
 */
public final class PatchSet {
  public static final byte UNLABELLED = -1;

  private final List<String> ids;
  private final byte[] labels;
  private final byte[][] pixels;
  private final int height;
  private final int width;

  public PatchSet(List<String> ids, byte[] labels, byte[][] pixels, int height, int width) {
    if (ids.size() != labels.length || ids.size() != pixels.length) {
      throw new IllegalArgumentException("ids, labels and pixels differ in length");
    }
    this.ids = List.copyOf(ids);
    this.labels = labels;
    this.pixels = pixels;
    this.height = height;
    this.width = width;
  }

  public int size() {
    return ids.size();
  }

  public int height() {
    return height;
  }

  public int width() {
    return width;
  }

  public int bytesPerPatch() {
    return height * width * 3;
  }

  public String id(int i) {
    return ids.get(i);
  }

  public List<String> ids() {
    return ids;
  }

  public int label(int i) {
    return labels[i];
  }

  /** The patch's pixels, row-major HWC. Shared, not copied: do not modify. */
  public byte[] pixels(int i) {
    return pixels[i];
  }

  public int count(int label) {
    int n = 0;
    for (byte l : labels) {
      n += l == label ? 1 : 0;
    }
    return n;
  }

  /** A view of the given rows, in the given order; pixels are shared, not copied. */
  public PatchSet select(int[] rows) {
    String[] subIds = new String[rows.length];
    byte[] subLabels = new byte[rows.length];
    byte[][] subPixels = new byte[rows.length][];
    for (int k = 0; k < rows.length; k++) {
      subIds[k] = ids.get(rows[k]);
      subLabels[k] = labels[rows[k]];
      subPixels[k] = pixels[rows[k]];
    }
    return new PatchSet(Arrays.asList(subIds), subLabels, subPixels, height, width);
  }

  /** Human-readable class counts, for logs: "n=4000 (0: 2400, 1: 1600)". */
  public String describe() {
    return "n=" + size() + " (0: " + count(0) + ", 1: " + count(1) + ")";
  }
}
