package pcam.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.data.Augmentation;
import pcam.data.DataSpec;
import pcam.model.Architecture;
import pcam.model.Head;
import pcam.model.Initializer;
import pcam.model.ModelSource;
import pcam.model.ModelSpec;
import pcam.model.Optimizer;
import pcam.model.Precision;
import pcam.run.RunDirectory;
import pcam.util.Json;

class RunConfigTest {
  private static final DataSpec DATA =
      new DataSpec(Path.of("/d/train_labels.csv"), Path.of("/d/train"), 10_000, null, 0.2, 1234, 10, 245, true, false, true);
  private static final LearningRateSchedule.Config PLATEAU = new LearningRateSchedule.Config(LearningRateSchedule.Kind.PLATEAU, 3, 0.2, 4, 1e-6);

  /** The data part of config.json as runs written before HDF5 support saved it (labelsCsv, imagesDir). */
  private static final String OLD_DATA =
      """
      "data":{"labelsCsv":"/d/train_labels.csv","imagesDir":"/d/train","limit":null,"sample":null,"valFraction":0.1,
              "seed":42,"darkThreshold":10,"brightThreshold":245,"skipMissing":false,"skipBad":false,"cache":true}""";

  private static final String OLD_SCHEDULE =
      """
      "lrSchedule":{"kind":"PLATEAU","stepEvery":5,"factor":0.5,"patience":2,"minRate":0.0}""";

  private static List<String> keys(Path run) throws java.io.IOException {
    List<String> keys = new ArrayList<>();
    Json.MAPPER.readTree(RunDirectory.at(run).config().toFile()).fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  @Test
  void aCnnRunsConfigReadsBackIdenticalInTrainsLayout(@TempDir Path run) throws Exception {
    ModelSpec spec = new ModelSpec(Architecture.CNN9, 72, false, 0.1, 0.4, 1e-3, 2e-3, Initializer.LECUN_NORMAL, Optimizer.RMSPROP, 1234, 0.99)
        .withHead(Head.GAP).withBatchNorm(true);
    RunConfig config = RunConfig.of(new ModelSource.Cnn(spec), 7, 32, 5e-4, PLATEAU, new Augmentation(true, false, 40), 3, 2, "cpu", Precision.FLOAT32, DATA);
    config.save(run);
    assertThat(RunConfig.load(run)).isEqualTo(config);
    assertThat(RunConfig.load(run).source()).isEqualTo(new ModelSource.Cnn(spec));
    assertThat(config.plan(2)).isEqualTo(new TrainingPlan(7, 32, 5e-4, PLATEAU, new Augmentation(true, false, 40), 3, 1234, 2));
    // The keys (and their order) train always wrote; nothing of fine-tuning's.
    assertThat(keys(run)).containsExactly("model", "crop", "epochs", "batchSize", "optimizer", "lr", "lrSchedule", "dropout",
        "convDropout", "denseDropout", "l1", "l2", "init", "augmentation", "earlyStopPatience", "threads", "device", "seed", "data", "ema",
        "head", "batchNorm");

    // A run folder written before HDF5 support named the data paths labelsCsv and imagesDir: it still resumes.
    Path file = RunDirectory.at(run).config();
    String old = Files.readString(file).replace("\"labels\"", "\"labelsCsv\"").replace("\"images\"", "\"imagesDir\"");
    assertThat(old).contains("\"labelsCsv\"").contains("\"imagesDir\"").doesNotContain("\"labels\" :");
    Files.writeString(file, old);
    assertThat(RunConfig.load(run)).isEqualTo(config);
  }

  /** A float32 run writes no precision (its config.json is as before); a bf16 run writes it and reads it back. */
  @Test
  void aBf16RunsPrecisionIsWrittenAndReadBack(@TempDir Path run) throws Exception {
    ModelSource.Cnn source = new ModelSource.Cnn(ModelSpec.defaults(Architecture.CNN3, 42));
    RunConfig float32 = RunConfig.of(source, 7, 32, 1e-3, PLATEAU, Augmentation.FLIPS, 0, 1, "cpu", Precision.FLOAT32, DATA);
    assertThat(float32.precision()).isNull();
    assertThat(float32.precisionOrDefault()).isEqualTo(Precision.FLOAT32);

    RunConfig bf16 = RunConfig.of(source, 7, 32, 1e-3, PLATEAU, Augmentation.FLIPS, 0, 1, "cpu", Precision.BF16, DATA);
    bf16.save(run);
    assertThat(keys(run)).endsWith("precision");
    assertThat(Json.MAPPER.readTree(RunDirectory.at(run).config().toFile()).path("precision").asText()).isEqualTo("BF16");
    assertThat(RunConfig.load(run)).isEqualTo(bf16);
    assertThat(RunConfig.load(run).precisionOrDefault()).isEqualTo(Precision.BF16);
    // Hand-written in lower case, as the flag takes it.
    Path file = RunDirectory.at(run).config();
    Files.writeString(file, Files.readString(file).replace("\"BF16\"", "\"bf16\""));
    assertThat(RunConfig.load(run).precisionOrDefault()).isEqualTo(Precision.BF16);
  }

  @Test
  void aFinetuneRunsConfigReadsBackIdenticalWithOnlyItsOwnModelKeys(@TempDir Path run) throws Exception {
    ModelSource.SavedModel source = new ModelSource.SavedModel(Path.of("/models/jed"), Optimizer.SGD, 3, null, 7);
    RunConfig config = RunConfig.of(source, 4, 16, 1e-4, PLATEAU, Augmentation.FLIPS, 0, 0, "auto", Precision.FLOAT32, DATA);
    config.save(run);
    assertThat(RunConfig.load(run)).isEqualTo(config);
    assertThat(RunConfig.load(run).source()).isEqualTo(source);
    assertThat(keys(run)).containsExactly("savedModel", "epochs", "batchSize", "optimizer", "lr", "lrSchedule", "augmentation",
        "earlyStopPatience", "threads", "device", "seed", "data", "trainableLayers");
  }

  @Test
  void trainConfigWrittenBeforeEmaAndTheNewAugmentationsResumesWithThemOff(@TempDir Path run) throws Exception {
    String old =
        """
        {"model":"CNN3","crop":96,"epochs":15,"batchSize":64,"optimizer":"ADAM","lr":0.001,
        """ + OLD_SCHEDULE + """
        ,
         "dropout":true,"convDropout":0.25,"denseDropout":0.25,"l1":0.0,"l2":0.0,"init":"GLOROT_UNIFORM",
         "augmentation":{"horizontalFlip":true,"verticalFlip":true,"maxRotationDegrees":0.0},
         "earlyStopPatience":0,"threads":0,"device":"auto","seed":42,
        """ + OLD_DATA + "}";
    Files.writeString(RunDirectory.at(run).config(), old);
    RunConfig config = RunConfig.load(run);
    assertThat(config.source()).isEqualTo(new ModelSource.Cnn(ModelSpec.defaults(Architecture.CNN3, 42)));
    assertThat(config.augmentation()).isEqualTo(Augmentation.FLIPS);
    assertThat(config.plan(1)).isEqualTo(
        new TrainingPlan(15, 64, 1e-3, new LearningRateSchedule.Config(LearningRateSchedule.Kind.PLATEAU, 5, 0.5, 2, 0), Augmentation.FLIPS, 0, 42, 1));
    assertThat(config.data().labels()).isEqualTo(Path.of("/d/train_labels.csv"));
    assertThat(config.precisionOrDefault()).isEqualTo(Precision.FLOAT32);
  }

  /** What FinetuneConfig wrote: first without an optimizer (contract SavedModels only), then with import-keras's knobs. */
  @Test
  void finetuneConfigsWrittenByTheOldFinetuneRecordStillLoad(@TempDir Path run) throws Exception {
    String common =
        """
        {"savedModel":"/models/vgg16","epochs":10,"batchSize":32,"lr":1.0E-4,
        """ + OLD_SCHEDULE + """
        ,
         "augmentation":{"horizontalFlip":true,"verticalFlip":true,"maxRotationDegrees":0.0},
         "earlyStopPatience":2,"threads":0,"device":"auto","seed":42,
        """ + OLD_DATA;
    Path file = RunDirectory.at(run).config();
    Files.writeString(file, common + "}");
    RunConfig contract = RunConfig.load(run);
    assertThat(contract.source()).isEqualTo(new ModelSource.SavedModel(Path.of("/models/vgg16"), Optimizer.ADAM, null, null, 42));
    assertThat(contract.plan(1)).isEqualTo(
        new TrainingPlan(10, 32, 1e-4, new LearningRateSchedule.Config(LearningRateSchedule.Kind.PLATEAU, 5, 0.5, 2, 0), Augmentation.FLIPS, 2, 42, 1));

    Files.writeString(file, common + ",\"optimizer\":\"rmsprop\",\"trainableLayers\":null,\"freezeUntil\":\"block5_conv1\"}");
    assertThat(RunConfig.load(run).source())
        .isEqualTo(new ModelSource.SavedModel(Path.of("/models/vgg16"), Optimizer.RMSPROP, null, "block5_conv1", 42));
  }
}
