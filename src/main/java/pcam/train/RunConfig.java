package pcam.train;

import java.nio.file.Path;
import pcam.data.Augmentation;
import pcam.data.DataSpec;
import pcam.model.Architecture;
import pcam.model.Head;
import pcam.model.Initializer;
import pcam.model.ModelSpec;
import pcam.model.ModelSource;
import pcam.model.Optimizer;
import pcam.util.Json;

/**
 * Every knob of a {@code pcam train} run. The CLI fills it, everything downstream reads it, and it
 * is saved as config.json in the run directory; {@code --resume} reads it back, so a resumed run
 * has the identical config.
 *
 * @param lr the learning rate the schedule starts from
 * @param dropout the study's dropout on or off; the rates apply when on
 * @param l1 Keras L1 on every kernel: {@code l1 * sum|w|}
 * @param l2 Keras L2 on every kernel: {@code l2 * sum w^2}
 * @param earlyStopPatience epochs without a better validation AUC before stopping; 0 = never
 * @param threads TensorFlow intra/inter-op threads; 0 = TensorFlow's default
 * @param device auto | cpu | gpu | gpu:N
 * @param seed weights, dropout masks, batch order and augmentation
 * @param ema decay of the exponential moving average of the weights that is validated, kept as
 *     best and exported; 0 = none (also what a config.json written before it existed reads as)
 * @param head flatten (the study's) or gap; a config.json written before it existed reads as flatten
 * @param batchNorm batch normalisation after each conv; false in a config.json written before it existed
 */
public record RunConfig(
    Architecture model,
    int crop,
    int epochs,
    int batchSize,
    Optimizer optimizer,
    double lr,
    LearningRateSchedule.Config lrSchedule,
    boolean dropout,
    double convDropout,
    double denseDropout,
    double l1,
    double l2,
    Initializer init,
    Augmentation augmentation,
    int earlyStopPatience,
    int threads,
    String device,
    long seed,
    DataSpec data,
    double ema,
    Head head,
    boolean batchNorm) implements RunSpec {

  public RunConfig {
    head = head == null ? Head.FLATTEN : head;
  }

  public static final String FILE = RunDirectory.CONFIG;

  public ModelSpec modelSpec() {
    return new ModelSpec(model, crop, dropout, convDropout, denseDropout, l1, l2, init, optimizer, seed, ema, head, batchNorm);
  }

  @Override
  public ModelSource source() {
    return new ModelSource.Cnn(modelSpec());
  }

  /** The loop's part; batches are assembled on {@code loaderThreads} background threads. */
  public TrainingPlan plan(int loaderThreads) {
    return new TrainingPlan(epochs, batchSize, lr, lrSchedule, augmentation, earlyStopPatience, seed, loaderThreads);
  }

  public void save(Path runDir) {
    Json.write(runDir.resolve(FILE), this);
  }

  public static RunConfig load(Path runDir) {
    return Json.read(runDir.resolve(FILE), RunConfig.class);
  }
}
