package pcam.interop.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static pcam.interop.keras.KerasFixture.cfg;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.data.Batch;
import pcam.interop.keras.KerasFixture.Model;
import pcam.interop.keras.ReferenceForward.T;
import pcam.model.InputScale;
import pcam.model.KerasModel;
import pcam.model.KerasSpec;
import pcam.model.SavedModelScorer;
import pcam.util.InputException;

/**
 * Keras files written with jhdf in both formats (Keras 2 .h5, Keras 3 .keras), imported and
 * compared with {@link ReferenceForward}'s plain-loop forward pass of the same model and weights.
 */
public class KerasImportTest {
  private static final int N = 6;
  @TempDir Path tmp;

  /** Branches (Add, Concatenate, Multiply), BatchNormalization, and a nested model called with training=False. */
  public static Model functional() {
    Model base = new Model("base", "Functional", new long[] {-1, 12, 12, 8});
    base.add("conv", "Conv2D", conv(4, 3, 2, "valid", 1, "linear"), base.input);
    base.add("bn", "BatchNormalization", bn(), "conv");
    base.add("conv2", "Conv2D", conv(4, 1, 1, "valid", 1, "swish"), "bn");
    base.add("leaky", "LeakyReLU", cfg("alpha", 0.2), "conv2");
    Model m = new Model("model", "Functional", new long[] {-1, 12, 12, 3});
    m.add("conv_a", "Conv2D", conv(4, 3, 1, "same", 1, "relu"), m.input);
    m.add("bn_a", "BatchNormalization", bn(), "conv_a");
    m.add("b1", "Conv2D", conv(4, 1, 1, "valid", 1, "linear"), "bn_a");
    m.add("b2", "Conv2D", conv(4, 3, 1, "same", 2, "elu"), "bn_a");
    m.add("add", "Add", cfg(), "b1", "b2");
    m.add("relu", "ReLU", cfg(), "add");
    m.add("cat", "Concatenate", cfg("axis", -1), "relu", "bn_a");
    m.nest(base, true, "cat");
    m.add("pool", "MaxPooling2D", cfg("pool_size", List.of(2, 2), "strides", List.of(2, 2), "padding", "valid"), "base");
    m.add("gap", "GlobalAveragePooling2D", cfg(), "pool");
    m.add("dense_a", "Dense", cfg("units", 4, "activation", "tanh", "use_bias", true), "gap");
    m.add("mul", "Multiply", cfg(), "gap", "dense_a");
    m.add("drop", "Dropout", cfg("rate", 0.5), "mul");
    m.add("out", "Dense", cfg("units", 1, "activation", "sigmoid", "use_bias", true), "drop");
    return m;
  }

  /** Starts with Rescaling (so no --input-scale), pads, strides, average-pools, flattens, 2-way softmax. */
  public static Model sequential() {
    Model s = new Model("seq", "Sequential", new long[] {-1, 10, 10, 3});
    s.add("rescale", "Rescaling", cfg("scale", 1 / 255.0, "offset", 0.0));
    s.add("pad", "ZeroPadding2D", cfg("padding", List.of(List.of(1, 1), List.of(1, 1))));
    s.add("c1", "Conv2D", conv(6, 3, 2, "valid", 1, "relu"));
    s.add("avg", "AveragePooling2D", cfg("pool_size", List.of(2, 2), "strides", List.of(1, 1), "padding", "valid"));
    s.add("sd", "SpatialDropout2D", cfg("rate", 0.3));
    s.add("flat", "Flatten", cfg());
    s.add("bn", "BatchNormalization", bn());
    s.add("d", "Dense", cfg("units", 2, "activation", "softmax", "use_bias", true));
    return s;
  }

  public static com.fasterxml.jackson.databind.node.ObjectNode conv(int filters, int k, int stride, String padding, int dilation, String act) {
    return cfg("filters", filters, "kernel_size", List.of(k, k), "strides", List.of(stride, stride), "padding", padding,
        "dilation_rate", List.of(dilation, dilation), "activation", act, "use_bias", true, "data_format", "channels_last", "groups", 1);
  }

  static com.fasterxml.jackson.databind.node.ObjectNode bn() {
    return cfg("axis", -1, "momentum", 0.99, "epsilon", 0.001, "center", true, "scale", true);
  }

  /** Random RGB patches of the model's size. */
  public static Batch images(int n, int size, long seed) {
    byte[] px = new byte[n * size * size * 3];
    new Random(seed).nextBytes(px);
    return new Batch(px, new float[n], n, size, size);
  }

  /** The reference probability of each image: the model output (column {@code column}) on the scaled pixels. */
  public static float[] reference(Model m, Batch batch, float scale, int column, long seed) {
    ReferenceForward ref = new ReferenceForward(seed);
    float[] out = new float[batch.count()];
    int size = batch.height() * batch.width() * 3;
    for (int i = 0; i < batch.count(); i++) {
      float[] x = new float[size];
      for (int j = 0; j < size; j++) {
        x[j] = (batch.pixels()[i * size + j] & 0xff) * scale;
      }
      T y = ref.run(m, new T(batch.height(), batch.width(), 3, x, false));
      out[i] = y.v()[column];
    }
    return out;
  }

  private float[] importAndScore(Path file, KerasImport.Options options, Batch batch) {
    KerasImport.Imported imported = KerasImport.read(file, options);
    try (KerasModel model = KerasModel.create(imported.spec(), imported.weights(), null, null)) {
      return model.predict(batch);
    }
  }

  @Test
  void functionalModelWithBranchesAndANestedModelMatchesThePlainForwardPassInBothFormats() throws Exception {
    Model m = functional();
    Batch batch = images(N, 12, 1);
    float[] expected = reference(m, batch, 1 / 255f, 0, 11); // also draws the weights
    Path h5 = tmp.resolve("functional.h5");
    Path keras = tmp.resolve("functional.keras");
    KerasFixture.writeKeras2(m, h5, true);
    KerasFixture.writeKeras3(m, keras);
    KerasImport.Options unit = new KerasImport.Options(InputScale.UNIT, null);

    assertThat(importAndScore(h5, unit, batch)).containsExactly(expected, within(2e-5f));
    assertThat(importAndScore(keras, unit, batch)).containsExactly(expected, within(2e-5f));
    // Outputs that differ between images: the comparison is not between constants.
    assertThat(expected[0]).isNotCloseTo(expected[1], within(1e-3f));
  }

  @Test
  void nestedModelWeightsWithoutLayerNamesLoadInKeras2Order() {
    Model m = functional();
    Batch batch = images(N, 12, 2);
    float[] expected = reference(m, batch, 1 / 255f, 0, 12);
    Path h5 = tmp.resolve("bare-names.h5");
    KerasFixture.writeKeras2(m, h5, false); // nested weights named kernel_0:0, ...: only Keras's order identifies them
    assertThat(importAndScore(h5, new KerasImport.Options(InputScale.UNIT, null), batch)).containsExactly(expected, within(2e-5f));
  }

  @Test
  void sequentialKeras3ModelStartingWithRescalingNeedsNoInputScaleAndUsesSoftmaxColumnOne() throws Exception {
    Model s = sequential();
    Batch batch = images(N, 10, 3);
    float[] expected = reference(s, batch, 1f, 1, 13); // raw pixels: the model's Rescaling divides
    Path keras = tmp.resolve("seq.keras");
    KerasFixture.writeKeras3(s, keras);
    KerasImport.Imported imported = KerasImport.read(keras, new KerasImport.Options(null, null));
    assertThat(imported.spec().inputScale()).isEqualTo(InputScale.RAW);
    assertThat(imported.spec().inputScaleSource()).contains("Rescaling");
    assertThat(imported.spec().head()).isEqualTo(new KerasSpec.Head("softmax", 2, 1));
    assertThat(importAndScore(keras, new KerasImport.Options(null, null), batch)).containsExactly(expected, within(2e-5f));

    float[] column0 = reference(s, batch, 1f, 0, 13);
    assertThat(importAndScore(keras, new KerasImport.Options(null, 0), batch)).containsExactly(column0, within(2e-5f));
  }

  @Test
  void theWrittenFolderIsAContractSavedModelWithTheScalingInside() throws Exception {
    Model s = sequential();
    Batch batch = images(N, 10, 4);
    float[] expected = reference(s, batch, 1f, 1, 14);
    Path h5 = tmp.resolve("seq.h5");
    KerasFixture.writeKeras2(s, h5, true);
    Path out = tmp.resolve("imported");
    KerasSpec spec = KerasImport.run(h5, out, new KerasImport.Options(null, null), null);
    assertThat(spec.nodes()).extracting(KerasSpec.Node::id).containsExactly("rescale", "pad", "c1", "avg", "sd", "flat", "bn", "d");
    assertThat(KerasSpec.load(out)).isEqualTo(spec);
    try (SavedModelScorer scorer = SavedModelScorer.load(out)) {
      assertThat(scorer.inputHeight()).isEqualTo(10);
      assertThat(scorer.predict(batch)).containsExactly(expected, within(2e-5f));
    }
    assertThatThrownBy(() -> KerasImport.run(h5, out, new KerasImport.Options(null, null), null))
        .isInstanceOf(InputException.class).hasMessageContaining("already exists");
  }

  @Test
  void sequentialWrappingAFrozenBaseModelTakesTheBaseInputShapeInBothFormats() throws Exception {
    Model base = new Model("base", "Functional", new long[] {-1, 12, 12, 3});
    base.add("conv", "Conv2D", conv(5, 3, 1, "same", 1, "relu"), base.input);
    base.add("bn", "BatchNormalization", bn(), "conv");
    base.trainable = false;
    Model top = new Model("top", "Sequential", new long[] {-1, 12, 12, 3});
    top.inputLayer = false;
    top.nest(base, false, "");
    top.add("gap", "GlobalAveragePooling2D", cfg());
    top.add("out", "Dense", cfg("units", 1, "activation", "sigmoid", "use_bias", true));
    Batch batch = images(N, 12, 6);
    float[] tfScaled = referenceTf(top, batch, 16); // also draws the weights
    Path h5 = tmp.resolve("transfer.h5");
    Path keras = tmp.resolve("transfer.keras");
    KerasFixture.writeKeras2(top, h5, true);
    KerasFixture.writeKeras3(top, keras);
    KerasImport.Options tf = new KerasImport.Options(InputScale.TF, null);
    KerasImport.Imported imported = KerasImport.read(h5, tf);
    assertThat(imported.spec().height()).isEqualTo(12);
    assertThat(imported.spec().nodes()).filteredOn(n -> n.id().startsWith("base/")).extracting(KerasSpec.Node::trainable).containsOnly(false);
    assertThat(importAndScore(h5, tf, batch)).containsExactly(tfScaled, within(2e-5f));
    assertThat(importAndScore(keras, tf, batch)).containsExactly(tfScaled, within(2e-5f));
  }

  /** The reference on v/127.5 - 1 inputs (Keras's "tf" preprocessing). */
  private static float[] referenceTf(Model m, Batch batch, long seed) {
    ReferenceForward ref = new ReferenceForward(seed);
    float[] out = new float[batch.count()];
    int size = batch.height() * batch.width() * 3;
    for (int i = 0; i < batch.count(); i++) {
      float[] x = new float[size];
      for (int j = 0; j < size; j++) {
        x[j] = (batch.pixels()[i * size + j] & 0xff) / 127.5f - 1;
      }
      out[i] = ref.run(m, new T(batch.height(), batch.width(), 3, x, false)).v()[0];
    }
    return out;
  }

  @Test
  void aLinearOutputIsALogitAndAThreeClassSoftmaxUsesTheChosenColumn() throws Exception {
    Model logit = new Model("logit", "Sequential", new long[] {-1, 8, 8, 3});
    logit.add("scale", "Rescaling", cfg("scale", 1 / 255.0));
    logit.add("gmp", "GlobalMaxPooling2D", cfg());
    logit.add("d", "Dense", cfg("units", 1, "activation", "linear", "use_bias", true));
    Batch batch = images(N, 8, 7);
    float[] z = reference(logit, batch, 1f, 0, 17);
    Path file = tmp.resolve("logit.keras");
    KerasFixture.writeKeras3(logit, file);
    KerasImport.Imported imported = KerasImport.read(file, new KerasImport.Options(null, null));
    assertThat(imported.spec().head().describe()).contains("logit", "sigmoid");
    float[] got = importAndScore(file, new KerasImport.Options(null, null), batch);
    for (int i = 0; i < N; i++) {
      assertThat(got[i]).isCloseTo((float) (1 / (1 + Math.exp(-z[i]))), within(2e-5f));
    }

    Model three = new Model("three", "Sequential", new long[] {-1, 8, 8, 3});
    three.add("scale", "Rescaling", cfg("scale", 1 / 255.0));
    three.add("gap", "GlobalAveragePooling2D", cfg());
    three.add("d", "Dense", cfg("units", 3, "activation", "softmax", "use_bias", true));
    float[] p2 = reference(three, batch, 1f, 2, 18);
    Path threeFile = tmp.resolve("three.keras");
    KerasFixture.writeKeras3(three, threeFile);
    assertThat(importAndScore(threeFile, new KerasImport.Options(null, 2), batch)).containsExactly(p2, within(2e-5f));
  }

  @Test
  void aModelWithoutRescalingNeedsTheInputScale() throws Exception {
    Path h5 = tmp.resolve("f.h5");
    Model m = functional();
    reference(m, images(1, 12, 5), 1f, 0, 15);
    KerasFixture.writeKeras2(m, h5, true);
    assertThatThrownBy(() -> KerasImport.read(h5, new KerasImport.Options(null, null)))
        .isInstanceOf(InputException.class).hasMessageContaining("--input-scale is required");
  }
}
