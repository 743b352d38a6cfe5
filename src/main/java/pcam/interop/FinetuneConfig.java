package pcam.interop;

import java.nio.file.Path;
import java.util.Locale;
import pcam.data.Augmentation;
import pcam.data.DataSpec;
import pcam.model.ModelSource;
import pcam.model.Optimizer;
import pcam.train.LearningRateSchedule;
import pcam.train.RunSpec;
import pcam.train.TrainingPlan;
import pcam.util.Json;

/**
 * Every knob of a {@code pcam finetune} run: which SavedModel, the data, and the loop's settings.
 * The CLI fills it; it is saved as config.json in the run directory and read back by {@code
 * --resume}. The model's own architecture, head and optimizer were fixed at export.
 *
 * @param savedModel the fine-tunable SavedModel the run starts from
 * @param lr the learning rate the schedule starts from, fed to train_step at every step
 * @param earlyStopPatience epochs without a better validation AUC before stopping; 0 = never
 * @param threads TensorFlow intra/inter-op threads; 0 = TensorFlow's default
 * @param device auto | cpu | gpu | gpu:N
 * @param seed split, batch order and augmentation (weights come from the SavedModel)
 * @param optimizer for a model imported with import-keras (a contract SavedModel brings its own)
 * @param trainableLayers import-keras models: train the last N layers with weights; null = all
 * @param freezeUntil import-keras models: freeze the layers with weights before this one; null = none
 */
public record FinetuneConfig(
    Path savedModel,
    int epochs,
    int batchSize,
    double lr,
    LearningRateSchedule.Config lrSchedule,
    Augmentation augmentation,
    int earlyStopPatience,
    int threads,
    String device,
    long seed,
    DataSpec data,
    String optimizer,
    Integer trainableLayers,
    String freezeUntil) implements RunSpec {

  public static final String FILE = pcam.train.RunDirectory.CONFIG;

  /** The loop's part; batches are assembled on {@code loaderThreads} background threads. */
  public TrainingPlan plan(int loaderThreads) {
    return new TrainingPlan(epochs, batchSize, lr, lrSchedule, augmentation, earlyStopPatience, seed, loaderThreads);
  }

  @Override
  public ModelSource source() {
    Optimizer o = optimizer == null ? Optimizer.ADAM : Optimizer.valueOf(optimizer.toUpperCase(Locale.ROOT));
    return new ModelSource.SavedModel(savedModel, o, trainableLayers, freezeUntil, seed);
  }

  public void save(Path runDir) {
    Json.write(runDir.resolve(FILE), this);
  }

  public static FinetuneConfig load(Path runDir) {
    return Json.read(runDir.resolve(FILE), FinetuneConfig.class);
  }
}
