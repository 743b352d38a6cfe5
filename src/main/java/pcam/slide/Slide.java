package pcam.slide;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import pcam.data.PatchReader;
import pcam.util.InputException;

/**
 * A pyramidal whole-slide TIFF (tiled; JPEG, LZW, Deflate or none; classic TIFF or BigTIFF), read
 * with pure-Java ImageIO plugins (the JDK's for TIFF, TwelveMonkeys' for BigTIFF). Only the tiles a requested region touches are decoded,
 * so memory depends on the region, never on the slide. Thread-safe: every reading thread borrows
 * its own reader (an ImageIO reader is single-threaded), and all are closed with the slide.
 *
 * <p>Levels are the tiled images of the file in order, each smaller than the one before (Aperio
 * SVS thumbnails, labels and macro images are stripped and skipped). The µm/px of level 0 comes
 * from XResolution + ResolutionUnit (inch or cm), or Aperio's "MPP = " in ImageDescription; the
 * other levels' µm/px follow from their size relative to level 0, because some writers (libvips)
 * copy level 0's resolution tags into every level.
 */
public final class Slide implements AutoCloseable {
  private static final int TAG_SUBFILE_TYPE = 254;
  private static final int TAG_COMPRESSION = 259;
  private static final int TAG_DESCRIPTION = 270;
  private static final int TAG_X_RESOLUTION = 282;
  private static final int TAG_RESOLUTION_UNIT = 296;
  private static final int TAG_TILE_OFFSETS = 324;
  private static final int TAG_TILE_BYTE_COUNTS = 325;

  /** One pyramid level: its IFD index in the file, size, tile size and downsample from level 0. */
  public record Level(int index, int ifd, int width, int height, int tileWidth, int tileHeight, String compression,
      double downsample) {
    public int tilesAcross() {
      return (width + tileWidth - 1) / tileWidth;
    }

    public int tilesDown() {
      return (height + tileHeight - 1) / tileHeight;
    }
  }

  private final Path file;
  private final List<Level> levels;
  private final Double mpp;
  private final String format;
  private final ConcurrentLinkedQueue<Reader> idle = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Reader> all = new ConcurrentLinkedQueue<>();

  private record Reader(ImageInputStream in, ImageReader reader) {}

  private Slide(Path file, List<Level> levels, Double mpp, String format) {
    this.file = file;
    this.levels = List.copyOf(levels);
    this.mpp = mpp;
    this.format = format;
  }

  /**
   * Opens and checks {@code file}: a TIFF, tiled, with at least two pyramid levels, every tile
   * inside the file. Anything else is an {@link InputException} saying what the file is.
   */
  public static Slide open(Path file) {
    String format = checkHeader(file);
    Reader first = newReader(file, format);
    try {
      ImageReader r = first.reader();
      int images = r.getNumImages(true);
      long fileSize = Files.size(file);
      List<Level> levels = new ArrayList<>();
      Double mpp = null;
      for (int i = 0; i < images; i++) {
        TiffTags tags;
        try {
          tags = TiffTags.of(r.getImageMetadata(i));
        } catch (IOException | RuntimeException e) {
          throw new InputException(file + ": truncated or corrupt: image " + i + " of " + images
              + " (its directory or tag data lies past the end of the file, " + fileSize + " bytes: " + e.getMessage() + ")", e);
        }
        int width = r.getWidth(i);
        int height = r.getHeight(i);
        boolean tiled = tags.has(TAG_TILE_OFFSETS);
        if (i == 0) {
          if (!tiled) {
            throw new InputException(file + ": a stripped (not tiled) TIFF, " + width + "x" + height + " in " + images
                + " image(s); a whole-slide image must be tiled and pyramidal (e.g. vips tiffsave --tile --pyramid)");
          }
          mpp = micronsPerPixel(tags);
        }
        if (!tiled || (!levels.isEmpty() && width >= levels.get(levels.size() - 1).width())) {
          continue; // thumbnail, label or macro image (SVS), or an unrelated page
        }
        if ((tags.first(TAG_SUBFILE_TYPE, 0) & 4) != 0) {
          continue; // a transparency mask
        }
        Level level = new Level(levels.size(), i, width, height, r.getTileWidth(i), r.getTileHeight(i),
            compressionName(tags.first(TAG_COMPRESSION, 1)),
            levels.isEmpty() ? 1.0 : (double) levels.get(0).width() / width);
        checkSupported(file, level, tags.first(TAG_COMPRESSION, 1));
        checkTilesInside(file, level, tags, fileSize);
        levels.add(level);
      }
      if (levels.size() < 2) {
        Level only = levels.get(0);
        throw new InputException(file + ": a tiled TIFF without a pyramid (one level, " + only.width() + "x" + only.height()
            + ", tiles " + only.tileWidth() + "x" + only.tileHeight() + ", " + images + " image(s) in the file);"
            + " a whole-slide image needs reduced-resolution levels (e.g. vips tiffsave --tile --pyramid)");
      }
      Slide slide = new Slide(file, levels, mpp, format);
      slide.idle.add(first);
      slide.all.add(first);
      return slide;
    } catch (IOException | RuntimeException e) {
      close(first);
      if (e instanceof InputException ie) {
        throw ie;
      }
      throw new InputException(file + ": not a readable TIFF (" + e.getMessage() + ")", e);
    }
  }

  public Path file() {
    return file;
  }

  public List<Level> levels() {
    return levels;
  }

  public Level level(int index) {
    return levels.get(index);
  }

  /** "TIFF" or "BigTIFF". */
  public String format() {
    return format;
  }

  /** µm per pixel of level 0 from the file's tags, or null when it has none. */
  public Double mpp() {
    return mpp;
  }

  /**
   * The RGB pixels (row-major HWC, uint8) of the {@code w x h} region at ({@code x},{@code y}) of a
   * level, in that level's pixels. Parts outside the level are white (glass). An unreadable tile is
   * an {@link UnreadableRegionException} naming the region.
   */
  public byte[] readRegion(int levelIndex, int x, int y, int w, int h) {
    Level level = levels.get(levelIndex);
    byte[] rgb = new byte[w * h * 3];
    int x0 = Math.max(0, x);
    int y0 = Math.max(0, y);
    int x1 = Math.min(level.width(), x + w);
    int y1 = Math.min(level.height(), y + h);
    if (x0 >= x1 || y0 >= y1) {
      Arrays.fill(rgb, (byte) 255);
      return rgb;
    }
    if (x0 != x || y0 != y || x1 != x + w || y1 != y + h) {
      Arrays.fill(rgb, (byte) 255);
    }
    Reader reader = borrow();
    try {
      ImageReadParam param = reader.reader().getDefaultReadParam();
      param.setSourceRegion(new Rectangle(x0, y0, x1 - x0, y1 - y0));
      BufferedImage image = reader.reader().read(level.ifd(), param);
      copyRgb(image.getRaster(), x1 - x0, y1 - y0, rgb, ((y0 - y) * w + (x0 - x)) * 3, w * 3);
    } catch (IOException | RuntimeException e) {
      throw new UnreadableRegionException(String.format(Locale.ROOT, "%s: level %d region x=%d y=%d %dx%d"
          + " (level-0 x=%d y=%d) does not decode: %s", file.getFileName(), levelIndex, x0, y0, x1 - x0, y1 - y0,
          Math.round(x0 * level.downsample()), Math.round(y0 * level.downsample()), e.getMessage()), e);
    } finally {
      idle.add(reader);
    }
    return rgb;
  }

  /** A region whose tiles cannot be decoded; the rest of the slide may still be fine. */
  public static final class UnreadableRegionException extends RuntimeException {
    UnreadableRegionException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private Reader borrow() {
    Reader r = idle.poll();
    if (r == null) {
      r = newReader(file, format);
      all.add(r);
    }
    return r;
  }

  /**
   * The JDK's own TIFF reader for classic TIFF, TwelveMonkeys' for BigTIFF, which the JDK's cannot
   * open. Measured: both decode mosaic-a's JPEG tiles (with JPEGTables) alike and equally fast, but
   * TwelveMonkeys 3.12-3.14 fails on region reads of LZW, Deflate and uncompressed tiles
   * ("(x + width) is outside of Raster"), which the JDK's reader decodes exactly.
   */
  private static Reader newReader(Path file, String format) {
    try {
      ImageInputStream in = new FileImageInputStream(file.toFile());
      ImageReader reader = format.equals("BigTIFF")
          ? new com.twelvemonkeys.imageio.plugins.tiff.BigTIFFImageReaderSpi().createReaderInstance(null)
          : PatchReader.jdkTiffReader();
      reader.setInput(in, false, false); // metadata needed: resolution tags
      return new Reader(in, reader);
    } catch (IOException e) {
      throw new InputException(file + ": cannot open (" + e.getMessage() + ")", e);
    }
  }

  private static void close(Reader r) {
    r.reader().dispose();
    try {
      r.in().close();
    } catch (IOException ignored) {
      // Read-only stream: nothing to lose.
    }
  }

  @Override
  public void close() {
    Reader r;
    while ((r = all.poll()) != null) {
      close(r);
    }
    idle.clear();
  }

  private static String checkHeader(Path file) {
    byte[] head = new byte[8];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, 8);
    } catch (NoSuchFileException e) {
      throw new InputException(file + ": no such slide file", e);
    } catch (AccessDeniedException e) {
      throw new InputException(file + ": cannot read the slide (permission denied)", e);
    } catch (IOException e) {
      throw new InputException(file + ": cannot read the slide (" + e.getMessage() + ")", e);
    }
    boolean little = n >= 4 && head[0] == 'I' && head[1] == 'I';
    boolean big = n >= 4 && head[0] == 'M' && head[1] == 'M';
    int magic = !little && !big ? -1 : little ? (head[2] & 0xff) | (head[3] & 0xff) << 8 : (head[2] & 0xff) << 8 | (head[3] & 0xff);
    if (magic == 42) {
      return "TIFF";
    }
    if (magic == 43) {
      return "BigTIFF";
    }
    throw new InputException(file + ": not a TIFF file (" + sniff(head, n) + "); pcam reads pyramidal TIFF slides");
  }

  private static String sniff(byte[] h, int n) {
    if (n == 0) {
      return "empty file";
    }
    if (n >= 4 && (h[0] & 0xff) == 0x89 && h[1] == 'P' && h[2] == 'N' && h[3] == 'G') {
      return "a PNG image";
    }
    if (n >= 3 && (h[0] & 0xff) == 0xff && (h[1] & 0xff) == 0xd8) {
      return "a JPEG image";
    }
    if (n >= 4 && h[0] == 'P' && h[1] == 'K') {
      return "a ZIP archive (MRXS/VSI-style slides are not supported)";
    }
    return "no TIFF header";
  }

  private static Double micronsPerPixel(TiffTags tags) {
    String description = tags.string(TAG_DESCRIPTION);
    if (description != null) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("MPP\\s*=\\s*([0-9.]+)").matcher(description);
      if (m.find()) {
        return Double.parseDouble(m.group(1));
      }
    }
    double resolution = tags.rational(TAG_X_RESOLUTION);
    int unit = tags.first(TAG_RESOLUTION_UNIT, 2);
    if (!(resolution > 0) || (unit != 2 && unit != 3)) {
      return null;
    }
    double mpp = (unit == 2 ? 25_400.0 : 10_000.0) / resolution;
    // Writers put placeholders (72 dpi, or libvips' 1 px/mm) where the scanner gave nothing:
    // no microscope slide is coarser than 50 µm/px at full resolution.
    return mpp > 0.01 && mpp < 50 ? mpp : null;
  }

  private static void checkSupported(Path file, Level level, int compression) {
    if (compression == 33003 || compression == 33005 || compression == 34712) {
      throw new InputException(file + ": level " + level.index() + " uses JPEG 2000 compression, which pcam cannot"
          + " decode (JPEG, LZW, Deflate and uncompressed are supported)");
    }
  }

  private static void checkTilesInside(Path file, Level level, TiffTags tags, long fileSize) {
    long[] offsets = tags.longs(TAG_TILE_OFFSETS);
    long[] counts = tags.longs(TAG_TILE_BYTE_COUNTS);
    for (int t = 0; t < Math.min(offsets.length, counts.length); t++) {
      if (offsets[t] + counts[t] > fileSize) {
        int across = level.tilesAcross();
        throw new InputException(String.format(Locale.ROOT,
            "%s: truncated: tile %d (column %d, row %d) of level %d ends at byte %d, past the end of the file (%d bytes)",
            file, t, t % across, t / across, level.index(), offsets[t] + counts[t], fileSize));
      }
    }
  }

  static String compressionName(int code) {
    return switch (code) {
      case 1 -> "none";
      case 5 -> "LZW";
      case 6, 7 -> "JPEG";
      case 8, 32946 -> "Deflate";
      case 32773 -> "PackBits";
      case 33003, 33005, 34712 -> "JPEG 2000";
      case 50000 -> "Zstd";
      case 34887, 34925, 50001 -> "other (" + code + ")";
      default -> "code " + code;
    };
  }

  /** Copies a decoded raster's RGB into {@code dst} at {@code offset}, {@code dstStride} bytes per row. */
  private static void copyRgb(Raster raster, int w, int h, byte[] dst, int offset, int dstStride) {
    if (raster.getNumBands() < 3) {
      int[] row = new int[w];
      for (int y = 0; y < h; y++) {
        raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, row);
        for (int x = 0; x < w; x++) {
          int at = offset + y * dstStride + x * 3;
          dst[at] = dst[at + 1] = dst[at + 2] = (byte) row[x];
        }
      }
      return;
    }
    if (raster.getDataBuffer() instanceof DataBufferByte buffer
        && buffer.getNumBanks() == 1
        && raster.getSampleModel() instanceof PixelInterleavedSampleModel model
        && model.getSampleSize(0) == 8) {
      byte[] src = buffer.getData();
      int stride = model.getScanlineStride();
      int pixel = model.getPixelStride();
      int[] band = model.getBandOffsets();
      int base = buffer.getOffset()
          + (raster.getMinY() - raster.getSampleModelTranslateY()) * stride
          + (raster.getMinX() - raster.getSampleModelTranslateX()) * pixel;
      boolean plainRgb = pixel == 3 && band[0] == 0 && band[1] == 1 && band[2] == 2;
      for (int y = 0; y < h; y++) {
        int s = base + y * stride;
        int d = offset + y * dstStride;
        if (plainRgb) {
          System.arraycopy(src, s, dst, d, w * 3);
          continue;
        }
        for (int x = 0; x < w; x++, s += pixel, d += 3) {
          dst[d] = src[s + band[0]];
          dst[d + 1] = src[s + band[1]];
          dst[d + 2] = src[s + band[2]];
        }
      }
      return;
    }
    int[] row = new int[w * raster.getNumBands()];
    int bands = raster.getNumBands();
    for (int y = 0; y < h; y++) {
      raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
      for (int x = 0; x < w; x++) {
        int at = offset + y * dstStride + x * 3;
        dst[at] = (byte) row[x * bands];
        dst[at + 1] = (byte) row[x * bands + 1];
        dst[at + 2] = (byte) row[x * bands + 2];
      }
    }
  }
}
