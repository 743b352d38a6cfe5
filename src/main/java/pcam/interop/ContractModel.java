package pcam.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import pcam.data.Batch;
import pcam.data.Resize;
import pcam.eval.BinaryMetrics;
import pcam.interop.SavedModelInspector.Report;
import pcam.interop.SavedModelInspector.SignatureInfo;
import pcam.model.SavedModelScorer;
import pcam.model.TrainableModel;
import pcam.util.AtomicFiles;
import pcam.util.InputException;

/**
 * A SavedModel with the fine-tuning contract (a Keras VGG16/ResNet50 export from {@code
 * keras-export/}, or any model with the same signatures), driven as a {@link TrainableModel}:
 * {@code train_step} for optimizer steps, {@code serving_default} for predictions, and the
 * SavedModel's own saver for checkpoints and export. Python-written TF2 SavedModels carry a saver
 * over all their tracked variables (weights and optimizer slots), so checkpoints are complete and
 * an export is the original folder with {@code variables/} replaced.
 *
 * <p>Batches of another size than the model's input are resized (bilinear) before feeding.
 */
public final class ContractModel implements TrainableModel {
  private static final String CHECKPOINT_PREFIX = "variables";
  private static final String FINGERPRINT = "fingerprint.pb";

  private final Path source;
  private final Report report;
  private final SavedModelScorer scorer;
  private final Session session;
  private final String images;
  private final String labels;
  private final String learningRate;
  private final String loss;
  private final String accuracy;

  private ContractModel(Path source, Report report, SavedModelScorer scorer) {
    SignatureInfo trainStep = report.signature(SavedModelInspector.TRAIN_STEP);
    this.source = source;
    this.report = report;
    this.scorer = scorer;
    this.session = scorer.bundle().session();
    this.images = trainStep.input(SavedModelInspector.IMAGES).tensorName();
    this.labels = trainStep.input(SavedModelInspector.LABELS).tensorName();
    this.learningRate = trainStep.input(SavedModelInspector.LEARNING_RATE).tensorName();
    this.loss = trainStep.output(SavedModelInspector.LOSS).tensorName();
    this.accuracy = trainStep.output(SavedModelInspector.ACCURACY).tensorName();
  }

  /**
   * Loads {@code dir} after checking the contract from its {@code saved_model.pb}: an {@link
   * InputException} naming what is missing (e.g. "train_step lacks learning_rate") if it is not
   * fine-tunable.
   */
  public static ContractModel load(Path dir) {
    return load(dir, null);
  }

  /** As {@link #load(Path)}, with session options (device, threads); null for TensorFlow's defaults. */
  public static ContractModel load(Path dir, ConfigProto config) {
    Report report = SavedModelInspector.inspect(dir);
    if (report.verdict() != SavedModelInspector.Verdict.FINE_TUNABLE) {
      throw new InputException(dir + ": cannot fine-tune this SavedModel (" + report.verdict().label() + "): " + report.reason());
    }
    SavedModelScorer scorer = SavedModelScorer.load(dir, config);
    return new ContractModel(dir, report, scorer);
  }

  /** The SavedModel folder this model was loaded from. */
  public Path source() {
    return source;
  }

  /** What inspection found when loading: signatures, variable count and size. */
  public Report report() {
    return report;
  }

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
    return scorer.predict(fit(batch));
  }

  @Override
  public StepResult trainStep(Batch batch, float rate) {
    Batch fitted = fit(batch);
    try (TFloat32 imageTensor = SavedModelScorer.toFloatImages(fitted);
        TFloat32 labelTensor = TFloat32.tensorOf(Shape.of(fitted.count(), 1), DataBuffers.of(fitted.labels(), true, false));
        TFloat32 rateTensor = TFloat32.scalarOf(rate);
        Result result =
            session.runner()
                .feed(images, imageTensor)
                .feed(labels, labelTensor)
                .feed(learningRate, rateTensor)
                .fetch(loss)
                .fetch(accuracy)
                .run()) {
      return new StepResult(((TFloat32) result.get(0)).getFloat(), ((TFloat32) result.get(1)).getFloat());
    }
  }

  /** Probabilities from serving_default (inference mode); loss is their BCE, clipped as Keras does. */
  @Override
  public EvalResult evaluate(Batch batch) {
    float[] probabilities = predict(batch);
    return new EvalResult((float) BinaryMetrics.logLoss(probabilities, batch.labels()), probabilities);
  }

  /** Writes all variables the SavedModel's saver covers (weights and optimizer state) to {@code dir}. */
  @Override
  public void saveCheckpoint(Path dir) {
    AtomicFiles.write(dir, tmp -> {
      Files.createDirectories(tmp);
      session.save(tmp.resolve(CHECKPOINT_PREFIX).toString());
    });
  }

  @Override
  public void restoreCheckpoint(Path dir) {
    if (!Files.isRegularFile(dir.resolve(CHECKPOINT_PREFIX + ".index"))) {
      throw new InputException(dir + ": not a checkpoint (no " + CHECKPOINT_PREFIX + ".index)");
    }
    session.restore(dir.resolve(CHECKPOINT_PREFIX).toString());
  }

  /**
   * The original SavedModel folder with {@code variables/} replaced by the current weights. The
   * fingerprint is left out: it hashes the original variables, and loaders do not require it.
   */
  @Override
  public void exportSavedModel(Path dir) {
    exportWithCurrentVariables(session, source, dir);
  }

  /** Copies the SavedModel at {@code source} to {@code dir}, atomically, with the session's variables. */
  static void exportWithCurrentVariables(Session session, Path source, Path dir) {
    AtomicFiles.write(dir, tmp -> {
      copyTree(source, tmp, List.of(source.resolve("variables"), source.resolve(FINGERPRINT)));
      Path variables = Files.createDirectories(tmp.resolve("variables"));
      session.save(variables.resolve(CHECKPOINT_PREFIX).toString());
    });
  }

  private static void copyTree(Path from, Path to, List<Path> skip) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path path : walk.toList()) {
        if (skip.stream().anyMatch(path::startsWith)) {
          continue;
        }
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target);
        }
      }
    }
  }

  private Batch fit(Batch batch) {
    return Resize.bilinear(batch, inputHeight(), inputWidth());
  }

  @Override
  public void close() {
    scorer.close();
  }
}
