package pcam.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.SharedData;
import pcam.data.Augmentation;
import pcam.data.Batch;
import pcam.data.DataSpec;
import pcam.data.BatchLoader;
import pcam.data.BatchOptions;
import pcam.data.Datasets;
import pcam.data.PatchSet;
import pcam.eval.BinaryMetrics;
import pcam.interop.ContractFixture;
import pcam.interop.ContractModel;
import pcam.interop.keras.KerasImport;
import pcam.model.InputScale;
import pcam.model.KerasModel;
import pcam.model.KerasSpec;
import pcam.model.ModelSource;
import pcam.model.Optimizer;
import pcam.model.Precision;
import pcam.train.LearningRateSchedule;
import pcam.train.RunConfig;
import pcam.interop.SavedModelInspector;
import pcam.model.SavedModelScorer;
import pcam.model.ScoringModel;
import pcam.util.Json;
import org.tensorflow.proto.DataType;

@pcam.Slow
class FinetuneCommandTest {
  @TempDir Path tmp;

  /** Scores every patch of {@code set} in order. */
  private static float[] score(ScoringModel model, PatchSet set) {
    float[] scores = new float[set.size()];
    int at = 0;
    try (BatchLoader batches = set.batches(BatchOptions.inOrder(100, 1, 2))) {
      while (batches.hasNext()) {
        Batch batch = batches.next();
        System.arraycopy(model.predict(batch), 0, scores, at, batch.count());
        at += batch.count();
      }
    }
    return scores;
  }

  private static float[] labels(PatchSet set) {
    float[] labels = new float[set.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = set.label(i);
    }
    return labels;
  }

  @Test
  void finetunesTheContractFixtureIntoARunDirectoryWhoseModelCarriesTheBestWeights() throws Exception {
    Path data = SharedData.pcamSample();
    Path fixture = ContractFixture.create(tmp.resolve("fixture"), 64);
    Path runDir = tmp.resolve("runs/fixture");

    CliRun run = CliRun.run("finetune", "--savedmodel", fixture.toString(), "--data", data.toString(), "--out", runDir.toString(),
        "--limit", "800", "--val-fraction", "0.25", "--epochs", "3", "--batch-size", "32", "--lr", "3e-3", "--seed", "7");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
    assertThat(run.out()).contains("best epoch").contains("model: " + runDir.resolve("model"));
    assertThat(runDir.resolve("train.log")).exists();
    assertThat(Files.readAllLines(runDir.resolve("history.csv"))).hasSize(1 + 3);
    assertThat(runDir.resolve("checkpoints/last/variables.index")).exists();
    RunConfig config = RunConfig.load(runDir);
    assertThat(config.savedModel()).isEqualTo(fixture.toAbsolutePath().normalize());
    assertThat(config.lr()).isEqualTo(3e-3);

    // model/ is the fixture with the best epoch's weights: scorable, still fine-tunable, and it
    // reproduces metrics.json on the same validation split, scored from scratch.
    Path model = runDir.resolve("model");
    assertThat(SavedModelInspector.inspect(model).verdict()).isEqualTo(SavedModelInspector.Verdict.FINE_TUNABLE);
    JsonNode metrics = Json.MAPPER.readTree(runDir.resolve("metrics.json").toFile());
    PatchSet validation = Datasets.loadSplit(config.data()).validation();
    float[] scores;
    try (SavedModelScorer scorer = SavedModelScorer.load(model)) {
      try (ContractModel bestCheckpoint = ContractModel.load(fixture)) {
        bestCheckpoint.restoreCheckpoint(pcam.run.RunDirectory.at(runDir).bestCheckpoint());
        scores = score(bestCheckpoint, validation);
      }
      float[] exported = score(new ResizingScorer(scorer), validation);
      assertThat(exported).containsExactly(scores);
    }
    assertThat(metrics.get("n").asLong()).isEqualTo(validation.size());
    assertThat(metrics.get("auc").asDouble()).isCloseTo(BinaryMetrics.auc(scores, labels(validation)), within(1e-9));
    assertThat(metrics.get("auc").asDouble()).isGreaterThan(0.6);
    try (ContractModel untouched = ContractModel.load(fixture)) {
      assertThat(score(untouched, validation)).isNotEqualTo(scores);
    }
  }

  /**
   * An import-keras model fine-tunes in bf16 end to end: config.json records it, a resumed run keeps
   * it, and model/ is a float32 graph that scores as a float32 rebuild of its own weights does.
   */
  @Test
  void anImportedKerasModelFinetunesInBf16AndExportsAFloat32Model() throws Exception {
    assumeTrue(Precision.nativeBf16(), "no native bfloat16 on this CPU");
    Path data = SharedData.pcamSample();
    Path imported = tmp.resolve("tg");
    KerasImport.run(SharedData.root().resolve("keras-h5/tgrytnes-pcam-simple.h5"), imported, new KerasImport.Options(InputScale.IMAGENET, null), null);
    Path runDir = tmp.resolve("runs/tg-bf16");

    CliRun run = CliRun.run("finetune", "--savedmodel", imported.toString(), "--data", data.toString(), "--out", runDir.toString(),
        "--limit", "200", "--val-fraction", "0.25", "--epochs", "1", "--batch-size", "32", "--lr", "1e-3", "--threads", "1",
        "--device", "cpu", "--precision", "bf16");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
    assertThat(RunConfig.load(runDir).precision()).isEqualTo(Precision.BF16);
    assertThat(Json.MAPPER.readTree(runDir.resolve("config.json").toFile()).path("precision").asText()).isEqualTo("BF16");
    // The pretrained model (AUC > 0.85 in float32, ImportKerasCommandTest) still separates the classes after a bf16 epoch.
    assertThat(Json.MAPPER.readTree(runDir.resolve("metrics.json").toFile()).path("auc").asDouble()).isGreaterThan(0.8);
    Path model = runDir.resolve("model");
    Batch batch = pcam.TestPatches.batch(pcam.TestPatches.realSample(32));
    KerasSpec spec = KerasSpec.load(model);
    try (SavedModelScorer scorer = SavedModelScorer.load(model);
        KerasModel float32 = KerasModel.create(spec, KerasModel.readWeights(model, spec), null, Precision.FLOAT32, null);
        KerasModel original = KerasModel.create(spec, KerasModel.readWeights(imported, spec), null, Precision.FLOAT32, null)) {
      List<DataType> types = new ArrayList<>();
      scorer.bundle().graph().operations().forEachRemaining(op -> {
        for (int i = 0; i < op.numOutputs(); i++) {
          types.add(op.output(i).dataType());
        }
      });
      assertThat(types).contains(DataType.DT_FLOAT).doesNotContain(DataType.DT_BFLOAT16);
      float[] scores = scorer.predict(batch);
      assertThat(scores).containsExactly(float32.predict(batch), within(1e-5f));
      assertThat(scores).as("fine-tuning changed the weights").isNotEqualTo(original.predict(batch));
    }

    // What a kill during the epoch leaves (config.json, pcam's marker): --resume trains again, in bf16.
    CliRun.leaveAsKilled(runDir);
    List<String> logged = CliRun.logLines(() -> {
      CliRun resumed = CliRun.run("finetune", "--resume", runDir.toString());
      assertThat(resumed.exitCode()).as(resumed.err()).isZero();
    });
    assertThat(logged).contains("precision: bf16 (oneDNN bfloat16 convolutions and matmuls; float32 weights and optimizer)");
    assertThat(runDir.resolve("model/saved_model.pb")).exists();
  }

  /**
   * A contract SavedModel's train_step was written in Python, so pcam cannot pad its convolutions:
   * bf16 is refused, as a new run's option and in a (hand-edited) config.json, before any data is read.
   */
  @Test
  void aContractSavedModelIsRefusedInBf16() {
    assumeTrue(Precision.nativeBf16(), "no native bfloat16 on this CPU");
    Path fixture = ContractFixture.create(tmp.resolve("fixture"), 64);
    Path data = SharedData.pcamSample();
    String refusal = "pcam: precision bf16 fine-tunes only models imported with 'pcam import-keras', and " + fixture
        + " is not one: a contract SavedModel trains through its own Python-written train_step";

    Path newRun = tmp.resolve("runs/new-bf16");
    CliRun run = CliRun.run("finetune", "--savedmodel", fixture.toString(), "--data", data.toString(), "--out", newRun.toString(),
        "--device", "cpu", "--precision", "bf16");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run.err()).startsWith(refusal).contains("use --precision float32").hasLineCount(1);
    assertThat(newRun.resolve("config.json")).doesNotExist();

    Path runDir = tmp.resolve("runs/bf16");
    DataSpec spec = new DataSpec(data.resolve("train_labels.csv"), data.resolve("train"), 100, null, 0.25, 1, 10, 245, false, false, false);
    RunConfig.of(new ModelSource.SavedModel(fixture, Optimizer.ADAM, null, null, 1), 1, 16, 1e-3, LearningRateSchedule.Config.CONSTANT,
        Augmentation.FLIPS, 0, 1, "cpu", Precision.BF16, spec).save(runDir);
    CliRun resumed = CliRun.run("finetune", "--resume", runDir.toString());
    assertThat(resumed.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(resumed.err()).startsWith(refusal);
    assertThat(runDir.resolve("history.csv")).doesNotExist();
  }

  @Test
  void aSavedModelWithoutTheFineTuningContractExitsWithTwoNamingWhatIsMissingBeforeReadingData() {
    Path noRate = ContractFixture.create(tmp.resolve("no-lr"), 96, ContractFixture.Variant.NO_LEARNING_RATE);
    Path runDir = tmp.resolve("runs/no-lr");

    CliRun run = CliRun.run("finetune", "--savedmodel", noRate.toString(), "--data", tmp.resolve("no-data").toString(), "--out", runDir.toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run.err()).startsWith("pcam: " + noRate + ": cannot fine-tune this SavedModel (scorable): "
        + "serving_default matches the contract; not fine-tunable: train_step lacks learning_rate");
    assertThat(runDir.resolve("config.json")).doesNotExist();

    CliRun python = CliRun.run("finetune", "--savedmodel", SharedData.savedModels().resolve("python-tf2.4-module").toString(),
        "--data", tmp.toString(), "--out", runDir.toString());
    assertThat(python.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(python.err()).contains("(not usable): no serving_default signature");
  }

  @Test
  void missingRequiredOptionsAndBadValuesAreUsageErrors() {
    CliRun missing = CliRun.run("finetune", "--data", tmp.toString(), "--out", tmp.resolve("r").toString());
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(missing.err()).contains("--savedmodel DIR is required");

    CliRun badRate = CliRun.run("finetune", "--savedmodel", tmp.resolve("model").toString(), "--data", tmp.resolve("data").toString(),
        "--out", tmp.resolve("r").toString(),
        "--lr", "-1");
    assertThat(badRate.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(badRate.err()).contains("--lr must be a positive number");
  }

  /** SavedModelScorer takes batches at its input size; the fixture here is 64x64. */
  private record ResizingScorer(SavedModelScorer scorer) implements ScoringModel {
    @Override
    public int inputHeight() {
      return scorer.inputHeight();
    }

    @Override
    public int inputWidth() {
      return scorer.inputWidth();
    }

    @Override
    public float[] predict(Batch batch) {
      return scorer.predict(pcam.data.Resize.bilinear(batch, inputHeight(), inputWidth()));
    }

    @Override
    public void close() {}
  }
}
