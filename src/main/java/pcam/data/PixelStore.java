package pcam.data;

/**
 * Where decoded uint8 patches live: {@link MappedPixels} (a file mapped into memory, the default
 * for loaded data: the heap holds no pixels and the kernel pages them in and out) or
 * {@link HeapPixels} (one array per patch, for small in-memory sets). Reads are thread-safe.
 */
public interface PixelStore {
  int size();

  int bytesPerPatch();

  /** Copies patch {@code i} into {@code dst} at {@code offset}. */
  void copy(int i, byte[] dst, int offset);

  /** Patch {@code i} as an array (a copy, except from {@link HeapPixels}, which shares it). */
  default byte[] get(int i) {
    byte[] out = new byte[bytesPerPatch()];
    copy(i, out, 0);
    return out;
  }
}
