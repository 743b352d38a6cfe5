package pcam.slide;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Pyramidal TIFFs written for tests with the JDK's writer, and ways to damage them. */
public final class SlideFixtures {
  private SlideFixtures() {}

  /** A deterministic pattern: pink "tissue" disc on near-white glass, with texture so JPEG has work. */
  public static byte pixel(int x, int y, int c, int width, int height) {
    double dx = (x - width / 2.0) / (width / 2.5);
    double dy = (y - height / 2.0) / (height / 2.5);
    boolean tissue = dx * dx + dy * dy < 1;
    int texture = ((x * 7 + y * 13) % 17);
    int[] pink = {200 - texture * 3, 110 + texture * 2, 170};
    int glass = 238 + (x + y) % 5;
    return (byte) (tissue ? pink[c] : glass);
  }

  /** Level k is the pattern at 1/2^k of {@code width x height}. */
  public static List<PyramidWriter.Level> pattern(int width, int height, int levels) {
    List<PyramidWriter.Level> out = new ArrayList<>();
    for (int k = 0; k < levels; k++) {
      int w = width >> k;
      int h = height >> k;
      out.add(new PyramidWriter.Level(w, h, (x, y, rw, rh, rgb) -> {
        for (int j = 0; j < rh; j++) {
          for (int i = 0; i < rw; i++) {
            for (int c = 0; c < 3; c++) {
              rgb[(j * rw + i) * 3 + c] = pixel(x + i, y + j, c, w, h);
            }
          }
        }
      }));
    }
    return out;
  }

  public static Path write(Path file, int width, int height, int levels, int tile, String compression, Double mpp) {
    try {
      PyramidWriter.write(file, pattern(width, height, levels), tile, compression, mpp);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** Overwrites {@code length} bytes at {@code offset} with zeros. */
  public static void zero(Path file, long offset, int length) {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(offset);
      raf.write(new byte[length]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void truncate(Path file, long length) {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Offset and byte count of tile {@code index} of the file's {@code ifd}-th image. */
  public static long[] tile(Path file, int ifd, int index) {
    try (javax.imageio.stream.ImageInputStream in = javax.imageio.ImageIO.createImageInputStream(file.toFile())) {
      javax.imageio.ImageReader r =
          new com.twelvemonkeys.imageio.plugins.tiff.TIFFImageReaderSpi().createReaderInstance(null);
      r.setInput(in);
      TiffTags tags = TiffTags.of(r.getImageMetadata(ifd));
      return new long[] {tags.longs(324)[index], tags.longs(325)[index]};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Rewrites a classic TIFF as BigTIFF, in the same byte order (no writer here makes tiled BigTIFF): a 16-byte
   * BigTIFF header, the classic file's bytes unchanged after it (so every offset moves by 16), then
   * new 20-byte-entry directories; offsets stored in TileOffsets/StripOffsets are moved too.
   */
  public static Path toBigTiff(Path classic, Path big) {
    try {
      byte[] in = java.nio.file.Files.readAllBytes(classic);
      java.nio.ByteOrder order = in[0] == 'I' ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN;
      java.nio.ByteBuffer src = java.nio.ByteBuffer.wrap(in).order(order);
      if (src.getShort(2) != 42) {
        throw new IllegalArgumentException("not a classic TIFF");
      }
      int shift = 16;
      java.io.ByteArrayOutputStream tail = new java.io.ByteArrayOutputStream();
      long tailStart = shift + in.length;
      List<byte[]> ifds = new ArrayList<>();
      List<Long> ifdOffsets = new ArrayList<>();
      long offset = Integer.toUnsignedLong(src.getInt(4));
      // First pass: lay out out-of-line arrays that must change (offset tags) in the tail.
      java.io.ByteArrayOutputStream dirs = new java.io.ByteArrayOutputStream();
      List<java.nio.ByteBuffer> built = new ArrayList<>();
      while (offset != 0) {
        int n = Short.toUnsignedInt(src.getShort((int) offset));
        java.nio.ByteBuffer dir = java.nio.ByteBuffer.allocate(8 + 20 * n + 8).order(order);
        dir.putLong(n);
        for (int e = 0; e < n; e++) {
          int at = (int) offset + 2 + 12 * e;
          int tag = Short.toUnsignedInt(src.getShort(at));
          int type = Short.toUnsignedInt(src.getShort(at + 2));
          long count = Integer.toUnsignedLong(src.getInt(at + 4));
          int size = typeSize(type) * (int) count;
          int dataAt = size <= 4 ? at + 8 : src.getInt(at + 8);
          dir.putShort((short) tag);
          if (tag == 324 || tag == 273) { // TileOffsets / StripOffsets: LONG8 values moved by the shift
            dir.putShort((short) 16);
            dir.putLong(count);
            long[] values = new long[(int) count];
            for (int i = 0; i < count; i++) {
              values[i] = (type == 3 ? Short.toUnsignedInt(src.getShort(dataAt + 2 * i)) : Integer.toUnsignedLong(src.getInt(dataAt + 4 * i))) + shift;
            }
            if (count == 1) {
              dir.putLong(values[0]);
            } else {
              java.nio.ByteBuffer arr = java.nio.ByteBuffer.allocate(8 * (int) count).order(order);
              for (long v : values) {
                arr.putLong(v);
              }
              dir.putLong(tailStart + tail.size());
              tail.write(arr.array());
            }
            continue;
          }
          dir.putShort((short) type);
          dir.putLong(count);
          if (size <= 8) {
            byte[] inline = new byte[8];
            System.arraycopy(in, dataAt, inline, 0, size);
            dir.put(inline);
          } else {
            dir.putLong(dataAt + (long) shift);
          }
        }
        built.add(dir);
        offset = Integer.toUnsignedLong(src.getInt((int) offset + 2 + 12 * n));
      }
      long dirStart = tailStart + tail.size();
      long at = dirStart;
      for (int i = 0; i < built.size(); i++) {
        java.nio.ByteBuffer dir = built.get(i);
        long next = i + 1 < built.size() ? at + dir.capacity() : 0;
        dir.putLong(dir.capacity() - 8, next);
        ifdOffsets.add(at);
        at += dir.capacity();
        dirs.write(dir.array());
      }
      java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(16).order(order);
      header.put(in[0]).put(in[1]).putShort((short) 43).putShort((short) 8).putShort((short) 0).putLong(ifdOffsets.get(0));
      try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(big)) {
        out.write(header.array());
        out.write(in);
        out.write(tail.toByteArray());
        out.write(dirs.toByteArray());
      }
      return big;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int typeSize(int type) {
    return switch (type) {
      case 1, 2, 6, 7 -> 1;
      case 3, 8 -> 2;
      case 4, 9, 11, 13 -> 4;
      case 5, 10, 12, 16, 17, 18 -> 8;
      default -> throw new IllegalArgumentException("TIFF type " + type);
    };
  }
}
