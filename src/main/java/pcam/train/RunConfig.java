package pcam.train;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.file.Path;
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

/**
 * Every knob of a training run ({@code train}, {@code finetune}, each sweep cell): the model
 * source, the loop's plan and the data. The CLI fills it ({@link #of}), everything downstream reads
 * it, and it is saved as config.json in the run directory; {@code --resume} reads it back, so a
 * resumed run has the identical config.
 *
 * <p>The file is flat, as it always was: a cnn3/cnn9 run writes {@code model, crop, ..., ema}, a
 * fine-tuning run {@code savedModel} and its layer choices; the other kind's fields are null and
 * not written. Every config.json pcam wrote before still loads: train's layout unchanged,
 * finetune's with its optimizer in lower case ({@code "adam"}) or, before import-keras, without one.
 *
 * @param savedModel fine-tuning: the SavedModel the run starts from (an import-keras folder or a
 *     contract SavedModel); null for a cnn run
 * @param model cnn3/cnn9; null when fine-tuning (as are crop, dropout ... ema)
 * @param optimizer a cnn's, or an import-keras model's (a contract SavedModel brings its own)
 * @param lr the learning rate the schedule starts from
 * @param dropout the study's dropout on or off; the rates apply when on
 * @param l1 Keras L1 on every kernel: {@code l1 * sum|w|}
 * @param l2 Keras L2 on every kernel: {@code l2 * sum w^2}
 * @param earlyStopPatience epochs without a better validation AUC before stopping; 0 = never
 * @param threads TensorFlow intra/inter-op threads; 0 = TensorFlow's default
 * @param device auto | cpu | gpu | gpu:N
 * @param seed weights (cnn), dropout masks, batch order and augmentation
 * @param ema decay of the exponential moving average of the weights that is validated, kept as
 *     best and exported; 0 = none (also what a config.json written before it existed reads as)
 * @param trainableLayers import-keras models: train the last N layers with weights; null = all
 * @param freezeUntil import-keras models: freeze the layers with weights before this one; null = none
 * @param head a cnn's: flatten (the study's) or gap; null (a config.json written before it existed) = flatten
 * @param batchNorm a cnn's batch normalisation after each conv; null (written before it existed) = off
 * @param precision the sessions' arithmetic; null = float32 (not written for a float32 run, so
 *     its config.json is as before, and what a config.json written before it existed reads as)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunConfig(
    Path savedModel,
    Architecture model,
    Integer crop,
    int epochs,
    int batchSize,
    @JsonFormat(with = JsonFormat.Feature.ACCEPT_CASE_INSENSITIVE_VALUES) Optimizer optimizer,
    double lr,
    LearningRateSchedule.Config lrSchedule,
    Boolean dropout,
    Double convDropout,
    Double denseDropout,
    Double l1,
    Double l2,
    Initializer init,
    Augmentation augmentation,
    int earlyStopPatience,
    int threads,
    String device,
    long seed,
    DataSpec data,
    Double ema,
    Integer trainableLayers,
    String freezeUntil,
    Head head,
    Boolean batchNorm,
    @JsonFormat(with = JsonFormat.Feature.ACCEPT_CASE_INSENSITIVE_VALUES) Precision precision) {

  /** The config of a run that trains {@code source}; its seed is the run's. */
  public static RunConfig of(
      ModelSource source, int epochs, int batchSize, double lr, LearningRateSchedule.Config lrSchedule, Augmentation augmentation,
      int earlyStopPatience, int threads, String device, Precision precision, DataSpec data) {
    Precision written = precision == Precision.FLOAT32 ? null : precision;
    if (source instanceof ModelSource.Cnn cnn) {
      ModelSpec m = cnn.spec();
      return new RunConfig(
          null, m.architecture(), m.crop(), epochs, batchSize, m.optimizer(), lr, lrSchedule, m.dropout(), m.convDropout(),
          m.denseDropout(), m.l1(), m.l2(), m.initializer(), augmentation, earlyStopPatience, threads, device, m.seed(), data,
          m.emaDecay(), null, null, m.head(), m.batchNorm(), written);
    }
    ModelSource.SavedModel s = (ModelSource.SavedModel) source;
    return new RunConfig(
        s.dir(), null, null, epochs, batchSize, s.optimizer(), lr, lrSchedule, null, null, null, null, null, null, augmentation,
        earlyStopPatience, threads, device, s.seed(), data, null, s.trainableLayers(), s.freezeUntil(), null, null, written);
  }

  /** The precision the run's sessions compute in: float32 unless config.json says otherwise. */
  public Precision precisionOrDefault() {
    return precision == null ? Precision.FLOAT32 : precision;
  }

  /** The model the run trains: a cnn built from its spec, or a SavedModel to fine-tune. */
  public ModelSource source() {
    if (savedModel != null) {
      return new ModelSource.SavedModel(savedModel, optimizer == null ? Optimizer.ADAM : optimizer, trainableLayers, freezeUntil, seed);
    }
    return new ModelSource.Cnn(
        new ModelSpec(model, crop, dropout, convDropout, denseDropout, l1, l2, init, optimizer, seed, ema == null ? 0 : ema,
            head == null ? Head.FLATTEN : head, batchNorm != null && batchNorm));
  }

  /** The loop's part; batches are assembled on {@code loaderThreads} background threads. */
  public TrainingPlan plan(int loaderThreads) {
    return new TrainingPlan(epochs, batchSize, lr, lrSchedule, augmentation, earlyStopPatience, seed, loaderThreads);
  }

  /** Writes config.json into {@code runDir} (a new run only; --resume reads it back). */
  public void save(Path runDir) {
    Json.write(RunDirectory.at(runDir).config(), this);
  }

  public static RunConfig load(Path runDir) {
    return Json.read(RunDirectory.at(runDir).config(), RunConfig.class);
  }
}
