package pcam.data;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import pcam.util.InputException;

/** Decodes one patch file (TIFF, with JDK ImageIO) into HWC uint8 RGB, checking size and mode. */
public final class PatchReader {
  public static final int SIZE = 96;

  private PatchReader() {}

  /** The decoded 96x96x3 pixels; an {@link InputException} naming the file if it is not one. */
  public static byte[] read(Path file) {
    BufferedImage image;
    try {
      image = ImageIO.read(Files.newInputStream(file));
    } catch (IOException | RuntimeException e) {
      throw new InputException(file + ": unreadable image (" + e.getMessage() + ")", e);
    }
    if (image == null) {
      throw new InputException(file + ": not a TIFF image (no decoder recognises it)");
    }
    if (image.getWidth() != SIZE || image.getHeight() != SIZE) {
      throw new InputException(file + ": image is " + image.getWidth() + "x" + image.getHeight() + ", expected 96x96");
    }
    Raster raster = image.getRaster();
    int bands = raster.getNumBands();
    if (bands != 3 || image.getColorModel().hasAlpha()) {
      throw new InputException(file + ": image has " + bands + " channel(s), expected RGB (3)");
    }
    int[] samples = raster.getPixels(0, 0, SIZE, SIZE, (int[]) null);
    byte[] pixels = new byte[samples.length];
    for (int i = 0; i < samples.length; i++) {
      pixels[i] = (byte) samples[i];
    }
    return pixels;
  }
}
