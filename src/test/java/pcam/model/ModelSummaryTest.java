package pcam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import pcam.model.Architecture.Layer;
import pcam.util.InputException;

class ModelSummaryTest {

  @Test
  void cnn3AtFullSizeIsTheStudysTable() {
    String table = ModelSummary.render(Architecture.CNN3, 96, true, 0.25, 0.25);
    assertThat(table.strip()).endsWith("Total params: 3,370,561");
    assertThat(table.replaceAll(" +", " "))
        .contains("conv2d (Conv) (None, 94, 94, 32) 896\n")
        .contains("conv2d_1 (Conv) (None, 45, 45, 64) 18,496\n")
        .contains("conv2d_2 (Conv) (None, 20, 20, 128) 73,856\n")
        .contains("max_pool_2 (MaxPool) (None, 10, 10, 128) 0\n")
        .contains("flatten (Flatten) (None, 12800) 0\n")
        .contains("dense (Dense) (None, 256) 3,277,056\n")
        .contains("dropout_3 (Dropout) (None, 256) 0\n")
        .contains("dense_1 (Dense) (None, 1) 257\n");
  }

  @Test
  void longLayerNamesKeepTheColumnsAligned() {
    String table = ModelSummary.render(Architecture.CNN3, 96, true, 0.25, 0.25, Head.GAP, true);
    java.util.List<String> rows = table.lines().filter(l -> l.contains("(None")).toList();
    assertThat(rows).anyMatch(l -> l.startsWith("batch_normalization_1 (BatchNorm) "));
    int shapeColumn = rows.get(0).indexOf("(None");
    assertThat(rows).allMatch(l -> l.indexOf("(None") == shapeColumn && l.length() == rows.get(0).length());
    assertThat(table.lines().filter(l -> l.startsWith("Layer (type)")).findFirst().orElseThrow().indexOf("Output Shape"))
        .isEqualTo(shapeColumn);
  }

  @Test
  void cnn9AtFullSizeHasTheKernelsParameterCount() {
    String table = ModelSummary.render(Architecture.CNN9, 96, true, 0.3, 0.3);
    assertThat(table.strip()).endsWith("Total params: 1,660,929");
    assertThat(table).contains("conv2d_8 (Conv)").doesNotContain("conv2d_9").contains("(None, 4608)");
  }

  @Test
  void dropoutOffRemovesOnlyDropoutLayers() {
    List<Layer> on = Architecture.CNN3.layers(96, true, 0.25, 0.5);
    List<Layer> off = Architecture.CNN3.layers(96, false, 0.25, 0.5);
    assertThat(on).hasSize(13);
    assertThat(off).hasSize(9).noneMatch(l -> l instanceof Architecture.Dropout);
    assertThat(Architecture.totalParams(off)).isEqualTo(3_370_561);
  }

  /** Flattened size and total parameters per crop, by hand: valid 3x3 convs lose 2, pools halve (floor). */
  @ParameterizedTest
  @CsvSource({
    // cnn3: s -> (s-2)/2 -> (..-2)/2 -> (..-2)/2, x128 channels; params = 93,248 (convs) + flat*256+256 + 257
    "cnn3, 96, 12800, 3370561",
    "cnn3, 84, 8192, 2190913",  // 84->82->41->39->19->17->8
    "cnn3, 72, 6272, 1699393",  // 72->70->35->33->16->14->7
    "cnn3, 60, 3200, 912961",   // 60->58->29->27->13->11->5
    "cnn3, 48, 2048, 618049",   // 48->46->23->21->10->8->4
    "cnn3, 32, 512, 224833",    // 32->30->15->13->6->4->2
    // cnn9: each block loses 6 then halves; params = 480,768 (convs) + flat*256+256 + 257
    "cnn9, 96, 4608, 1660929",  // 96->90->45->39->19->13->6
    "cnn9, 84, 3200, 1300481",  // 84->78->39->33->16->10->5
    "cnn9, 72, 1152, 776193",   // 72->66->33->27->13->7->3
    "cnn9, 60, 512, 612353",    // 60->54->27->21->10->4->2
  })
  void flattenedSizeAndParamsPerCrop(String model, int crop, int flat, long params) {
    List<Layer> layers = Architecture.valueOf(model.toUpperCase(java.util.Locale.ROOT)).layers(crop, true, 0.3, 0.3);
    Layer flatten = layers.stream().filter(l -> l instanceof Architecture.Flatten).findFirst().orElseThrow();
    assertThat(flatten.outputShape()).containsExactly(flat);
    assertThat(Architecture.totalParams(layers)).isEqualTo(params);
  }

  @Test
  void cropsOutsideTheStudysListAndTooSmallForCnn9AreRejected() {
    assertThatThrownBy(() -> Architecture.CNN3.layers(64, true, 0.25, 0.25))
        .isInstanceOf(InputException.class).hasMessageContaining("crop 64");
    assertThatThrownBy(() -> Architecture.CNN9.layers(48, true, 0.3, 0.3))
        .isInstanceOf(InputException.class).hasMessageContaining("cnn9 does not fit a 48x48 crop");
  }
}
