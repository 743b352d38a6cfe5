package pcam;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import pcam.data.Batch;
import pcam.data.PatchReader;
import pcam.data.PatchSet;

/**
 * Patches for tests: a learnable synthetic pattern and real sample patches as {@link PatchSet}s, and
 * 96x96 RGB TIFF files (Kaggle's format) for tests that need image files on disk.
 */
public final class TestPatches {
  private TestPatches() {}

  /**
   * {@code n} noisy 96x96 patches; label 1 patches have a bright square in the centre 32x32 (the
   * region the Kaggle label is about), label 0 ones do not. Alternating labels, seeded noise.
   */
  public static PatchSet synthetic(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<String> ids = new ArrayList<>();
    byte[] labels = new byte[n];
    byte[][] pixels = new byte[n][];
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) (i % 2);
      byte[] p = new byte[96 * 96 * 3];
      for (int k = 0; k < p.length; k++) {
        p[k] = (byte) (80 + random.nextInt(60));
      }
      if (labels[i] == 1) {
        for (int y = 36; y < 60; y++) {
          for (int x = 36; x < 60; x++) {
            for (int c = 0; c < 3; c++) {
              p[(y * 96 + x) * 3 + c] = (byte) (200 + random.nextInt(40));
            }
          }
        }
      }
      pixels[i] = p;
      ids.add("synthetic-" + i);
    }
    return new PatchSet(ids, labels, pixels, 96, 96);
  }

  /** All of {@code set} as one batch, in order. */
  public static Batch batch(PatchSet set) {
    return batch(set, 0, set.size());
  }

  /** Rows {@code from .. to-1} of {@code set} as one batch, in order. */
  public static Batch batch(PatchSet set, int from, int to) {
    int bytes = set.bytesPerPatch();
    byte[] pixels = new byte[(to - from) * bytes];
    float[] labels = new float[to - from];
    for (int i = from; i < to; i++) {
      System.arraycopy(set.pixels(i), 0, pixels, (i - from) * bytes, bytes);
      labels[i - from] = set.label(i);
    }
    return new Batch(pixels, labels, to - from, set.height(), set.width());
  }

  /** The first {@code n} rows of the real sample (../shared/data/pcam-sample), decoded; skips if absent. */
  public static PatchSet realSample(int n) {
    return realSample(0, n);
  }

  /** Rows {@code from .. from+count-1} of the real sample's train_labels.csv, decoded, in CSV order. */
  public static PatchSet realSample(int from, int count) {
    Path dir = SharedData.pcamSample();
    List<String> ids = new ArrayList<>();
    List<Byte> labels = new ArrayList<>();
    try (Reader reader = Files.newBufferedReader(dir.resolve("train_labels.csv"))) {
      int row = 0;
      for (CSVRecord record : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader)) {
        if (row >= from + count) {
          break;
        }
        if (row++ >= from) {
          ids.add(record.get("id"));
          labels.add(Byte.parseByte(record.get("label")));
        }
      }
    } catch (IOException e) {
      throw new AssertionError("cannot read the sample labels", e);
    }
    byte[] labelArray = new byte[ids.size()];
    byte[][] pixels = new byte[ids.size()][];
    for (int i = 0; i < ids.size(); i++) {
      labelArray[i] = labels.get(i);
      pixels[i] = PatchReader.read(dir.resolve("train").resolve(ids.get(i) + ".tif"));
    }
    return new PatchSet(ids, labelArray, pixels, 96, 96);
  }

  /** Writes HWC uint8 pixels as an uncompressed RGB TIFF. */
  public static void writeTiff(Path file, byte[] pixels, int size) {
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_3BYTE_BGR);
    WritableRaster raster = image.getRaster();
    int[] samples = new int[pixels.length];
    for (int i = 0; i < pixels.length; i++) {
      samples[i] = pixels[i] & 0xff;
    }
    raster.setPixels(0, 0, size, size, samples);
    try {
      if (!ImageIO.write(image, "tiff", file.toFile())) {
        throw new IllegalStateException("no TIFF writer");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A patch of seeded random pixels. */
  public static byte[] random(long seed) {
    byte[] pixels = new byte[96 * 96 * 3];
    new SplittableRandom(seed).nextBytes(pixels);
    return pixels;
  }

  /** Writes {@code n} random patches named id000.., returns their ids in order. */
  public static List<String> writeFolder(Path dir, int n) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = String.format("id%03d", i);
      writeTiff(dir.resolve(id + ".tif"), random(i), 96);
      ids.add(id);
    }
    return ids;
  }
}
