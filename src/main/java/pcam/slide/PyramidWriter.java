package pcam.slide;

import java.awt.Point;
import java.awt.Rectangle;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.RenderedImage;
import java.awt.image.SampleModel;
import java.awt.image.WritableRaster;
import java.awt.color.ColorSpace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Vector;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.plugins.tiff.BaselineTIFFTagSet;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.plugins.tiff.TIFFField;
import javax.imageio.plugins.tiff.TIFFTag;
import javax.imageio.stream.ImageOutputStream;

/**
 * Writes pyramidal TIFFs with the JDK's TIFF writer (tiled, JPEG/LZW/Deflate/none, resolution
 * tags), from pixel sources that are asked for one tile at a time, so a slide of any size is
 * written in bounded memory. For benchmarks and tests: real slides come from scanners.
 */
public final class PyramidWriter {
  /** Fills {@code rgb} (HWC) with the pixels of a region of one level. */
  @FunctionalInterface
  public interface Source {
    void fill(int x, int y, int w, int h, byte[] rgb);
  }

  /** One level: its size and pixels. */
  public record Level(int width, int height, Source source) {}

  private PyramidWriter() {}

  /**
   * @param compression "JPEG", "LZW", "Deflate" or null for none
   * @param tile tile side, or 0 to write strips (not a valid slide, for tests)
   * @param mpp level 0's µm/px, written as pixels per cm in every level's tags; null for none
   */
  public static void write(Path file, List<Level> levels, int tile, String compression, Double mpp) throws IOException {
    ImageWriter writer = jdkTiffWriter();
    Files.deleteIfExists(file);
    try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
      writer.setOutput(out);
      writer.prepareWriteSequence(null);
      for (int i = 0; i < levels.size(); i++) {
        Level level = levels.get(i);
        RenderedImage image = new LazyImage(level, tile > 0 ? tile : 256);
        ImageWriteParam param = writer.getDefaultWriteParam();
        if (tile > 0) {
          param.setTilingMode(ImageWriteParam.MODE_EXPLICIT);
          param.setTiling(tile, tile, 0, 0);
        }
        if (compression != null) {
          param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
          param.setCompressionType(compression);
          if (compression.equals("JPEG")) {
            param.setCompressionQuality(0.9f);
          }
        }
        IIOMetadata metadata = writer.getDefaultImageMetadata(new ImageTypeSpecifier(image), param);
        TIFFDirectory dir = TIFFDirectory.createFromMetadata(metadata);
        BaselineTIFFTagSet base = BaselineTIFFTagSet.getInstance();
        if (i > 0) {
          dir.addTIFFField(new TIFFField(base.getTag(BaselineTIFFTagSet.TAG_NEW_SUBFILE_TYPE), TIFFTag.TIFF_LONG, 1,
              new long[] {BaselineTIFFTagSet.NEW_SUBFILE_TYPE_REDUCED_RESOLUTION}));
        }
        if (mpp != null) {
          long perCm = Math.round(10_000.0 / mpp * 1000);
          long[][] rational = {{perCm, 1000}};
          dir.addTIFFField(new TIFFField(base.getTag(BaselineTIFFTagSet.TAG_X_RESOLUTION), TIFFTag.TIFF_RATIONAL, 1, rational));
          dir.addTIFFField(new TIFFField(base.getTag(BaselineTIFFTagSet.TAG_Y_RESOLUTION), TIFFTag.TIFF_RATIONAL, 1, rational));
          dir.addTIFFField(new TIFFField(base.getTag(BaselineTIFFTagSet.TAG_RESOLUTION_UNIT), TIFFTag.TIFF_SHORT, 1,
              new char[] {(char) BaselineTIFFTagSet.RESOLUTION_UNIT_CENTIMETER}));
        } else {
          dir.removeTIFFField(BaselineTIFFTagSet.TAG_X_RESOLUTION);
          dir.removeTIFFField(BaselineTIFFTagSet.TAG_Y_RESOLUTION);
          dir.removeTIFFField(BaselineTIFFTagSet.TAG_RESOLUTION_UNIT);
        }
        writer.writeToSequence(new IIOImage(image, null, dir.getAsMetadata()), param);
      }
      writer.endWriteSequence();
    } finally {
      writer.dispose();
    }
  }

  /** The JDK's own TIFF writer (TwelveMonkeys', first in the registry, cannot write tiles). */
  static ImageWriter jdkTiffWriter() {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("tiff");
    while (writers.hasNext()) {
      ImageWriter w = writers.next();
      if (w.getClass().getName().startsWith("com.sun.imageio.plugins.tiff")) {
        return w;
      }
    }
    throw new IllegalStateException("the JDK's TIFF writer is not available");
  }

  /** A RenderedImage whose tiles are produced on request by a {@link Source}. */
  private static final class LazyImage implements RenderedImage {
    private final Level level;
    private final int tile;
    private final ColorModel colorModel =
        new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false, ColorModel.OPAQUE, DataBuffer.TYPE_BYTE);

    LazyImage(Level level, int tile) {
      this.level = level;
      this.tile = tile;
    }

    private SampleModel sampleModel(int w, int h) {
      return new PixelInterleavedSampleModel(DataBuffer.TYPE_BYTE, w, h, 3, 3 * w, new int[] {0, 1, 2});
    }

    @Override
    public Raster getData(Rectangle r) {
      Rectangle c = r.intersection(new Rectangle(0, 0, level.width(), level.height()));
      byte[] rgb = new byte[c.width * c.height * 3];
      level.source().fill(c.x, c.y, c.width, c.height, rgb);
      return Raster.createWritableRaster(sampleModel(c.width, c.height), new DataBufferByte(rgb, rgb.length),
          new Point(c.x, c.y));
    }

    @Override
    public Raster getTile(int tx, int ty) {
      return getData(new Rectangle(tx * tile, ty * tile, tile, tile));
    }

    @Override
    public Raster getData() {
      return getData(new Rectangle(0, 0, level.width(), level.height()));
    }

    @Override
    public WritableRaster copyData(WritableRaster raster) {
      Rectangle r = raster == null ? new Rectangle(0, 0, level.width(), level.height()) : raster.getBounds();
      Raster data = getData(r);
      if (raster == null) {
        return (WritableRaster) data;
      }
      raster.setRect(data);
      return raster;
    }

    @Override public Vector<RenderedImage> getSources() { return null; }
    @Override public Object getProperty(String name) { return java.awt.Image.UndefinedProperty; }
    @Override public String[] getPropertyNames() { return null; }
    @Override public ColorModel getColorModel() { return colorModel; }
    @Override public SampleModel getSampleModel() { return sampleModel(tile, tile); }
    @Override public int getWidth() { return level.width(); }
    @Override public int getHeight() { return level.height(); }
    @Override public int getMinX() { return 0; }
    @Override public int getMinY() { return 0; }
    @Override public int getNumXTiles() { return (level.width() + tile - 1) / tile; }
    @Override public int getNumYTiles() { return (level.height() + tile - 1) / tile; }
    @Override public int getMinTileX() { return 0; }
    @Override public int getMinTileY() { return 0; }
    @Override public int getTileWidth() { return tile; }
    @Override public int getTileHeight() { return tile; }
    @Override public int getTileGridXOffset() { return 0; }
    @Override public int getTileGridYOffset() { return 0; }
  }
}
