package pcam.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import pcam.TestPatches;
import pcam.util.Json;

/** d8, stain and colour jitter: exact values against independent computations. */
class AugmentationPresetsTest {
  private static final int N = 96;

  /** The 8 symmetries of the square as source maps: output (y, x) reads source (row, col). */
  private static byte[][] dihedralImages(byte[] src) {
    byte[][] out = new byte[8][src.length];
    for (int y = 0; y < N; y++) {
      for (int x = 0; x < N; x++) {
        int m = N - 1;
        int[][] sources = {{y, x}, {y, m - x}, {m - y, x}, {m - y, m - x}, {x, y}, {x, m - y}, {m - x, y}, {m - x, m - y}};
        for (int t = 0; t < 8; t++) {
          System.arraycopy(src, (sources[t][0] * N + sources[t][1]) * 3, out[t], (y * N + x) * 3, 3);
        }
      }
    }
    return out;
  }

  @Test
  void d8ProducesExactlyTheEightDihedralImagesEquallyOften() {
    byte[] src = AugmenterTest.randomPatch(11);
    byte[][] expected = dihedralImages(src);
    for (int i = 0; i < 8; i++) {
      for (int j = 0; j < i; j++) {
        assertThat(expected[i]).as("a random patch has 8 distinct symmetries").isNotEqualTo(expected[j]);
      }
    }
    Augmenter augmenter = new Augmenter(Augmentation.preset("d8"));
    SplittableRandom random = new SplittableRandom(5);
    int[] counts = new int[8];
    int draws = 1600;
    for (int k = 0; k < draws; k++) {
      byte[] out = new byte[src.length];
      augmenter.apply(src, N, N, random, out, 0);
      int match = -1;
      for (int t = 0; t < 8; t++) {
        if (Arrays.equals(out, expected[t])) {
          match = t;
        }
      }
      assertThat(match).as("draw %d is one of the 8 dihedral images", k).isNotNegative();
      counts[match]++;
    }
    // Each of the 8 has probability 1/8: 200 expected, sd 13.2; +-60 is 4.5 sd.
    for (int t = 0; t < 8; t++) {
      assertThat(counts[t]).as("image %d", t).isBetween(140, 260);
    }
  }

  @Test
  void flipsAloneNeverTranspose() {
    byte[] src = AugmenterTest.randomPatch(12);
    byte[][] expected = dihedralImages(src);
    Augmenter augmenter = new Augmenter(Augmentation.preset("flips"));
    SplittableRandom random = new SplittableRandom(6);
    for (int k = 0; k < 100; k++) {
      byte[] out = new byte[src.length];
      augmenter.apply(src, N, N, random, out, 0);
      assertThat(Arrays.asList(expected).subList(0, 4).stream().anyMatch(e -> Arrays.equals(e, out))).isTrue();
    }
  }

  @Test
  void stainMatricesAreInverses() {
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        double sum = 0;
        for (int k = 0; k < 3; k++) {
          sum += StainJitter.HED_FROM_RGB[i][k] * StainJitter.RGB_FROM_HED[k][j];
        }
        assertThat(sum).isCloseTo(i == j ? 1 : 0, org.assertj.core.data.Offset.offset(1e-12));
      }
    }
  }

  @Test
  void zeroStainJitterIsTheIdentity() {
    byte[] every = new byte[256 * 256 * 3];
    for (int r = 0, i = 0; r < 256; r++) {
      for (int g = 0; g < 256; g++, i += 3) {
        every[i] = (byte) r;
        every[i + 1] = (byte) g;
        every[i + 2] = (byte) ((r * 7 + g * 13) & 0xff);
      }
    }
    byte[] copy = every.clone();
    new StainJitter(new double[] {1, 1, 1}, new double[] {0, 0, 0}).apply(copy, 0, 256 * 256);
    assertThat(copy).isEqualTo(every);
  }

  @Test
  void stainJitterMatchesTheDeconvolutionByHand() {
    double[] scale = {1.2, 0.9, 1.0};
    double[] shift = {0.01, -0.02, 0.03};
    int[][] pixels = {{200, 120, 180}, {90, 40, 140}, {250, 250, 250}, {0, 255, 30}};
    byte[] data = new byte[pixels.length * 3];
    for (int p = 0; p < pixels.length; p++) {
      for (int c = 0; c < 3; c++) {
        data[p * 3 + c] = (byte) pixels[p][c];
      }
    }
    new StainJitter(scale, shift).apply(data, 0, pixels.length);
    for (int p = 0; p < pixels.length; p++) {
      // Independent: solve od = stains x M for the stains by Gaussian elimination on M^T.
      double[] od = new double[3];
      for (int c = 0; c < 3; c++) {
        od[c] = -Math.log((pixels[p][c] + 1) / 256.0);
      }
      double[] stains = solveTransposed(StainJitter.RGB_FROM_HED, od);
      double[] expected = new double[3];
      for (int c = 0; c < 3; c++) {
        double v = 0;
        for (int k = 0; k < 3; k++) {
          v += (stains[k] * scale[k] + shift[k]) * StainJitter.RGB_FROM_HED[k][c];
        }
        expected[c] = Math.max(0, Math.min(255, Math.round(256 / Math.exp(v) - 1)));
      }
      for (int c = 0; c < 3; c++) {
        assertThat((double) (data[p * 3 + c] & 0xff)).as("pixel %d channel %d", p, c).isEqualTo(expected[c]);
      }
    }
  }

  /** x with x M = b, i.e. M^T x = b, by Gaussian elimination with partial pivoting. */
  private static double[] solveTransposed(double[][] m, double[] b) {
    double[][] a = new double[3][4];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        a[i][j] = m[j][i];
      }
      a[i][3] = b[i];
    }
    for (int col = 0; col < 3; col++) {
      int pivot = col;
      for (int r = col + 1; r < 3; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
          pivot = r;
        }
      }
      double[] t = a[col];
      a[col] = a[pivot];
      a[pivot] = t;
      for (int r = 0; r < 3; r++) {
        if (r != col) {
          double f = a[r][col] / a[col][col];
          for (int j = col; j < 4; j++) {
            a[r][j] -= f * a[col][j];
          }
        }
      }
    }
    return new double[] {a[0][3] / a[0][0], a[1][3] / a[1][1], a[2][3] / a[2][2]};
  }

  @Test
  void stainJitterOfARealPatchMovesHaematoxylinNotGeometry() {
    PatchSet real = TestPatches.realSample(1);
    byte[] src = real.pixels(0);
    byte[] darker = src.clone();
    new StainJitter(new double[] {1.3, 1, 1}, new double[] {0, 0, 0}).apply(darker, 0, N * N);
    // More haematoxylin absorbs more light: almost every value gets darker (deconvolution can give a
    // pixel a slightly negative stain, which scaling lightens), and the patch as a whole does.
    long before = 0;
    long after = 0;
    int lighter = 0;
    for (int i = 0; i < src.length; i++) {
      lighter += (darker[i] & 0xff) > (src[i] & 0xff) ? 1 : 0;
      before += src[i] & 0xff;
      after += darker[i] & 0xff;
    }
    assertThat(after).isLessThan(before);
    assertThat(lighter).isLessThan(src.length / 20);
  }

  @Test
  void colourJitterPartsMatchTheirFormulas() {
    byte[] src = AugmenterTest.randomPatch(13);
    byte[] same = src.clone();
    Augmenter.colorJitter(same, 0, N * N, 1, 1, 1, 0);
    assertThat(same).isEqualTo(src);

    byte[] bright = src.clone();
    Augmenter.colorJitter(bright, 0, N * N, 1.2, 1, 1, 0);
    for (int i = 0; i < src.length; i++) {
      assertThat(bright[i] & 0xff).isEqualTo((int) Math.round(Math.min(255, (src[i] & 0xff) * 1.2)));
    }

    byte[] grey = src.clone();
    Augmenter.colorJitter(grey, 0, N * N, 1, 1, 0, 0);
    for (int i = 0; i < src.length; i += 3) {
      long g = Math.round(0.299 * (src[i] & 0xff) + 0.587 * (src[i + 1] & 0xff) + 0.114 * (src[i + 2] & 0xff));
      assertThat(new int[] {grey[i] & 0xff, grey[i + 1] & 0xff, grey[i + 2] & 0xff}).containsOnly((int) g);
    }

    byte[] flat = src.clone();
    Augmenter.colorJitter(flat, 0, N * N, 1, 0, 1, 0);
    double mean = 0;
    for (int i = 0; i < src.length; i += 3) {
      mean += 0.299 * (src[i] & 0xff) + 0.587 * (src[i + 1] & 0xff) + 0.114 * (src[i + 2] & 0xff);
    }
    int m = (int) Math.round(mean / (N * N));
    for (byte b : flat) {
      assertThat(b & 0xff).isEqualTo(m);
    }

    // A hue rotation keeps grey pixels grey (no chroma to rotate).
    byte[] greyPatch = new byte[N * N * 3];
    Arrays.fill(greyPatch, (byte) 128);
    Augmenter.colorJitter(greyPatch, 0, N * N, 1, 1, 1, 0.3);
    for (byte b : greyPatch) {
      assertThat(b & 0xff).isBetween(127, 129);
    }
  }

  @Test
  void sameSeedSameAugmentationAndAnotherSeedAnother() {
    Augmentation a = Augmentation.preset("d8+stain").withColorJitter(0.1, 0.1, 0.1, 0.02).withRotation(10);
    byte[] src = AugmenterTest.randomPatch(14);
    Map<Long, byte[]> first = new HashMap<>();
    for (long seed = 0; seed < 5; seed++) {
      byte[] out = new byte[src.length];
      new Augmenter(a).apply(src, N, N, new SplittableRandom(seed), out, 0);
      first.put(seed, out);
    }
    List<byte[]> distinct = new ArrayList<>();
    for (long seed = 0; seed < 5; seed++) {
      byte[] again = new byte[src.length];
      new Augmenter(a).apply(src, N, N, new SplittableRandom(seed), again, 0);
      assertThat(again).isEqualTo(first.get(seed));
      assertThat(distinct.stream().noneMatch(d -> Arrays.equals(d, again))).isTrue();
      distinct.add(again);
    }
  }

  @Test
  void presetsAreNamedAndUnknownOnesListTheChoices() {
    assertThat(Augmentation.preset("none").isNone()).isTrue();
    assertThat(Augmentation.preset("flips")).isEqualTo(new Augmentation(true, true, 0));
    assertThat(Augmentation.preset("d8")).isEqualTo(new Augmentation(true, true, true, 0, 0, 0, 0, 0, 0));
    assertThat(Augmentation.preset("d8+stain").stainJitter()).isEqualTo(Augmentation.STAIN_SIGMA);
    assertThat(Augmentation.preset("study")).isEqualTo(new Augmentation(true, true, 40));
    assertThat(Augmentation.preset("D8").describe()).isEqualTo("d8");
    assertThatThrownBy(() -> Augmentation.preset("d4"))
        .hasMessage("unknown augmentation preset 'd4' (choose from none, flips, d8, d8+stain, study)");
  }

  @Test
  void configWrittenBeforeTheNewKnobsReadsThemAsOff() throws Exception {
    String old = "{\"horizontalFlip\":true,\"verticalFlip\":false,\"maxRotationDegrees\":40.0}";
    assertThat(Json.MAPPER.readValue(old, Augmentation.class)).isEqualTo(new Augmentation(true, false, 40));
    Augmentation full = Augmentation.preset("d8+stain").withColorJitter(0.1, 0.2, 0.3, 0.04);
    assertThat(Json.MAPPER.readValue(Json.toString(full), Augmentation.class)).isEqualTo(full);
  }
}
