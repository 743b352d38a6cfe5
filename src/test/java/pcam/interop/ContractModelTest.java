package pcam.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.slf4j.LoggerFactory;
import pcam.SharedData;
import pcam.TestPatches;
import pcam.data.Augmentation;
import pcam.data.Batch;
import pcam.data.BatchLoader;
import pcam.data.PatchSet;
import pcam.data.Resize;
import pcam.eval.BinaryMetrics;
import pcam.model.SavedModelScorer;
import pcam.model.TrainableModel.StepResult;
import pcam.util.InputException;

class ContractModelTest {
  private static final Logger log = LoggerFactory.getLogger(ContractModelTest.class);

  @TempDir static Path tmp;
  static Path fixture;

  @BeforeAll
  static void exportFixture() {
    fixture = ContractFixture.create(tmp.resolve("fixture"), 96);
  }

  private static float[] predictAll(ContractModel model, PatchSet set) {
    float[] out = new float[set.size()];
    for (int from = 0; from < set.size(); from += 100) {
      int to = Math.min(set.size(), from + 100);
      System.arraycopy(model.predict(TestPatches.batch(set, from, to)), 0, out, from, to - from);
    }
    return out;
  }

  private static float[] labels(PatchSet set) {
    float[] labels = new float[set.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = set.label(i);
    }
    return labels;
  }

  @Test
  void fineTuningOnRealPatchesLowersTrainingLossAndRaisesValidationAuc() {
    PatchSet train = TestPatches.realSample(0, 600);
    PatchSet validation = TestPatches.realSample(600, 300);
    try (ContractModel model = ContractModel.load(fixture)) {
      double lossBefore = BinaryMetrics.logLoss(predictAll(model, train), labels(train));
      double aucBefore = BinaryMetrics.auc(predictAll(model, validation), labels(validation));

      for (int epoch = 0; epoch < 8; epoch++) {
        try (BatchLoader batches = new BatchLoader(train, 32, true, Augmentation.NONE, epoch, 1, 2)) {
          while (batches.hasNext()) {
            StepResult step = model.trainStep(batches.next(), 3e-3f);
            assertThat(step.loss()).isFinite();
            assertThat(step.accuracy()).isBetween(0f, 1f);
          }
        }
      }

      double lossAfter = BinaryMetrics.logLoss(predictAll(model, train), labels(train));
      double aucAfter = BinaryMetrics.auc(predictAll(model, validation), labels(validation));
      log.info("fixture fine-tuning: train loss {} -> {}, validation AUC {} -> {}", lossBefore, lossAfter, aucBefore, aucAfter);
      assertThat(lossAfter).isLessThan(lossBefore - 0.05);
      assertThat(aucAfter).isGreaterThan(aucBefore + 0.05).isGreaterThan(0.7);
    }
  }

  @Test
  void trainStepLossMatchesTheJavaSideLossOfTheSameBatchAndZeroRateChangesNothing() {
    PatchSet set = TestPatches.realSample(0, 64);
    Batch batch = TestPatches.batch(set, 0, 64);
    try (ContractModel model = ContractModel.load(fixture)) {
      var evaluated = model.evaluate(batch);
      StepResult step = model.trainStep(batch, 0f);

      assertThat(step.loss()).isCloseTo(evaluated.loss(), within(1e-4f));
      float javaAccuracy = (float) BinaryMetrics.confusion(evaluated.probabilities(), batch.labels(), 0.5).accuracy();
      assertThat(step.accuracy()).isCloseTo(javaAccuracy, within(1e-6f));
      assertThat(model.predict(batch)).containsExactly(evaluated.probabilities());
    }
  }

  @Test
  void checkpointRestoresWeightsAndOptimizerStateIntoTheSameAndAFreshModel() {
    PatchSet set = TestPatches.realSample(0, 96);
    Batch first = TestPatches.batch(set, 0, 32);
    Batch second = TestPatches.batch(set, 32, 64);
    Batch probe = TestPatches.batch(set, 64, 96);
    Path checkpoint = tmp.resolve("checkpoint");
    try (ContractModel model = ContractModel.load(fixture)) {
      model.trainStep(first, 1e-2f);
      model.trainStep(second, 1e-2f);
      model.saveCheckpoint(checkpoint);
      float[] saved = model.predict(probe);
      StepResult next = model.trainStep(first, 1e-2f);
      float[] afterNext = model.predict(probe);
      assertThat(afterNext).isNotEqualTo(saved);

      model.restoreCheckpoint(checkpoint);
      assertThat(model.predict(probe)).containsExactly(saved);

      try (ContractModel fresh = ContractModel.load(fixture)) {
        assertThat(fresh.predict(probe)).isNotEqualTo(saved);
        fresh.restoreCheckpoint(checkpoint);
        assertThat(fresh.predict(probe)).containsExactly(saved);
        // Same next step as the original run: Adam's moments and step count came back too.
        StepResult replayed = fresh.trainStep(first, 1e-2f);
        assertThat(replayed.loss()).isEqualTo(next.loss());
        assertThat(fresh.predict(probe)).containsExactly(afterNext);
      }
    }
    assertThatThrownBy(() -> {
          try (ContractModel model = ContractModel.load(fixture)) {
            model.restoreCheckpoint(tmp.resolve("no-checkpoint"));
          }
        })
        .isInstanceOf(InputException.class).hasMessageContaining("not a checkpoint");
  }

  @Test
  void exportedFineTunedModelScoresIdenticallyThroughSavedModelScorerAndStaysFineTunable() throws Exception {
    PatchSet set = TestPatches.realSample(0, 64);
    Batch batch = TestPatches.batch(set, 0, 64);
    Path source = ContractFixture.create(tmp.resolve("with-assets"), 96);
    Files.writeString(Files.createDirectories(source.resolve("assets")).resolve("classes.txt"), "no tumour\ntumour\n");
    Path exported = tmp.resolve("runs/model");
    float[] tuned;
    try (ContractModel model = ContractModel.load(source)) {
      float[] original = model.predict(batch);
      model.trainStep(batch, 1e-2f);
      tuned = model.predict(batch);
      assertThat(tuned).isNotEqualTo(original);
      model.exportSavedModel(exported);
    }
    try (SavedModelScorer scorer = SavedModelScorer.load(exported)) {
      assertThat(scorer.predict(batch)).containsExactly(tuned);
    }
    assertThat(SavedModelInspector.inspect(exported).verdict()).isEqualTo(SavedModelInspector.Verdict.FINE_TUNABLE);
    assertThat(exported.resolve("assets/classes.txt")).hasContent("no tumour\ntumour\n");
    assertThat(exported.resolve("saved_model.pb")).hasSameBinaryContentAs(source.resolve("saved_model.pb"));
    try (var siblings = Files.list(exported.getParent())) {
      assertThat(siblings).containsExactly(exported);
    }
  }

  @Test
  void pythonWrittenTf2SavedModelExportsThroughItsOwnSaverWithChangedVariables() {
    Path source = SharedData.savedModels().resolve("half-plus-two-tf2.14");
    Path exported = tmp.resolve("half-plus-two-copy");
    try (SavedModelBundle bundle = SavedModelBundle.load(source.toString(), "serve")) {
      assertThat(halfPlusTwo(bundle, 4f)).isEqualTo(4f); // y = a*x + b with a = 0.5, b = 2
      Ops tf = Ops.create(bundle.graph());
      Op setA = tf.assignVariableOp(bundle.graph().operation("a").output(0), tf.constant(3f));
      bundle.session().runner().addTarget(setA).run();
      assertThat(halfPlusTwo(bundle, 4f)).isEqualTo(14f);

      ContractModel.exportWithCurrentVariables(bundle.session(), source, exported);
    }
    try (SavedModelBundle reloaded = SavedModelBundle.load(exported.toString(), "serve")) {
      assertThat(halfPlusTwo(reloaded, 4f)).isEqualTo(14f);
    }
    assertThat(exported.resolve("assets/foo.txt")).exists();
    assertThat(exported.resolve("fingerprint.pb")).doesNotExist();
  }

  private static float halfPlusTwo(SavedModelBundle bundle, float x) {
    try (TFloat32 input = TFloat32.vectorOf(x);
        Result result = bundle.function("serving_default").call(Map.of("x", input))) {
      return ((TFloat32) result.get("y").orElseThrow()).getFloat(0);
    }
  }

  @Test
  void modelWithSmallerInputGetsBilinearlyResizedBatches() {
    Path small = ContractFixture.create(tmp.resolve("fixture-64"), 64);
    PatchSet set = TestPatches.realSample(0, 16);
    Batch batch = TestPatches.batch(set, 0, 16);
    try (ContractModel model = ContractModel.load(small);
        SavedModelScorer scorer = SavedModelScorer.load(small)) {
      assertThat(model.inputHeight()).isEqualTo(64);
      assertThat(model.predict(batch)).containsExactly(scorer.predict(Resize.bilinear(batch, 64, 64)));
      assertThat(model.trainStep(batch, 1e-3f).loss()).isFinite();
    }
  }

  @Test
  void modelsWithoutTheFineTuningContractAreRefusedNamingWhatIsMissing() {
    Path noRate = ContractFixture.create(tmp.resolve("no-lr"), 96, ContractFixture.Variant.NO_LEARNING_RATE);
    assertThatThrownBy(() -> ContractModel.load(noRate))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("cannot fine-tune this SavedModel (scorable)")
        .hasMessageContaining("train_step lacks learning_rate");

    Path scoreOnly = ContractFixture.create(tmp.resolve("score-only"), 96, ContractFixture.Variant.SCORE_ONLY);
    assertThatThrownBy(() -> ContractModel.load(scoreOnly))
        .isInstanceOf(InputException.class).hasMessageContaining("no train_step signature");

    Path halfPlusTwo = SharedData.savedModels().resolve("half-plus-two-tf2.14");
    assertThatThrownBy(() -> ContractModel.load(halfPlusTwo))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("(not usable)")
        .hasMessageContaining("serving_default input 'x' is float32 [1]; pcam feeds an image batch");
  }
}
