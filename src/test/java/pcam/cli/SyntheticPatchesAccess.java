package pcam.cli;

import java.nio.file.Path;
import pcam.data.PatchReader;

/** Test helper: writes a valid but all-black patch TIFF, which cleaning drops. */
final class SyntheticPatchesAccess {
  private SyntheticPatchesAccess() {}

  static void writeBlack(Path file) throws java.io.IOException {
    java.awt.image.BufferedImage black = new java.awt.image.BufferedImage(PatchReader.SIZE, PatchReader.SIZE,
        java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
    javax.imageio.ImageIO.write(black, "tiff", file.toFile());
  }
}
