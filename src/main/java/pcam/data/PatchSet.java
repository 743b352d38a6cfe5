package pcam.data;

import java.util.Arrays;
import java.util.List;

/**
 * A set of patches: ids, labels, and the uint8 RGB pixels ({@code H*W*3}, row-major HWC) of each,
 * read from a {@link PixelStore}. Loaded data lives in a {@link MappedPixels} file, so the heap
 * holds ids and labels only; {@link #select} makes views that share the store.
 *
 * <p>Labels are 0 or 1 for labelled sets, {@link #UNLABELLED} for a scoring folder.
 */
public final class PatchSet {
  public static final byte UNLABELLED = -1;

  private final List<String> ids;
  private final byte[] labels;
  private final PixelStore store;
  /** Store index of each patch; null when patch i is store entry i. */
  private final int[] rows;
  private final int height;
  private final int width;

  /** Patches in memory, one array per patch. */
  public PatchSet(List<String> ids, byte[] labels, byte[][] pixels, int height, int width) {
    this(ids, labels, new HeapPixels(pixels, height * width * 3), null, height, width);
    if (pixels.length != ids.size()) {
      throw new IllegalArgumentException("ids, labels and pixels differ in length");
    }
  }

  /** Patch {@code i} is {@code store} entry {@code rows[i]} (entry i when {@code rows} is null). */
  public PatchSet(List<String> ids, byte[] labels, PixelStore store, int[] rows, int height, int width) {
    if (ids.size() != labels.length || (rows != null && rows.length != ids.size())) {
      throw new IllegalArgumentException("ids, labels and rows differ in length");
    }
    if (store.bytesPerPatch() != height * width * 3) {
      throw new IllegalArgumentException("store holds " + store.bytesPerPatch() + " bytes per patch, not " + height + "x" + width + "x3");
    }
    this.ids = List.copyOf(ids);
    this.labels = labels;
    this.store = store;
    this.rows = rows;
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

  /** The patch's pixels, row-major HWC; may be shared with the store: do not modify. */
  public byte[] pixels(int i) {
    return store.get(row(i));
  }

  /** Copies the patch's pixels into {@code dst} at {@code offset}, without allocating. */
  public void copyPixels(int i, byte[] dst, int offset) {
    store.copy(row(i), dst, offset);
  }

  /** Whether the pixels are in a memory-mapped file rather than on the heap. */
  public boolean isMapped() {
    return store instanceof MappedPixels;
  }

  private int row(int i) {
    return rows == null ? i : rows[i];
  }

  public int count(int label) {
    int n = 0;
    for (byte l : labels) {
      n += l == label ? 1 : 0;
    }
    return n;
  }

  /** A view of the given rows, in the given order; the store is shared, not copied. */
  public PatchSet select(int[] picked) {
    String[] subIds = new String[picked.length];
    byte[] subLabels = new byte[picked.length];
    int[] subRows = new int[picked.length];
    for (int k = 0; k < picked.length; k++) {
      subIds[k] = ids.get(picked[k]);
      subLabels[k] = labels[picked[k]];
      subRows[k] = row(picked[k]);
    }
    return new PatchSet(Arrays.asList(subIds), subLabels, store, subRows, height, width);
  }

  /** One pass in batches, assembled on background threads; close it when done. */
  public BatchLoader batches(BatchOptions options) {
    return new BatchLoader(this, options);
  }

  /**
   * Full batches without end, for benchmarks and soak tests: each time a pass runs out the next
   * starts with the next seed (a fresh permutation); a short last batch is skipped.
   */
  public EndlessBatches endlessBatches(BatchOptions options) {
    return new EndlessBatches(this, options);
  }

  /** The same patches copied onto the heap (the in-memory baseline the benchmarks compare against). */
  public PatchSet onHeap() {
    byte[][] copy = new byte[size()][];
    for (int i = 0; i < copy.length; i++) {
      copy[i] = new byte[bytesPerPatch()];
      copyPixels(i, copy[i], 0);
    }
    return new PatchSet(ids, labels.clone(), copy, height, width);
  }

  /** Human-readable class counts, for logs: "n=4000 (0: 2400, 1: 1600)". */
  public String describe() {
    return "n=" + size() + " (0: " + count(0) + ", 1: " + count(1) + ")";
  }
}
