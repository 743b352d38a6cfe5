package pcam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import pcam.data.Batch;
import pcam.util.InputException;
import org.tensorflow.types.TFloat32;

/** Each scale against keras.applications.imagenet_utils.preprocess_input's formulas, written out here. */
class InputScaleTest {
  @Test
  void everyScaleMatchesTheKerasFormulaForEveryPixelValueAndChannel() {
    double[] mean = {0.485, 0.456, 0.406};
    double[] std = {0.229, 0.224, 0.225};
    double[] bgrMean = {103.939, 116.779, 123.68};
    for (int v = 0; v < 256; v++) {
      for (int c = 0; c < 3; c++) {
        assertThat(InputScale.RAW.apply(c, v)).isEqualTo((float) v);
        assertThat(InputScale.UNIT.apply(c, v)).isCloseTo(v / 255f, within(1e-7f));
        assertThat(InputScale.TF.apply(c, v)).isCloseTo(v / 127.5f - 1f, within(1e-6f));
        assertThat(InputScale.IMAGENET.apply(c, v)).isCloseTo((float) ((v / 255.0 - mean[c]) / std[c]), within(1e-6f));
        assertThat(InputScale.CAFFE.apply(c, v)).isCloseTo((float) (v - bgrMean[c]), within(1e-4f));
      }
    }
    assertThat(InputScale.TF.apply(0, 0)).isEqualTo(-1f);
    assertThat(InputScale.TF.apply(0, 255)).isEqualTo(1f);
  }

  @Test
  void caffeFeedsBgrAndTheOthersRgb() {
    // One pixel R=10, G=20, B=30.
    Batch batch = new Batch(new byte[] {10, 20, 30}, new float[1], 1, 1, 1);
    try (TFloat32 caffe = pcam.model.SavedModelScorer.toFloatImages(batch, InputScale.CAFFE);
        TFloat32 unit = pcam.model.SavedModelScorer.toFloatImages(batch, InputScale.UNIT)) {
      assertThat(caffe.getFloat(0, 0, 0, 0)).isCloseTo(30 - 103.939f, within(1e-4f));
      assertThat(caffe.getFloat(0, 0, 0, 1)).isCloseTo(20 - 116.779f, within(1e-4f));
      assertThat(caffe.getFloat(0, 0, 0, 2)).isCloseTo(10 - 123.68f, within(1e-4f));
      assertThat(unit.getFloat(0, 0, 0, 0)).isCloseTo(10 / 255f, within(1e-7f));
      assertThat(unit.getFloat(0, 0, 0, 2)).isCloseTo(30 / 255f, within(1e-7f));
    }
  }

  @Test
  void parsesLabelsAndNamesTheChoicesOtherwise() {
    assertThat(InputScale.parse("Unit")).isEqualTo(InputScale.UNIT);
    assertThat(InputScale.parse("caffe")).isEqualTo(InputScale.CAFFE);
    assertThatThrownBy(() -> InputScale.parse("0..1"))
        .isInstanceOf(InputException.class)
        .hasMessage("unknown input scale '0..1' (expected one of raw, unit, imagenet, caffe, tf)");
  }
}
