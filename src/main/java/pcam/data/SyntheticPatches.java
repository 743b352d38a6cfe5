package pcam.data;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import pcam.util.AtomicFiles;
import pcam.util.InputException;

/**
 * Synthetic H&E-like patches in the Kaggle layout, the demo's data. Pink, textured stroma with
 * scattered small purple nuclei everywhere. A label-1 patch also has a cluster of tumour-like
 * nuclei (larger, darker, crowded) lying wholly inside the centre 32x32, which is exactly the
 * PCam label rule. To keep the task about the centre and not about "any dark blob", a third of
 * all patches, of either label, carry the same kind of cluster outside the centre; and each patch
 * gets its own stain strength, so no single pixel or global colour gives the label away.
 *
 * <p>Each patch depends only on (seed, split, index), so output is identical for a seed whatever
 * the thread count.
 */
public final class SyntheticPatches {
  public static final int SIZE = PatchReader.SIZE;
  /** The centre region that decides the label: [CENTRE_FROM, CENTRE_TO) in x and y. */
  public static final int CENTRE_FROM = 32;
  public static final int CENTRE_TO = 64;
  public static final double POSITIVE_FRACTION = 0.4;

  /** Written into every synth output: {@code --force} replaces only a folder that carries it. */
  public static final String MARKER = ".pcam-synth";
  private static final Set<String> LAYOUT =
      Set.of("train", "test", "train_labels.csv", "sample_submission.csv", "test_labels.csv", MARKER);
  private static final long TRAIN_STREAM = 0x7A3C5E1F2B4D6A8L;
  private static final long TEST_STREAM = 0x1D2E3F4A5B6C7D8EL;

  /** What was written. */
  public record Summary(Path dir, int train, int trainPositives, int test) {}

  private SyntheticPatches() {}

  /**
   * Writes {@code train/}, {@code train_labels.csv}, {@code test/}, {@code sample_submission.csv}
   * (label 0, as Kaggle ships it) and, beyond Kaggle, {@code test_labels.csv} with the true test
   * labels so the demo can score itself. Atomic: a temp folder renamed into place.
   *
   * @param force replace an existing non-empty {@code out}, but only if synth wrote it (it carries
   *     {@link #MARKER}) and it holds nothing besides this layout, so a mistyped path, or a real
   *     Kaggle download with the same layout, is never deleted
   */
  public static Summary write(Path out, int n, int testN, long seed, boolean force) {
    if (n < 1 || testN < 0) {
      throw new InputException("need at least 1 training patch and 0 or more test patches, got " + n + " and " + testN);
    }
    checkTarget(out, force);
    int[] positives = new int[1];
    AtomicFiles.write(out, tmp -> positives[0] = writeLayout(tmp, n, testN, seed));
    return new Summary(out, n, positives[0], testN);
  }

  /** Label of train patch {@code index} (test patches use their own stream). */
  static boolean isPositive(long seed, long stream, int index) {
    return random(seed, stream, index).nextDouble() < POSITIVE_FRACTION;
  }

  /** The pixels (HWC RGB) of one patch; the random stream decides everything else. */
  public static byte[] render(boolean tumour, SplittableRandom random) {
    float[] rgb = new float[SIZE * SIZE * 3];
    double stain = 0.75 + 0.5 * random.nextDouble(); // per-slide staining strength
    paintStroma(rgb, random, stain);
    int normal = 12 + random.nextInt(24);
    for (int k = 0; k < normal; k++) {
      double r = 1.8 + 1.4 * random.nextDouble();
      paintNucleus(rgb, random, random.nextDouble() * SIZE, random.nextDouble() * SIZE, r,
          (0.45 + 0.25 * random.nextDouble()) * stain, NORMAL_NUCLEUS);
    }
    if (random.nextDouble() < 1 / 3.0) {
      paintTumourOutsideCentre(rgb, random, stain);
    }
    if (tumour) {
      paintTumourInCentre(rgb, random, stain);
    }
    byte[] pixels = new byte[rgb.length];
    for (int i = 0; i < rgb.length; i++) {
      pixels[i] = (byte) Math.max(0, Math.min(255, Math.round(rgb[i])));
    }
    return pixels;
  }

  private static final float[] STROMA = {236, 168, 206};
  private static final float[] NORMAL_NUCLEUS = {118, 70, 156};
  private static final float[] TUMOUR_NUCLEUS = {78, 34, 118};

  private static void paintStroma(float[] rgb, SplittableRandom random, double stain) {
    // Value noise on a coarse grid gives the blotchy density of tissue; a wave gives fibres.
    int grid = 7;
    double[] coarse = new double[grid * grid];
    for (int i = 0; i < coarse.length; i++) {
      coarse[i] = random.nextDouble() * 2 - 1;
    }
    double angle = random.nextDouble() * Math.PI;
    double frequency = 0.25 + 0.35 * random.nextDouble();
    double phase = random.nextDouble() * 2 * Math.PI;
    double fx = Math.cos(angle) * frequency;
    double fy = Math.sin(angle) * frequency;
    double whiteness = random.nextDouble() < 0.2 ? 0.5 * random.nextDouble() : 0; // some patches have fat/gaps
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        double gx = x * (grid - 1) / (double) SIZE;
        double gy = y * (grid - 1) / (double) SIZE;
        int x0 = (int) gx;
        int y0 = (int) gy;
        double tx = gx - x0;
        double ty = gy - y0;
        double density =
            (coarse[y0 * grid + x0] * (1 - tx) + coarse[y0 * grid + x0 + 1] * tx) * (1 - ty)
                + (coarse[(y0 + 1) * grid + x0] * (1 - tx) + coarse[(y0 + 1) * grid + x0 + 1] * tx) * ty;
        double fibre = Math.sin(fx * x + fy * y + phase);
        double shade = 14 * density * stain + 4 * fibre;
        double gap = density < -0.4 ? whiteness : 0;
        int at = (y * SIZE + x) * 3;
        for (int c = 0; c < 3; c++) {
          double base = 255 - (255 - STROMA[c]) * stain;
          double v = base - shade + (random.nextDouble() - 0.5) * 14;
          rgb[at + c] = (float) (v + (250 - v) * gap);
        }
      }
    }
  }

  private static void paintTumourInCentre(float[] rgb, SplittableRandom random, double stain) {
    int count = 4 + random.nextInt(9);
    for (int k = 0; k < count; k++) {
      double r = 3.2 + 2.6 * random.nextDouble();
      double reach = r * 1.35; // the ellipse's half-extent, to keep it inside the centre
      double cx = CENTRE_FROM + reach + random.nextDouble() * (CENTRE_TO - CENTRE_FROM - 2 * reach);
      double cy = CENTRE_FROM + reach + random.nextDouble() * (CENTRE_TO - CENTRE_FROM - 2 * reach);
      paintNucleus(rgb, random, cx, cy, r, Math.min(0.97, (0.78 + 0.17 * random.nextDouble()) * stain), TUMOUR_NUCLEUS);
    }
  }

  /** A cluster like the centre one, in a corner band that never touches the centre 32x32. */
  private static void paintTumourOutsideCentre(float[] rgb, SplittableRandom random, double stain) {
    boolean vertical = random.nextBoolean();
    boolean low = random.nextBoolean();
    double middle = 20 + random.nextDouble() * (SIZE - 40);
    int count = 4 + random.nextInt(9);
    for (int k = 0; k < count; k++) {
      double r = 3.2 + 2.6 * random.nextDouble();
      double reach = r * 1.35;
      // Within the outer band [0, CENTRE_FROM) or its mirror on one axis: never overlaps the centre.
      double near = reach + random.nextDouble() * (CENTRE_FROM - 2 * reach);
      double across = low ? near : SIZE - near;
      double along = Math.max(reach, Math.min(SIZE - reach, middle + (random.nextDouble() - 0.5) * 30));
      double cx = vertical ? across : along;
      double cy = vertical ? along : across;
      paintNucleus(rgb, random, cx, cy, r, Math.min(0.97, (0.78 + 0.17 * random.nextDouble()) * stain), TUMOUR_NUCLEUS);
    }
  }

  /** An ellipse (radius r, aspect up to 1.35, random angle) with a soft edge and grainy chromatin. */
  private static void paintNucleus(
      float[] rgb, SplittableRandom random, double cx, double cy, double r, double opacity, float[] colour) {
    double aspect = 1 + 0.35 * random.nextDouble();
    double rx = r * aspect;
    double ry = r / aspect;
    double angle = random.nextDouble() * Math.PI;
    double cos = Math.cos(angle);
    double sin = Math.sin(angle);
    int x0 = Math.max(0, (int) Math.floor(cx - rx - 1));
    int x1 = Math.min(SIZE - 1, (int) Math.ceil(cx + rx + 1));
    int y0 = Math.max(0, (int) Math.floor(cy - rx - 1));
    int y1 = Math.min(SIZE - 1, (int) Math.ceil(cy + rx + 1));
    for (int y = y0; y <= y1; y++) {
      for (int x = x0; x <= x1; x++) {
        double dx = x + 0.5 - cx;
        double dy = y + 0.5 - cy;
        double u = (dx * cos + dy * sin) / rx;
        double v = (-dx * sin + dy * cos) / ry;
        double d = Math.sqrt(u * u + v * v);
        if (d >= 1) {
          continue;
        }
        double edge = d < 0.75 ? 1 : (1 - d) / 0.25;
        double alpha = opacity * edge * (0.8 + 0.2 * random.nextDouble());
        int at = (y * SIZE + x) * 3;
        for (int c = 0; c < 3; c++) {
          rgb[at + c] = (float) (rgb[at + c] * (1 - alpha) + colour[c] * alpha);
        }
      }
    }
  }

  private static int writeLayout(Path dir, int n, int testN, long seed) throws IOException {
    Path train = Files.createDirectories(dir.resolve("train"));
    Path test = Files.createDirectories(dir.resolve("test"));
    boolean[] trainLabels = writePatches(train, n, seed, TRAIN_STREAM);
    boolean[] testLabels = writePatches(test, testN, seed, TEST_STREAM);
    writeCsv(dir.resolve("train_labels.csv"), seed, TRAIN_STREAM, trainLabels, true);
    writeCsv(dir.resolve("test_labels.csv"), seed, TEST_STREAM, testLabels, true);
    writeCsv(dir.resolve("sample_submission.csv"), seed, TEST_STREAM, testLabels, false);
    Files.writeString(dir.resolve(MARKER), "written by 'pcam synth'; 'pcam synth --force' may replace this folder\n");
    int positives = 0;
    for (boolean p : trainLabels) {
      positives += p ? 1 : 0;
    }
    return positives;
  }

  private static boolean[] writePatches(Path dir, int n, long seed, long stream) {
    boolean[] labels = new boolean[n];
    IntStream.range(0, n).parallel().forEach(i -> {
      labels[i] = isPositive(seed, stream, i);
      SplittableRandom random = random(seed, stream ^ 0x55555555L, i);
      writeTiff(dir.resolve(id(seed, stream, i) + TiffSource.EXTENSION), render(labels[i], random));
    });
    return labels;
  }

  private static void writeCsv(Path file, long seed, long stream, boolean[] labels, boolean truth) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        CSVPrinter csv = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get())) {
      csv.printRecord("id", "label");
      for (int i = 0; i < labels.length; i++) {
        csv.printRecord(id(seed, stream, i), truth && labels[i] ? 1 : 0);
      }
    }
  }

  /** A Kaggle-style id: 40 hex characters. */
  static String id(long seed, long stream, int index) {
    SplittableRandom random = random(seed, stream ^ 0x2AAAAAAAL, index);
    HexFormat hex = HexFormat.of();
    return hex.toHexDigits(random.nextLong()) + hex.toHexDigits(random.nextLong()) + hex.toHexDigits(random.nextInt());
  }

  private static SplittableRandom random(long seed, long stream, int index) {
    return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + stream * 31 + index);
  }

  /** Uncompressed RGB TIFF: the bytes are handed to ImageIO as an RGB-ordered raster, as is. */
  static void writeTiff(Path file, byte[] pixels) {
    DataBufferByte buffer = new DataBufferByte(pixels, pixels.length);
    PixelInterleavedSampleModel model =
        new PixelInterleavedSampleModel(DataBuffer.TYPE_BYTE, SIZE, SIZE, 3, SIZE * 3, new int[] {0, 1, 2});
    WritableRaster raster = Raster.createWritableRaster(model, buffer, null);
    ComponentColorModel colours = new ComponentColorModel(
        ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
    BufferedImage image = new BufferedImage(colours, raster, false, null);
    try {
      if (!ImageIO.write(image, "tiff", file.toFile())) {
        throw new IOException("no TIFF writer in this JDK");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + AtomicFiles.describe(e), e);
    }
  }

  private static void checkTarget(Path out, boolean force) {
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new InputException(out + ": exists and is not a folder");
    }
    AtomicFiles.requireCreatable(out, "--out");
    if (!Files.isDirectory(out)) {
      return;
    }
    List<String> entries;
    try (Stream<Path> list = Files.list(out)) {
      entries = list.map(p -> p.getFileName().toString()).toList();
    } catch (IOException e) {
      throw new InputException(out + ": cannot list (" + AtomicFiles.describe(e) + ")", e);
    }
    if (entries.isEmpty()) {
      return;
    }
    if (!force) {
      throw new InputException(out + ": folder is not empty; use --force to replace a previous synth output");
    }
    if (!entries.contains(MARKER)) {
      throw new InputException(out + ": --force only replaces a folder that 'pcam synth' wrote (it has no " + MARKER
          + " marker); pcam never deletes files it did not create");
    }
    List<String> foreign = entries.stream().filter(e -> !LAYOUT.contains(e)).toList();
    if (!foreign.isEmpty()) {
      throw new InputException(out + ": --force only replaces a synth/Kaggle layout, but the folder also holds "
          + String.join(", ", foreign.subList(0, Math.min(5, foreign.size()))));
    }
  }
}
