package pcam.interop;

import pcam.PrivateCacheDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import pcam.TestPatches;
import pcam.data.Batch;
import pcam.data.Resize;
import pcam.interop.KerasStyleFixture.Head;
import pcam.interop.KerasStyleFixture.Options;
import pcam.interop.SavedModelInspector.Report;
import pcam.interop.SavedModelInspector.Verdict;
import pcam.interop.ScoringSetup.Choices;
import pcam.model.InputScale;
import pcam.model.ModelMetadata.OutputKind;
import pcam.model.SavedModelScorer;
import pcam.model.ServingSpec;
import pcam.model.ServingSpec.Activation;
import pcam.util.InputException;

/**
 * SavedModels shaped like tf.keras 2.x {@code model.save()} exports (built in Java by {@link
 * KerasStyleFixture}): what the graph tells pcam, what needs a flag, and that pcam's own
 * preprocessing and activations give the same numbers as the same operations inside the graph.
 */
@pcam.Slow
class KerasSavedModelScoringTest {
  @TempDir static Path models;
  @TempDir Path cache;
  private static Batch patches;
  private PrivateCacheDir cacheDir;

  @BeforeAll
  static void patches() {
    patches = TestPatches.batch(TestPatches.synthetic(12, 5));
  }

  @BeforeEach
  void privateCache() {
    cacheDir = new PrivateCacheDir(cache);
  }

  @AfterEach
  void restoreCache() {
    cacheDir.close();
  }

  private static Path model(String name, Options options) {
    Path dir = models.resolve(name);
    return Files.isDirectory(dir) ? dir : KerasStyleFixture.create(dir, options);
  }

  private static ScoringSetup setup(Path dir, Choices choices) {
    return ScoringSetup.resolve(dir, SavedModelInspector.inspect(dir), choices);
  }

  private static Choices scale(InputScale scale) {
    return new Choices(scale, null, null, null);
  }

  private static float[] score(Path dir, ServingSpec spec) {
    try (SavedModelScorer scorer = SavedModelScorer.load(dir, spec, null)) {
      return scorer.predict(Resize.bilinear(patches, scorer.inputHeight(), scorer.inputWidth()));
    }
  }

  @Test
  void sigmoidNamedAfterTheLastLayerWithARescalingLayerNeedsNoFlags() {
    Path dir = model("sigmoid-rescaled", Options.sigmoid(64).baking(InputScale.UNIT));
    Report report = SavedModelInspector.inspect(dir);

    assertThat(report.verdict()).isEqualTo(Verdict.SCORABLE);
    assertThat(report.serving().output().key()).isEqualTo("dense_1");
    assertThat(report.serving().endsIn()).isEqualTo("Sigmoid");
    assertThat(report.serving().inputPreprocessing()).startsWith("x*0.003921569 (x/255, a Keras Rescaling layer) before Conv2D");
    ScoringSetup setup = ScoringSetup.resolve(dir, report, Choices.NONE);
    assertThat(setup.missing()).isEmpty();
    assertThat(setup.spec().scale()).isEqualTo(InputScale.RAW);
    assertThat(setup.spec().activation()).isEqualTo(Activation.NONE);
    assertThat(setup.spec().positiveClass()).isEqualTo(1);
    assertThat(setup.spec().height()).isEqualTo(64);
    assertThat(setup.lines()).anySatisfy(l -> assertThat(l).startsWith("scale   raw").contains("the graph rescales its input itself"));
    assertThat(setup.lines()).anySatisfy(l -> assertThat(l).contains("probabilities (the serving function ends in Sigmoid)"));
  }

  @Test
  void withoutRescalingInTheGraphPcamAsksForTheScaleInsteadOfGuessing() {
    Path dir = model("sigmoid-plain", Options.sigmoid(64));

    ScoringSetup setup = setup(dir, Choices.NONE);

    assertThat(setup.ready()).isFalse();
    assertThat(setup.missing()).singleElement().asString()
        .startsWith("--input-scale raw|unit|imagenet|caffe|tf: the graph does not rescale its input")
        .contains("straight into Conv2D");
    assertThatThrownBy(() -> setup.requireSpec(dir)).isInstanceOf(InputException.class).hasMessageContaining("needs --input-scale");
  }

  /** Feeding a model at a scale from outside gives what the same model with that scale baked in gives. */
  @ParameterizedTest
  @EnumSource(value = InputScale.class, names = {"UNIT", "TF", "IMAGENET", "CAFFE"})
  void pcamsPreprocessingEqualsTheSameScaleBakedIntoTheGraph(InputScale scale) {
    Path plain = model("sigmoid-plain", Options.sigmoid(64));
    Path baked = model("baked-" + scale, Options.sigmoid(64).baking(scale));

    float[] outside = score(plain, setup(plain, scale(scale)).spec());
    float[] inside = score(baked, setup(baked, scale(InputScale.RAW)).spec());

    assertThat(outside).hasSize(patches.count());
    for (int i = 0; i < outside.length; i++) {
      assertThat(outside[i]).as("patch %d", i).isCloseTo(inside[i], org.assertj.core.data.Offset.offset(2e-6f));
    }
    assertThat(outside).as("the scale matters").isNotEqualTo(score(plain, setup(plain, scale(InputScale.RAW)).spec()));
    // The graph's own scaling is recognised: pcam feeds raw pixels without being told.
    ScoringSetup unflagged = setup(baked, Choices.NONE);
    assertThat(unflagged.spec().scale()).isEqualTo(InputScale.RAW);
    assertThat(unflagged.lines()).anySatisfy(l -> assertThat(l).contains("the graph rescales its input itself: "
        + switch (scale) {
          case UNIT -> "x*0.003921569 (x/255, a Keras Rescaling layer) before Conv2D";
          case TF -> "x*0.007843137-1 (x/127.5-1) before Conv2D";
          case IMAGENET -> "per-channel normalisation (constants or stored statistics) before Conv2D";
          case CAFFE -> "RGB to BGR, then per-channel normalisation (constants or stored statistics) before Conv2D";
          default -> throw new IllegalStateException();
        }));
  }

  @Test
  void logitOutputsGetTheActivationTheGraphWouldHaveApplied() {
    Path logit1 = model("logit-1", Options.sigmoid(64).baking(InputScale.UNIT).withHead(Head.LOGIT, 1));
    Path sigmoid1 = model("sigmoid-rescaled", Options.sigmoid(64).baking(InputScale.UNIT));
    Path logit4 = model("logit-4", Options.sigmoid(64).baking(InputScale.UNIT).withHead(Head.LOGIT, 4));
    Path softmax4 = model("softmax-4", Options.sigmoid(64).baking(InputScale.UNIT).withHead(Head.SOFTMAX, 4));
    Choices class2 = new Choices(null, "2", null, null);

    ScoringSetup fromLogits = setup(logit1, Choices.NONE);
    assertThat(fromLogits.spec().activation()).isEqualTo(Activation.SIGMOID);
    assertThat(fromLogits.lines()).anySatisfy(l -> assertThat(l)
        .contains("logits (the serving function ends in BiasAdd, not Sigmoid/Softmax), pcam applies sigmoid"));
    assertClose(score(logit1, fromLogits.spec()), score(sigmoid1, setup(sigmoid1, Choices.NONE).spec()));

    ScoringSetup softmaxLogits = setup(logit4, class2);
    assertThat(softmaxLogits.spec().activation()).isEqualTo(Activation.SOFTMAX);
    assertClose(score(logit4, softmaxLogits.spec()), score(softmax4, setup(softmax4, class2).spec()));
  }

  /** Equal to float rounding (pcam computes the activation in double, TF in float). */
  private static void assertClose(float[] actual, float[] expected) {
    assertThat(actual).hasSize(expected.length);
    for (int i = 0; i < actual.length; i++) {
      assertThat(actual[i]).as("patch %d", i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-6f));
    }
  }

  @Test
  void anOutputThatIsNeitherClearlyProbabilityNorLogitNeedsOutputKind() {
    Path dir = model("clipped", Options.sigmoid(32).baking(InputScale.UNIT).withHead(Head.CLIPPED, 1));

    ScoringSetup setup = setup(dir, Choices.NONE);

    assertThat(setup.missing()).singleElement().asString().startsWith("--output-kind probability|logit: the output is computed by");
    assertThat(setup(dir, new Choices(null, null, null, OutputKind.PROBABILITY)).spec().activation()).isEqualTo(Activation.NONE);
  }

  @Test
  void manyClassesNeedThePositiveClassByIndexOrByNameFromTheLabelsFile() throws Exception {
    Path dir = model("softmax-5", Options.sigmoid(32).baking(InputScale.UNIT).withHead(Head.SOFTMAX, 5));
    Files.writeString(dir.resolveSibling("softmax-5.labels.txt"), "normal\nstroma\ntumour\nfat\ndebris\n");

    assertThat(setup(dir, Choices.NONE).missing()).singleElement().asString()
        .isEqualTo("--positive-class INDEX|NAME: dense_1 has 5 classes: 0 normal, 1 stroma, 2 tumour, 3 fat, 4 debris; which one is tumour?");
    assertThat(setup(dir, new Choices(null, "3", null, null)).spec().positiveClass()).isEqualTo(3);
    ScoringSetup byName = setup(dir, new Choices(null, "tumour", null, null));
    assertThat(byName.spec().positiveClass()).isEqualTo(2);
    assertThat(byName.lines()).contains("class   2 = tumour: column 2 (from --positive-class)");
    assertThatThrownBy(() -> setup(dir, new Choices(null, "5", null, null)))
        .isInstanceOf(InputException.class)
        .hasMessage("--positive-class 5 is out of range: dense_1 [?,5] has 5 classes (0..4): 0 normal, 1 stroma, 2 tumour, 3 fat, 4 debris");
    assertThatThrownBy(() -> setup(dir, new Choices(null, "lymph", null, null)))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("--positive-class 'lymph' is not a class name in ");

    Path other = Files.writeString(models.resolve("other-names.txt"), "a\nb\nc\nd\nlymph\n");
    assertThat(setup(dir, new Choices(null, "lymph", other, null)).spec().positiveClass()).isEqualTo(4);
  }

  @Test
  void choicesAreStoredBesideTheModelAndReusedWithoutFlags() throws Exception {
    Path dir = KerasStyleFixture.create(models.resolve("stored"), Options.sigmoid(32).withHead(Head.SOFTMAX, 3));

    ScoringSetup first = setup(dir, new Choices(InputScale.IMAGENET, "0", null, null));
    assertThat(first.remember(dir)).contains(dir.resolve("pcam-model.json"));
    ScoringSetup later = setup(dir, Choices.NONE);

    assertThat(later.spec()).isEqualTo(first.spec());
    assertThat(later.lines()).anySatisfy(l -> assertThat(l).startsWith("scale   imagenet").endsWith("stored in " + dir.resolve("pcam-model.json")));
    assertThat(later.remember(dir)).isEmpty();
    // A flag still wins over the stored choice, and is stored in turn.
    assertThat(setup(dir, new Choices(null, "2", null, null)).spec().positiveClass()).isEqualTo(2);
  }

  @Test
  void uint8InputsAreFedRawAndRefuseAnotherScale() {
    Path dir = model("uint8", Options.sigmoid(32).baking(InputScale.UNIT).asUint8());
    Path floatTwin = model("sigmoid-rescaled-32", Options.sigmoid(32).baking(InputScale.UNIT));

    ScoringSetup setup = setup(dir, Choices.NONE);

    assertThat(setup.spec().uint8Input()).isTrue();
    assertThat(score(dir, setup.spec())).containsExactly(score(floatTwin, setup(floatTwin, Choices.NONE).spec()));
    assertThat(score(dir, setup.spec())).doesNotHaveDuplicates();
    assertThatThrownBy(() -> setup(dir, scale(InputScale.UNIT)))
        .isInstanceOf(InputException.class).hasMessageContaining("input_1 is uint8");
  }

  @Test
  void twoImageInputsAreNotUsableAndSaySo() {
    Path dir = model("two-inputs", Options.sigmoid(32).withTwoImageInputs());

    Report report = SavedModelInspector.inspect(dir);

    assertThat(report.verdict()).isEqualTo(Verdict.NOT_USABLE);
    assertThat(report.reason()).isEqualTo(
        "serving_default takes 2 inputs [input_1, input_2] (2 of them images); pcam feeds one: an image batch float32 or uint8 [N,H,W,3]");
    assertThatThrownBy(() -> ScoringSetup.resolve(dir, report, Choices.NONE))
        .isInstanceOf(InputException.class).hasMessageContaining("pcam cannot score this SavedModel");
  }

  @Test
  void theContractStaysTheZeroConfigurationCase() {
    Path dir = ContractFixture.create(models.resolve("contract"), 48, ContractFixture.Variant.SCORE_ONLY);

    ScoringSetup setup = setup(dir, Choices.NONE);

    assertThat(setup.spec()).isEqualTo(
        new ServingSpec("images:0", false, 48, 48, "probability:0", 1, 1, Activation.NONE, InputScale.RAW));
    assertThat(setup.toStore()).isNull();
  }
}
