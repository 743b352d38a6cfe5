package pcam.data;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import pcam.data.BadPatchException.Problem;

/**
 * Decodes one patch file (TIFF) into HWC uint8 RGB, checking size and mode. Kaggle's own format
 * (uncompressed single-strip RGB) takes {@link UncompressedTiff}'s direct path; everything else
 * goes through the JDK's own ImageIO TIFF reader, picked by name: TwelveMonkeys' reader (on the
 * classpath for whole-slide BigTIFF) registers first and would otherwise be what
 * {@code getImageReadersByFormatName("tiff").next()} returns. Thread-safe: each thread keeps its
 * own TIFF reader, because creating one per file (what {@code ImageIO.read} does) costs more than
 * decoding a 27 KB patch.
 */
public final class PatchReader {
  public static final int SIZE = 96;
  public static final int BYTES = SIZE * SIZE * 3;

  /** Any real 96x96 TIFF, compressed or not, is far below this; larger files are not patches. */
  private static final long MAX_FILE_BYTES = 8L << 20;

  private static final ThreadLocal<ImageReader> TIFF_READER =
      ThreadLocal.withInitial(PatchReader::jdkTiffReader);

  static {
    ImageIO.setUseCache(false);
  }

  private PatchReader() {}

  /**
   * A new instance of the JDK's TIFF reader ({@code com.sun.imageio.plugins.tiff}), whatever other
   * TIFF plugins are registered and in whichever order.
   */
  public static ImageReader jdkTiffReader() {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("tiff");
    while (readers.hasNext()) {
      ImageReader r = readers.next();
      if (r.getClass().getName().startsWith("com.sun.imageio.plugins.tiff.")) {
        return r;
      }
      r.dispose();
    }
    throw new IllegalStateException("the JDK's TIFF reader is not available");
  }

  /** The decoded 96x96x3 pixels; a {@link BadPatchException} naming the file if it is not one. */
  public static byte[] read(Path file) {
    byte[] bytes = readBytes(file);
    byte[] pixels = UncompressedTiff.rgb96(bytes);
    return pixels != null ? pixels : readWithImageIO(file, bytes);
  }

  /** As {@link #read}, always through ImageIO: the reference the fast path is benchmarked against. */
  public static byte[] readWithImageIO(Path file) {
    return readWithImageIO(file, readBytes(file));
  }

  /** The general path: any TIFF ImageIO can read, with the checks and messages for bad ones. */
  static byte[] readWithImageIO(Path file, byte[] bytes) {
    BufferedImage image = decode(file, bytes);
    Raster raster = image.getRaster();
    int bands = raster.getNumBands();
    if (bands != 3 || image.getColorModel().hasAlpha()) {
      throw new BadPatchException(file, Problem.NOT_RGB, "image has " + bands + " channel(s), expected RGB (3)");
    }
    for (int b = 0; b < 3; b++) {
      int bits = raster.getSampleModel().getSampleSize(b);
      if (bits != 8) {
        throw new BadPatchException(file, Problem.NOT_RGB, "image has " + bits + "-bit channels, expected 8-bit RGB");
      }
    }
    return rgbBytes(raster);
  }

  /**
   * The file's bytes, never more than {@code MAX_FILE_BYTES}: the size is checked before reading
   * and the read itself is capped, since a device or a link to one (/dev/zero) reports size 0 and
   * never ends.
   */
  static byte[] readBytes(Path file) {
    try {
      // One stat for type and size: on the direct path the file system calls are most of a
      // patch's cost, and four separate checks (isDirectory, exists, isRegularFile, size) were four.
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      if (attributes.isDirectory()) {
        throw new BadPatchException(file, Problem.UNREADABLE, "cannot read: is a folder, not an image file");
      }
      if (!attributes.isRegularFile()) {
        throw new BadPatchException(file, Problem.UNREADABLE, "cannot read: not a regular file (a device, pipe or socket)");
      }
      long size = attributes.size();
      if (size > MAX_FILE_BYTES) {
        throw new BadPatchException(file, Problem.UNREADABLE, "file is " + size + " bytes, too large for a 96x96 patch");
      }
      byte[] bytes;
      try (InputStream in = Files.newInputStream(file)) {
        // Straight into an array of the stat's size; only a file that changed size since (or a
        // /proc-like file that reports 0) takes the general, capped read.
        bytes = new byte[(int) size];
        int n = in.readNBytes(bytes, 0, bytes.length);
        int next = n == bytes.length ? in.read() : -1;
        if (n < bytes.length) {
          bytes = Arrays.copyOf(bytes, n);
        } else if (next != -1) {
          byte[] rest = in.readNBytes((int) MAX_FILE_BYTES - n);
          byte[] all = Arrays.copyOf(bytes, n + 1 + rest.length);
          all[n] = (byte) next;
          System.arraycopy(rest, 0, all, n + 1, rest.length);
          bytes = all;
        }
      }
      if (bytes.length > MAX_FILE_BYTES) {
        throw new BadPatchException(file, Problem.UNREADABLE, "file is over " + MAX_FILE_BYTES + " bytes, too large for a 96x96 patch");
      }
      return bytes;
    } catch (NoSuchFileException e) {
      throw new BadPatchException(file, Problem.UNREADABLE, "file not found", e);
    } catch (AccessDeniedException e) {
      throw new BadPatchException(file, Problem.UNREADABLE, "permission denied", e);
    } catch (IOException e) {
      throw new BadPatchException(file, Problem.UNREADABLE, "cannot read (" + e.getMessage() + ")", e);
    }
  }

  private static BufferedImage decode(Path file, byte[] bytes) {
    if (!isTiff(bytes)) {
      throw new BadPatchException(file, Problem.UNREADABLE, "not a TIFF file (" + bytes.length + " bytes, no TIFF header)");
    }
    ImageReader reader = TIFF_READER.get();
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      reader.setInput(in, true, true);
      // The size comes from the header, checked before decoding: a corrupt or forged header
      // claiming 20000x20000 would otherwise allocate gigabytes and end in OutOfMemoryError.
      int width = reader.getWidth(0);
      int height = reader.getHeight(0);
      if (width != SIZE || height != SIZE) {
        throw new BadPatchException(file, Problem.WRONG_SIZE, "image is " + width + "x" + height + ", expected 96x96");
      }
      return reader.read(0);
    } catch (BadPatchException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new BadPatchException(
          file, Problem.UNREADABLE, "corrupt or truncated TIFF" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), e);
    } finally {
      reader.setInput(null);
    }
  }

  /** Little- or big-endian TIFF ("II*\0" or "MM\0*"). */
  private static boolean isTiff(byte[] b) {
    return b.length >= 8
        && ((b[0] == 'I' && b[1] == 'I' && b[2] == 42 && b[3] == 0)
            || (b[0] == 'M' && b[1] == 'M' && b[2] == 0 && b[3] == 42));
  }

  private static byte[] rgbBytes(Raster raster) {
    if (raster.getDataBuffer() instanceof DataBufferByte buffer
        && raster.getSampleModel() instanceof PixelInterleavedSampleModel model
        && model.getPixelStride() == 3
        && model.getBandOffsets()[0] == 0
        && model.getBandOffsets()[1] == 1
        && model.getBandOffsets()[2] == 2
        && model.getScanlineStride() == SIZE * 3
        && raster.getSampleModelTranslateX() == 0
        && raster.getSampleModelTranslateY() == 0
        && buffer.getNumBanks() == 1
        && buffer.getOffset() == 0) {
      // The common case (uncompressed chunky RGB): the decoded bank already is HWC RGB.
      byte[] data = buffer.getData();
      return data.length == BYTES ? data : Arrays.copyOf(data, BYTES);
    }
    int[] samples = raster.getPixels(0, 0, SIZE, SIZE, (int[]) null);
    byte[] pixels = new byte[samples.length];
    for (int i = 0; i < samples.length; i++) {
      pixels[i] = (byte) samples[i];
    }
    return pixels;
  }
}
