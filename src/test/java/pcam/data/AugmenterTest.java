package pcam.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AugmenterTest {
  private static final int N = 96;

  @Test
  void horizontalFlipMirrorsX() {
    assertThat(whereDoesItLand(10, 20, true, false, 0)).containsExactly(85, 20);
  }

  @Test
  void verticalFlipMirrorsY() {
    assertThat(whereDoesItLand(10, 20, false, true, 0)).containsExactly(10, 75);
  }

  @Test
  void ninetyDegreesIsCounterClockwise() {
    // Counter-clockwise on screen: the left edge goes to the bottom, the top edge to the left.
    assertThat(whereDoesItLand(10, 20, false, false, 90)).containsExactly(20, 85);
    assertThat(whereDoesItLand(95, 0, false, false, 90)).containsExactly(0, 0);
    assertThat(whereDoesItLand(10, 20, false, false, -90)).containsExactly(75, 10);
    assertThat(whereDoesItLand(10, 20, false, false, 180)).containsExactly(85, 75);
  }

  @Test
  void flipHappensBeforeTheRotation() {
    // (10,20) -> flipped to (85,20) -> rotated 90 ccw to (20,10)
    assertThat(whereDoesItLand(10, 20, true, false, 90)).containsExactly(20, 10);
  }

  @Test
  void ninetyDegreesMovesEveryPixelExactly() {
    byte[] src = randomPatch(1);
    byte[] dst = new byte[src.length];
    Augmenter.transform(src, N, N, false, false, 90, dst, 0);
    for (int y = 0; y < N; y++) {
      for (int x = 0; x < N; x++) {
        // output (x', y') = (y, N-1-x) for a ccw quarter turn
        for (int c = 0; c < 3; c++) {
          assertThat(dst[(((N - 1 - x) * N) + y) * 3 + c]).isEqualTo(src[(y * N + x) * 3 + c]);
        }
      }
    }
  }

  @Test
  void smallRotationFillsCornersWithTheNearestEdge() {
    byte[] src = new byte[N * N * 3];
    java.util.Arrays.fill(src, (byte) 200);
    byte[] dst = new byte[src.length];
    Augmenter.transform(src, N, N, false, false, 30, dst, 0);
    // A uniform patch stays uniform: no black corners (Keras fill_mode="nearest").
    for (byte b : dst) {
      assertThat(b & 0xff).isEqualTo(200);
    }
  }

  @Test
  void writesAtTheOffset() {
    byte[] src = randomPatch(2);
    byte[] dst = new byte[src.length + 5];
    Augmenter.transform(src, N, N, false, false, 0, dst, 5);
    assertThat(java.util.Arrays.copyOfRange(dst, 5, dst.length)).isEqualTo(src);
  }

  @Test
  void randomFlipsOnlyProduceFlipVariants() {
    byte[] src = randomPatch(3);
    Augmenter augmenter = new Augmenter(new Augmentation(true, true, 0));
    SplittableRandom random = new SplittableRandom(4);
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (int k = 0; k < 40; k++) {
      byte[] out = new byte[src.length];
      augmenter.apply(src, N, N, random, out, 0);
      int variant = -1;
      for (int v = 0; v < 4; v++) {
        byte[] expected = new byte[src.length];
        Augmenter.transform(src, N, N, (v & 1) != 0, (v & 2) != 0, 0, expected, 0);
        if (java.util.Arrays.equals(out, expected)) {
          variant = v;
        }
      }
      assertThat(variant).isNotNegative();
      seen.add(variant);
    }
    assertThat(seen).containsExactlyInAnyOrder(0, 1, 2, 3);
  }

  /** The (x, y) where a single marked pixel ends up. */
  private static int[] whereDoesItLand(int x, int y, boolean flipH, boolean flipV, double degrees) {
    byte[] src = new byte[N * N * 3];
    src[(y * N + x) * 3] = (byte) 255;
    byte[] dst = new byte[src.length];
    Augmenter.transform(src, N, N, flipH, flipV, degrees, dst, 0);
    int found = -1;
    for (int i = 0; i < N * N; i++) {
      if ((dst[i * 3] & 0xff) > 128) {
        assertThat(found).as("only one marked pixel").isNegative();
        found = i;
      }
    }
    assertThat(found).as("marked pixel survives").isNotNegative();
    return new int[] {found % N, found / N};
  }

  static byte[] randomPatch(long seed) {
    byte[] pixels = new byte[N * N * 3];
    new SplittableRandom(seed).nextBytes(pixels);
    return pixels;
  }
}
