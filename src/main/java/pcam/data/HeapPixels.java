package pcam.data;

/** Patches as Java arrays, one per patch (a single array stops at 2 GB). Entries may be null (bad rows). */
public final class HeapPixels implements PixelStore {
  private final byte[][] pixels;
  private final int bytesPerPatch;

  public HeapPixels(byte[][] pixels, int bytesPerPatch) {
    this.pixels = pixels;
    this.bytesPerPatch = bytesPerPatch;
  }

  @Override
  public int size() {
    return pixels.length;
  }

  @Override
  public int bytesPerPatch() {
    return bytesPerPatch;
  }

  @Override
  public void copy(int i, byte[] dst, int offset) {
    System.arraycopy(pixels[i], 0, dst, offset, bytesPerPatch);
  }

  /** Shared, not copied: do not modify. */
  @Override
  public byte[] get(int i) {
    return pixels[i];
  }

  void put(int i, byte[] patch) {
    pixels[i] = patch;
  }
}
