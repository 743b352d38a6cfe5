package pcam.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import pcam.data.Batch;

class SavedModelScorerTest {
  @Test
  void toFloatImagesGivesEveryPixelItsUnsignedValueInPlace() {
    int count = 3;
    int size = 5;
    byte[] pixels = new byte[count * size * size * 3];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (i * 37); // covers 0..255, including the bytes Java reads as negative
    }
    Batch batch = new Batch(pixels, new float[count], count, size, size);

    try (TFloat32 images = SavedModelScorer.toFloatImages(batch)) {
      assertThat(images.shape()).isEqualTo(Shape.of(count, size, size, 3));
      float[] values = new float[pixels.length];
      images.asRawTensor().data().asFloats().read(values);
      for (int i = 0; i < pixels.length; i++) {
        assertThat(values[i]).as("pixel %d", i).isEqualTo((float) ((i * 37) & 0xff));
      }
      // the last image's last channel: index 224, (224 * 37) mod 256 = 96
      assertThat(images.getFloat(2, 4, 4, 2)).isEqualTo(96f);
    }
  }
}
