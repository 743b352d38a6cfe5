package pcam.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.data.Augmentation;
import pcam.data.DataSpec;
import pcam.model.Architecture;
import pcam.model.Head;
import pcam.model.Initializer;
import pcam.model.Optimizer;

class RunConfigTest {
  @Test
  void savedConfigReadsBackIdentical(@TempDir Path run) throws java.io.IOException {
    RunConfig config =
        new RunConfig(
            Architecture.CNN9, 72, 7, 32, Optimizer.RMSPROP, 5e-4,
            new LearningRateSchedule.Config(LearningRateSchedule.Kind.PLATEAU, 3, 0.2, 4, 1e-6), false, 0.1, 0.4,
            1e-3, 2e-3, Initializer.LECUN_NORMAL, new Augmentation(true, false, 40), 3, 2, "cpu", 1234,
            new DataSpec(Path.of("/d/train_labels.csv"), Path.of("/d/train"), 10_000, null, 0.2, 1234, 10, 245, true, false, true), 0.99, Head.GAP, true);
    config.save(run);
    assertThat(RunConfig.load(run)).isEqualTo(config);

    // A run folder written before HDF5 support named the data paths labelsCsv and imagesDir: it still resumes.
    Path file = run.resolve(RunConfig.FILE);
    String old = java.nio.file.Files.readString(file).replace("\"labels\"", "\"labelsCsv\"").replace("\"images\"", "\"imagesDir\"");
    assertThat(old).contains("\"labelsCsv\"").contains("\"imagesDir\"").doesNotContain("\"labels\" :");
    java.nio.file.Files.writeString(file, old);
    assertThat(RunConfig.load(run)).isEqualTo(config);
  }

  @Test
  void configWrittenBeforeEmaAndTheNewAugmentationsResumesWithThemOff(@TempDir Path run) throws Exception {
    String old =
        """
        {"model":"CNN3","crop":96,"epochs":15,"batchSize":64,"optimizer":"ADAM","lr":0.001,
         "lrSchedule":{"kind":"PLATEAU","stepEvery":5,"factor":0.5,"patience":2,"minRate":0.0},
         "dropout":true,"convDropout":0.25,"denseDropout":0.25,"l1":0.0,"l2":0.0,"init":"GLOROT_UNIFORM",
         "augmentation":{"horizontalFlip":true,"verticalFlip":true,"maxRotationDegrees":0.0},
         "earlyStopPatience":0,"threads":0,"device":"auto","seed":42,
         "data":{"labelsCsv":"/d/train_labels.csv","imagesDir":"/d/train","limit":null,"sample":null,"valFraction":0.1,
                 "seed":42,"darkThreshold":10,"brightThreshold":245,"skipMissing":false,"skipBad":false,"cache":true}}
        """;
    java.nio.file.Files.writeString(run.resolve(RunConfig.FILE), old);
    RunConfig config = RunConfig.load(run);
    assertThat(config.ema()).isZero();
    assertThat(config.modelSpec().emaDecay()).isZero();
    assertThat(config.augmentation()).isEqualTo(Augmentation.FLIPS);
    assertThat(config.head()).isEqualTo(Head.FLATTEN);
    assertThat(config.modelSpec().head()).isEqualTo(Head.FLATTEN);
    assertThat(config.modelSpec().batchNorm()).isFalse();
  }
}
