package pcam.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResizeTest {
  /** A batch of one single-row image whose three channels all carry {@code values}. */
  private static Batch row(int... values) {
    byte[] pixels = new byte[values.length * 3];
    for (int i = 0; i < values.length; i++) {
      pixels[3 * i] = pixels[3 * i + 1] = pixels[3 * i + 2] = (byte) values[i];
    }
    return new Batch(pixels, new float[] {1f}, 1, 1, values.length);
  }

  private static int[] firstChannel(Batch batch) {
    int[] out = new int[batch.height() * batch.width()];
    for (int i = 0; i < out.length; i++) {
      out[i] = batch.pixels()[3 * i] & 0xff;
    }
    return out;
  }

  @Test
  void upscalingInterpolatesBetweenHalfPixelCentresAndClampsAtTheBorders() {
    // Output centres 0.5,1.5,2.5,3.5 map to source positions -0.25(->0), 0.25, 0.75, 1.25(->1).
    Batch out = Resize.bilinear(row(0, 200), 1, 4);

    assertThat(firstChannel(out)).containsExactly(0, 50, 150, 200);
  }

  @Test
  void downscalingByTwoAveragesNeighbourPairs() {
    Batch out = Resize.bilinear(row(0, 10, 20, 30), 1, 2);

    assertThat(firstChannel(out)).containsExactly(5, 25);
  }

  @Test
  void interpolatesAlongBothAxesAndKeepsChannelsApartAndLabels() {
    // 2x2 image: channel 0 = [[0, 100], [200, 250]], channel 1 constant 7, channel 2 = 255 - channel 0.
    int[] c0 = {0, 100, 200, 250};
    byte[] pixels = new byte[12];
    for (int i = 0; i < 4; i++) {
      pixels[3 * i] = (byte) c0[i];
      pixels[3 * i + 1] = 7;
      pixels[3 * i + 2] = (byte) (255 - c0[i]);
    }
    Batch out = Resize.bilinear(new Batch(pixels, new float[] {0f}, 1, 2, 2), 3, 3);

    // Centres map to source -1/6(->0), 0.5, 7/6(->1) on both axes; the middle is the mean of all four.
    assertThat(firstChannel(out)).containsExactly(0, 50, 100, 100, 138, 175, 200, 225, 250);
    for (int i = 0; i < 9; i++) {
      assertThat(out.pixels()[3 * i + 1]).isEqualTo((byte) 7);
      assertThat((out.pixels()[3 * i] & 0xff) + (out.pixels()[3 * i + 2] & 0xff)).isBetween(254, 256);
    }
    assertThat(out.labels()).containsExactly(0f);
  }

  @Test
  void resizesEveryImageOfTheBatchIndependently() {
    byte[] pixels = new byte[2 * 2 * 3];
    for (int i = 6; i < 12; i++) {
      pixels[i] = (byte) 250;
    }
    Batch out = Resize.bilinear(new Batch(pixels, new float[] {0f, 1f}, 2, 1, 2), 2, 3);

    assertThat(out.count()).isEqualTo(2);
    for (int i = 0; i < 6 * 3; i++) {
      assertThat(out.pixels()[i] & 0xff).isZero();
      assertThat(out.pixels()[18 + i] & 0xff).isEqualTo(250);
    }
  }

  @Test
  void sameSizeReturnsTheBatchUnchanged() {
    Batch batch = row(1, 2, 3);

    assertThat(Resize.bilinear(batch, 1, 3)).isSameAs(batch);
  }

  @Test
  void upscalingAUniformPatchKeepsItUniformAndPatchesSeparate() {
    byte[] pixels = new byte[2 * 96 * 96 * 3];
    java.util.Arrays.fill(pixels, 0, 96 * 96 * 3, (byte) 7);
    java.util.Arrays.fill(pixels, 96 * 96 * 3, pixels.length, (byte) 200);
    Batch out = Resize.bilinear(new Batch(pixels, new float[2], 2, 96, 96), 224, 224);
    int patch = 224 * 224 * 3;
    for (int i = 0; i < patch; i++) {
      assertThat(out.pixels()[i]).isEqualTo((byte) 7);
      assertThat(out.pixels()[patch + i]).isEqualTo((byte) 200);
    }
  }
}
