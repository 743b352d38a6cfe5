package pcam.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.TestPatches;
import pcam.data.Augmentation;
import pcam.data.PatchSet;
import pcam.model.Architecture;
import pcam.model.CnnModel;
import pcam.model.Device;
import pcam.model.ModelSpec;

/**
 * A short real training: cnn3 at full size on 1,800 real sample patches for two epochs (batch 32,
 * so about 110 Adam steps) learns: validation AUC on 200 held-out patches > 0.7.
 */
@pcam.Slow
class TrainerRealDataTest {
  @Test
  void cnn3LearnsRealPatchesInTwoEpochs(@TempDir Path run) {
    PatchSet all = TestPatches.realSample(2000);
    PatchSet train = all.select(IntStream.range(0, 1800).toArray());
    PatchSet validation = all.select(IntStream.range(1800, 2000).toArray());
    TrainingPlan plan =
        new TrainingPlan(2, 32, 1e-3, LearningRateSchedule.Config.CONSTANT, new Augmentation(true, true, 0), 0, 42, 1);
    try (CnnModel model = CnnModel.create(ModelSpec.defaults(Architecture.CNN3, 42), Device.AUTO, 0)) {
      TrainingResult result = new Trainer(plan, run, TrainingListener.runOutputs(plan)).fit(model, train, validation, false);
      assertThat(result.best().auc()).isGreaterThan(0.7);
      assertThat(result.best().n()).isEqualTo(200);
    }
  }
}
