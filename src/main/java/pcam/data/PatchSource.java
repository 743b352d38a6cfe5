package pcam.data;

import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * Where patches come from, whatever the storage: row {@code i} has an id, a label and 96x96x3
 * uint8 RGB pixels (row-major HWC). Everything that loads or scores patches goes through this;
 * {@link SourceSpec#open()} picks the implementation ({@link TiffSource} for Kaggle folders and
 * unlabelled TIFF folders, {@link Hdf5Source} for PatchCamelyon's HDF5 files).
 *
 * <p>Reads are thread-safe.
 */
public interface PatchSource extends AutoCloseable {
  /** Side columns a source can add to predictions (PCam's {@code *_meta.csv}: wsi and coordinates). */
  record Meta(List<String> columns, List<List<String>> rows) {
    public List<String> row(int i) {
      return rows.get(i);
    }
  }

  /** What to call it in messages and logs: a file or folder. */
  String describe();

  /** Row ids in row order: Kaggle ids for TIFF folders, row indices ("0", "1", ...) for HDF5. */
  List<String> ids();

  default int size() {
    return ids().size();
  }

  boolean labelled();

  /** 0 or 1, or {@link PatchSet#UNLABELLED}. */
  int label(int i);

  /** Whether row {@code i} has pixels at all (a Kaggle CSV id can lack its .tif); checking is cheap. */
  default boolean present(int i) {
    return true;
  }

  /** The pixels of row {@code i}; a {@link BadPatchException} naming the patch if they are unusable. */
  byte[] read(int i);

  /**
   * Rows {@code from..from+n-1} into {@code dst} at {@code offset}, {@link PatchReader#BYTES} each.
   * Sources stored in blocks (HDF5 chunks) read a range much faster than row by row.
   */
  default void readRange(int from, int n, byte[] dst, int offset) {
    for (int k = 0; k < n; k++) {
      System.arraycopy(read(from + k), 0, dst, offset + k * PatchReader.BYTES, PatchReader.BYTES);
    }
  }

  /** True when {@link #readRange} is the fast path (contiguous ranges beat single rows). */
  default boolean readsInBlocks() {
    return false;
  }

  /** Where row {@code i} is, for messages: its file, or "file.h5 row N". */
  String nameOf(int i);

  /** Adds what identifies the pixels of these rows (file names, sizes, times) to a decode-cache key. */
  void fingerprint(MessageDigest digest, int[] rows);

  default Optional<Meta> meta() {
    return Optional.empty();
  }

  @Override
  default void close() {}
}
