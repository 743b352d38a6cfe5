package pcam.data;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;

/**
 * Patches stored back to back in a file region, mapped into memory: the heap holds none of them,
 * and their resident pages are page cache that the kernel can drop and re-read (not anonymous
 * memory). A mapping is at most 2 GB, so the region is mapped in segments of whole patches.
 * Reads and writes use absolute positions, so loader threads share it without locks.
 */
public final class MappedPixels implements PixelStore {
  private final MappedByteBuffer[] segments;
  private final int perSegment;
  private final int bytesPerPatch;
  private final int n;

  private MappedPixels(MappedByteBuffer[] segments, int perSegment, int bytesPerPatch, int n) {
    this.segments = segments;
    this.perSegment = perSegment;
    this.bytesPerPatch = bytesPerPatch;
    this.n = n;
  }

  /**
   * Maps {@code n} patches starting at {@code offset} of the channel's file ({@code READ_WRITE}
   * grows the file as needed). The mapping outlives the channel.
   */
  public static MappedPixels map(FileChannel channel, MapMode mode, long offset, int n, int bytesPerPatch)
      throws IOException {
    int perSegment = Math.max(1, Integer.MAX_VALUE / bytesPerPatch);
    int count = Math.max(1, (n + perSegment - 1) / perSegment);
    MappedByteBuffer[] segments = new MappedByteBuffer[count];
    for (int s = 0; s < count; s++) {
      int patches = Math.min(perSegment, n - s * perSegment);
      segments[s] = channel.map(mode, offset + (long) s * perSegment * bytesPerPatch, (long) Math.max(0, patches) * bytesPerPatch);
    }
    return new MappedPixels(segments, perSegment, bytesPerPatch, n);
  }

  @Override
  public int size() {
    return n;
  }

  @Override
  public int bytesPerPatch() {
    return bytesPerPatch;
  }

  @Override
  public void copy(int i, byte[] dst, int offset) {
    segments[i / perSegment].get((i % perSegment) * bytesPerPatch, dst, offset, bytesPerPatch);
  }

  void put(int i, byte[] src, int offset) {
    segments[i / perSegment].put((i % perSegment) * bytesPerPatch, src, offset, bytesPerPatch);
  }

  /** The segments, in order, as read-only views (for checksums). */
  java.nio.ByteBuffer[] views() {
    java.nio.ByteBuffer[] out = new java.nio.ByteBuffer[segments.length];
    for (int s = 0; s < segments.length; s++) {
      out[s] = segments[s].asReadOnlyBuffer().position(0);
    }
    return out;
  }

  /** Writes dirty pages to the file. */
  void force() {
    for (MappedByteBuffer segment : segments) {
      segment.force();
    }
  }
}
