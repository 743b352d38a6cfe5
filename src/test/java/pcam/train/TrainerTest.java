package pcam.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.TestPatches;
import pcam.data.Augmentation;
import pcam.data.PatchSet;
import pcam.model.Architecture;
import pcam.model.CnnModel;
import pcam.model.Device;
import pcam.model.Initializer;
import pcam.model.ModelSpec;
import pcam.model.Optimizer;
import pcam.model.SavedModelScorer;
import pcam.model.TrainableModel;
import pcam.run.RunDirectory;
import pcam.util.InputException;
import pcam.util.Json;

@pcam.Slow
class TrainerTest {
  private static PatchSet train;
  private static PatchSet validation;
  private static final ModelSpec SPEC =
      new ModelSpec(Architecture.CNN3, 32, true, 0.25, 0.25, 0, 0, Initializer.GLOROT_UNIFORM, Optimizer.ADAM, 5);

  @BeforeAll
  static void data() {
    train = TestPatches.synthetic(96, 1);
    validation = TestPatches.synthetic(32, 2);
  }

  private static TrainingPlan plan(int epochs) {
    return new TrainingPlan(
        epochs, 16, 1e-3, LearningRateSchedule.Config.CONSTANT, new Augmentation(true, true, 0), 0, 3, 1);
  }

  @Test
  void writesTheRunDirectoryAndReturnsTheHistory(@TempDir Path run) throws Exception {
    TrainingResult result;
    try (CnnModel model = CnnModel.create(SPEC, Device.AUTO, 0)) {
      result = new Trainer(plan(2), run, TrainingListener.runOutputs(plan(2))).fit(model, train, validation, false);
    }
    assertThat(result.history()).hasSize(2);
    assertThat(result.history()).extracting(EpochRecord::epoch).containsExactly(1, 2);
    assertThat(result.stopReason()).isEqualTo("completed");
    assertThat(result.best().auc()).isEqualTo(result.history().stream().mapToDouble(EpochRecord::valAuc).max().orElseThrow());

    List<String> csv = Files.readAllLines(run.resolve("history.csv"));
    assertThat(csv.get(0)).isEqualTo("epoch,train_loss,train_accuracy,val_loss,val_accuracy,val_auc,lr,img_per_s");
    assertThat(csv).hasSize(3);
    assertThat(HistoryCsv.read(run.resolve("history.csv"))).isEqualTo(result.history());

    JsonNode metrics = Json.MAPPER.readTree(run.resolve("metrics.json").toFile());
    assertThat(metrics.get("auc").asDouble()).isEqualTo(result.best().auc());
    assertThat(metrics.get("n").asLong()).isEqualTo(32);
    assertThat(metrics.get("threshold").asDouble()).isEqualTo(0.5);
    JsonNode c = metrics.get("confusion");
    assertThat(c.get("tn").asLong() + c.get("fp").asLong() + c.get("fn").asLong() + c.get("tp").asLong()).isEqualTo(32);
    assertThat(metrics.get("accuracy").asDouble()).isEqualTo((c.get("tn").asDouble() + c.get("tp").asDouble()) / 32);
    assertThat(metrics.has("loss")).isTrue();

    assertThat(run.resolve("checkpoints/last/ckpt.index")).exists();
    assertThat(run.resolve("checkpoints/best/ckpt.index")).exists();
    assertThat(Files.readString(run.resolve("train.log"))).contains("epoch 1:").contains("epoch 2:");
    try (SavedModelScorer scorer = SavedModelScorer.load(run.resolve("model"))) {
      assertThat(scorer.predict(TestPatches.batch(validation))).hasSize(32);
    }
  }

  /**
   * With --ema the averages are what is validated, kept as best and exported; the last checkpoint
   * keeps the trained weights in place and the averages beside them, so a resume keeps both.
   */
  @Test
  void withEmaTheAveragesAreValidatedCheckpointedAndExported(@TempDir Path run) {
    ModelSpec spec = SPEC.withEma(0.99);
    TrainingResult result;
    try (CnnModel model = CnnModel.create(spec, Device.AUTO, 0)) {
      result = new Trainer(plan(2), run, TrainingListener.runOutputs(plan(2))).fit(model, train, validation, false);
    }
    pcam.data.Batch all = TestPatches.batch(validation);
    float[] labels = all.labels();
    try (CnnModel last = CnnModel.create(spec, Device.AUTO, 0)) {
      last.restoreCheckpoint(RunDirectory.at(run).lastCheckpoint());
      float trainedLoss = last.evaluate(all).loss();
      last.swapAveragedWeights();
      float averagedLoss = last.evaluate(all).loss();
      // The epoch's validation loss is the averages' (the synthetic set is easy: AUC alone cannot tell).
      double valLoss = result.history().get(1).valLoss();
      assertThat((double) averagedLoss).isCloseTo(valLoss, org.assertj.core.api.Assertions.within(1e-5 * valLoss));
      assertThat(Math.abs(trainedLoss - averagedLoss)).isGreaterThan(1e-4f * averagedLoss);
    }
    try (CnnModel best = CnnModel.create(spec, Device.AUTO, 0);
        SavedModelScorer exported = SavedModelScorer.load(run.resolve("model"))) {
      best.restoreCheckpoint(RunDirectory.at(run).bestCheckpoint());
      float[] p = best.predict(all);
      assertThat(pcam.eval.BinaryMetrics.auc(p, labels)).isEqualTo(result.best().auc());
      float[] e = exported.predict(all);
      for (int i = 0; i < p.length; i++) {
        assertThat(e[i]).isCloseTo(p[i], org.assertj.core.api.Assertions.within(1e-5f));
      }
    }
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "ema {0}")
  @org.junit.jupiter.params.provider.ValueSource(doubles = {0, 0.99})
  void anInterruptedRunResumedFromItsCheckpointEndsExactlyLikeAnUninterruptedOne(double ema, @TempDir Path dir) {
    ModelSpec spec = SPEC.withEma(ema); // with --ema the resumed run must keep the averages too
    TrainingResult straight;
    try (CnnModel model = CnnModel.create(spec, Device.AUTO, 0)) {
      straight = new Trainer(plan(2), dir.resolve("a"), TrainingListener.runOutputs(plan(2))).fit(model, train, validation, false);
    }
    Path run = dir.resolve("b");
    try (CnnModel model = CnnModel.create(spec, Device.AUTO, 0)) {
      Trainer[] trainer = new Trainer[1];
      TrainingListener stopMidEpoch2 =
          new TrainingListener() {
            @Override
            public void batchEnded(int epoch, int step, int images, TrainableModel.StepResult r, double running) {
              if (epoch == 2 && step == 3) {
                trainer[0].requestStop(); // what the Ctrl-C hook does
              }
            }
          };
      trainer[0] = new Trainer(plan(2), run, List.of(new CheckpointListener(), stopMidEpoch2));
      TrainingResult first = trainer[0].fit(model, train, validation, false);
      assertThat(first.interrupted()).isTrue();
      assertThat(first.history()).hasSize(1);
      assertThat(run.resolve("model")).doesNotExist();
    }
    TrainingResult resumed;
    try (CnnModel model = CnnModel.create(spec, Device.AUTO, 0)) {
      resumed = new Trainer(plan(2), run, TrainingListener.runOutputs(plan(2))).fit(model, train, validation, true);
    }
    assertThat(resumed.history()).hasSize(2);
    for (int i = 0; i < 2; i++) {
      EpochRecord a = straight.history().get(i);
      EpochRecord b = resumed.history().get(i);
      assertThat(b.trainLoss()).isEqualTo(a.trainLoss());
      assertThat(b.valLoss()).isEqualTo(a.valLoss());
      assertThat(b.valAuc()).isEqualTo(a.valAuc());
    }
    assertThat(resumed.best()).isEqualTo(straight.best());
  }

  @Test
  void withoutListenersTheLoopLeavesOnlyItsHistoryAndLog(@TempDir Path run) throws Exception {
    TrainingResult result;
    try (CnnModel model = CnnModel.create(SPEC, Device.AUTO, 0)) {
      result = new Trainer(plan(1), run, List.of()).fit(model, train, validation, false);
    }
    assertThat(result.best().epoch()).isEqualTo(1);
    try (java.util.stream.Stream<Path> files = Files.list(run)) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("history.csv", "train.log");
    }
  }

  /**
   * history.csv gets an epoch's row before any listener (the checkpoint first among them) sees the
   * epoch end, so a crash between the row and the last checkpoint only redoes that epoch.
   */
  @Test
  void anEpochsHistoryRowIsWrittenBeforeTheListenersHearOfIt(@TempDir Path run) {
    List<Integer> rowsSeen = new java.util.ArrayList<>();
    TrainingListener probe = new TrainingListener() {
      @Override
      public void epochEnded(EpochRecord record, boolean best) {
        rowsSeen.add(HistoryCsv.read(RunDirectory.at(run).history()).size());
      }
    };
    try (CnnModel model = CnnModel.create(SPEC, Device.AUTO, 0)) {
      new Trainer(plan(2), run, List.of(probe, new CheckpointListener())).fit(model, train, validation, false);
    }
    assertThat(rowsSeen).containsExactly(1, 2);
  }

  /**
   * The checkpoints are a listener's: the best one holds the best epoch's metrics.json, the last
   * one where the run ended, and a resume with nothing left to train returns that same best.
   */
  @Test
  void theCheckpointListenerKeepsTheBestAndLastCheckpointsAResumeContinuesFrom(@TempDir Path run) {
    TrainingResult result;
    try (CnnModel model = CnnModel.create(SPEC, Device.AUTO, 0)) {
      result = new Trainer(plan(2), run, List.of(new CheckpointListener())).fit(model, train, validation, false);
    }
    RunDirectory dir = RunDirectory.at(run);
    assertThat(pcam.eval.EvaluationMetrics.read(dir.bestCheckpoint().resolve(RunDirectory.METRICS))).isEqualTo(result.best());
    assertThat(Json.read(dir.lastCheckpoint().resolve(RunDirectory.STATE), Trainer.State.class)).isEqualTo(Trainer.State.startOf(2));
    assertThat(dir.model()).doesNotExist();
    assertThat(dir.metrics()).doesNotExist();
    try (CnnModel model = CnnModel.create(SPEC, Device.AUTO, 0)) {
      TrainingResult resumed = new Trainer(plan(2), run, List.of(new CheckpointListener())).fit(model, train, validation, true);
      assertThat(resumed.history()).isEqualTo(result.history());
      assertThat(resumed.best()).isEqualTo(result.best());
    }
  }

  @Test
  void earlyStoppingEndsTheRunAfterPatienceEpochsWithoutABetterAuc(@TempDir Path run) {
    // A negligible lr: the model does not change, so epoch 1 stays the best and patience 1 stops after epoch 2.
    TrainingPlan frozen =
        new TrainingPlan(5, 16, 1e-30, LearningRateSchedule.Config.CONSTANT, Augmentation.NONE, 1, 3, 1);
    try (CnnModel model = CnnModel.create(SPEC, Device.AUTO, 0)) {
      TrainingResult result = new Trainer(frozen, run, TrainingListener.runOutputs(frozen)).fit(model, train, validation, false);
      assertThat(result.history()).hasSize(2);
      assertThat(result.stopReason()).startsWith("early stop");
      assertThat(result.best().epoch()).isEqualTo(1);
    }
  }

  /** A real model whose optimizer step number {@code poisonStep} (1-based, over the run) is fed a NaN rate, so its weights go NaN. */
  private record Poisoned(CnnModel model, int poisonStep, int[] steps) implements TrainableModel {
    Poisoned(CnnModel model, int poisonStep) {
      this(model, poisonStep, new int[1]);
    }

    @Override
    public StepResult trainStep(pcam.data.Batch batch, float learningRate) {
      return model.trainStep(batch, ++steps[0] == poisonStep ? Float.NaN : learningRate);
    }

    @Override
    public EvalResult evaluate(pcam.data.Batch batch) {
      return model.evaluate(batch);
    }

    @Override
    public void saveCheckpoint(Path dir) {
      model.saveCheckpoint(dir);
    }

    @Override
    public void restoreCheckpoint(Path dir) {
      model.restoreCheckpoint(dir);
    }

    @Override
    public void exportSavedModel(Path dir) {
      model.exportSavedModel(dir);
    }

    @Override
    public int inputHeight() {
      return model.inputHeight();
    }

    @Override
    public int inputWidth() {
      return model.inputWidth();
    }

    @Override
    public float[] predict(pcam.data.Batch batch) {
      return model.predict(batch);
    }

    @Override
    public void close() {}
  }

  @Test
  void aLossThatGoesNaNStopsTheRunAtThatStepKeepingTheLastFiniteCheckpointAndExportingNothing(@TempDir Path run) throws Exception {
    // 96 patches in batches of 16: 6 steps an epoch. Step 9 overall (epoch 2, step 3) poisons the
    // weights, so the loss of step 10 (epoch 2, step 4) is the first NaN.
    try (CnnModel cnn = CnnModel.create(SPEC, Device.AUTO, 0)) {
      Trainer trainer = new Trainer(plan(3), run, TrainingListener.runOutputs(plan(3)));
      assertThatThrownBy(() -> trainer.fit(new Poisoned(cnn, 9), train, validation, false))
          .isInstanceOf(TrainingDivergedException.class)
          .hasMessageStartingWith("training diverged: the loss is NaN at epoch 2, step 4 of 6")
          .hasMessageContaining("lower --lr")
          .hasMessageContaining("last finite checkpoint is kept in " + run.resolve("checkpoints").resolve("last"))
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
    RunDirectory dir = RunDirectory.at(run);
    assertThat(Files.readString(dir.log())).contains("ERROR Trainer - training diverged: the loss is NaN at epoch 2, step 4 of 6");
    assertThat(dir.model()).doesNotExist();
    assertThat(dir.metrics()).doesNotExist();
    assertThat(HistoryCsv.read(dir.history())).extracting(EpochRecord::epoch).containsExactly(1);
    assertThat(Json.read(dir.lastCheckpoint().resolve(RunDirectory.STATE), Trainer.State.class).epoch()).isEqualTo(1);
    assertThat(pcam.eval.EvaluationMetrics.read(dir.bestCheckpoint().resolve(RunDirectory.METRICS)).epoch()).isEqualTo(1);
    // The kept checkpoint holds finite weights.
    try (CnnModel restored = CnnModel.create(SPEC, Device.AUTO, 0)) {
      restored.restoreCheckpoint(dir.lastCheckpoint());
      for (float p : restored.predict(TestPatches.batch(validation))) {
        assertThat(p).isBetween(0f, 1f);
      }
    }
  }

  @Test
  void aLossThatGoesNaNBeforeAnyCheckpointSaysSo(@TempDir Path run) {
    try (CnnModel cnn = CnnModel.create(SPEC, Device.AUTO, 0)) {
      assertThatThrownBy(() -> new Trainer(plan(1), run, TrainingListener.runOutputs(plan(1))).fit(new Poisoned(cnn, 1), train, validation, false))
          .hasMessageStartingWith("training diverged: the loss is NaN at epoch 1, step 2 of 6")
          .hasMessageEndingWith("No checkpoint had been saved yet.");
    }
    assertThat(run.resolve("checkpoints")).doesNotExist();
  }

  @Test
  void aValidationSetWithoutBothClassesIsRejected(@TempDir Path run) {
    PatchSet onlyNegatives = validation.select(new int[] {0, 2, 4});
    try (CnnModel model = CnnModel.create(SPEC, Device.AUTO, 0)) {
      assertThatThrownBy(() -> new Trainer(plan(1), run, TrainingListener.runOutputs(plan(1))).fit(model, train, onlyNegatives, false))
          .isInstanceOf(InputException.class)
          .hasMessageContaining("validation");
    }
  }
}
