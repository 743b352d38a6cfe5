package pcam.eval;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import pcam.data.Batch;

class ResizeTest {
  @Test
  void sameSizeIsReturnedAsIs() {
    Batch b = new Batch(new byte[96 * 96 * 3], new float[1], 1, 96, 96);
    assertThat(Resize.bilinear(b, 96, 96)).isSameAs(b);
  }

  @Test
  void halvingAveragesNeighbourPairsWithHalfPixelCentres() {
    // A 1x4 row 0, 100, 200, 250 (all channels) to 1x2: output x samples source x = 0.5 and 2.5.
    byte[] row = new byte[4 * 3];
    int[] values = {0, 100, 200, 250};
    for (int x = 0; x < 4; x++) {
      for (int c = 0; c < 3; c++) {
        row[x * 3 + c] = (byte) values[x];
      }
    }
    Batch out = Resize.bilinear(new Batch(row, new float[1], 1, 1, 4), 1, 2);
    assertThat(out.pixels()[0] & 0xff).isEqualTo(50);
    assertThat(out.pixels()[3] & 0xff).isEqualTo(225);
    assertThat(out.height()).isEqualTo(1);
    assertThat(out.width()).isEqualTo(2);
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
