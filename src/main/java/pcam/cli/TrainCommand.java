package pcam.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pcam.data.Augmentation;
import pcam.data.DataSpec;
import pcam.data.Datasets;
import pcam.model.Architecture;
import pcam.model.CnnModel;
import pcam.model.Device;
import pcam.model.Initializer;
import pcam.model.Optimizer;
import pcam.train.LearningRateSchedule;
import pcam.train.RunConfig;
import pcam.train.Trainer;
import pcam.train.TrainingResult;
import pcam.util.InputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    sortOptions = false,
    description = {
      "Train the study's cnn3 or cnn9 on a Kaggle-layout folder. Writes RUNDIR/config.json, history.csv,",
      "train.log, checkpoints/ (best by validation AUC, and last), metrics.json and model/ (a SavedModel).",
      "Ctrl-C saves a checkpoint; 'pcam train --resume RUNDIR' continues with the identical config."
    })
public final class TrainCommand implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(TrainCommand.class);

  @Spec private CommandSpec spec;

  @Option(names = "--data", paramLabel = "DIR", description = "Kaggle layout: DIR/train_labels.csv and DIR/train/*.tif.")
  private Path data;

  @Option(names = "--out", paramLabel = "RUNDIR", description = "Run directory to create.")
  private Path out;

  @Option(names = "--resume", paramLabel = "RUNDIR", description = "Continue RUNDIR from its last checkpoint, with its config.json.")
  private Path resume;

  @Option(names = "--model", defaultValue = "cnn3", description = "cnn3 | cnn9")
  private String model;

  @Option(names = "--crop", defaultValue = "96", description = "Centre crop inside the graph: 96, 84, 72, 60, 48, 32.")
  private int crop;

  @Option(names = "--epochs", defaultValue = "15")
  private int epochs;

  @Option(names = "--batch-size", defaultValue = "64")
  private int batchSize;

  @Option(names = "--optimizer", defaultValue = "adam", description = "sgd | momentum | rmsprop | adam (Keras defaults).")
  private String optimizer;

  @Option(names = "--lr", description = "Learning rate. Default: 1e-3 for cnn3, 1e-4 for cnn9 (the study's lesson).")
  private Double lr;

  @Option(names = "--lr-schedule", defaultValue = "constant", description = "constant | step | plateau | cosine")
  private String lrSchedule;

  @Option(names = "--lr-step-every", defaultValue = "5", description = "step: multiply the rate by --lr-factor every N epochs.")
  private int lrStepEvery;

  @Option(names = "--lr-factor", defaultValue = "0.5", description = "step and plateau: the multiplier.")
  private double lrFactor;

  @Option(names = "--lr-patience", defaultValue = "2", description = "plateau: epochs without a better validation AUC before reducing.")
  private int lrPatience;

  @Option(names = "--lr-min", defaultValue = "0", description = "plateau and cosine: the lowest rate.")
  private double lrMin;

  @Option(names = "--dropout", negatable = true, defaultValue = "true", fallbackValue = "true", description = "The study's dropout layers.")
  private boolean dropout;

  @Option(names = "--conv-dropout", description = "Rate after each conv block. Default: 0.25 for cnn3, 0.3 for cnn9.")
  private Double convDropout;

  @Option(names = "--dense-dropout", description = "Rate after the 256-unit dense layer. Default: 0.25 for cnn3, 0.3 for cnn9.")
  private Double denseDropout;

  @Option(names = "--l1", defaultValue = "0", description = "L1 on kernels (Keras: l1 * sum|w|); the study's best was 0.001.")
  private double l1;

  @Option(names = "--l2", defaultValue = "0", description = "L2 on kernels (Keras: l2 * sum w^2).")
  private double l2;

  @Option(names = "--init", defaultValue = "glorot_uniform",
      description = "glorot_uniform | glorot_normal | lecun_normal | lecun_uniform | he_normal | he_uniform")
  private String init;

  @Option(names = "--flip", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Random horizontal and vertical flips of training patches.")
  private boolean flip;

  @Option(names = "--rotation", defaultValue = "0", paramLabel = "DEGREES",
      description = "Random rotation of training patches within +-DEGREES (the study used 40).")
  private double rotation;

  @Option(names = "--limit", description = "Use only the first N rows of the labels CSV (the study used 10000).")
  private Integer limit;

  @Option(names = "--sample", description = "Use a random stratified subset of N patches.")
  private Integer sample;

  @Option(names = "--val-fraction", defaultValue = "0.1", description = "Stratified validation hold-out.")
  private double valFraction;

  @Option(names = "--early-stop", defaultValue = "0", paramLabel = "PATIENCE",
      description = "Stop after PATIENCE epochs without a better validation AUC; 0 = never.")
  private int earlyStop;

  @Option(names = "--threads", defaultValue = "0", description = "TensorFlow threads; 0 = TensorFlow's default.")
  private int threads;

  @Option(names = "--device", defaultValue = "auto", description = "auto | cpu | gpu | gpu:N")
  private String device;

  @Option(names = "--seed", defaultValue = "42", description = "Split, weights, dropout, batch order and augmentation.")
  private long seed;

  @Override
  public void run() {
    Path runDir;
    RunConfig config;
    if (resume != null) {
      rejectOptionsBesides(Set.of("--resume", "--verbose"), "--resume continues with the run's config.json; give no other options");
      runDir = resume;
      if (!Files.isRegularFile(runDir.resolve(RunConfig.FILE)) || !Files.isDirectory(Trainer.lastCheckpoint(runDir))) {
        throw new InputException(runDir + ": not a resumable run (needs config.json and checkpoints/last/)");
      }
      config = RunConfig.load(runDir);
    } else {
      runDir = checkNewRunDir();
      config = buildConfig();
    }
    Device dev = Device.parse(config.device());
    LOG.info(dev.check());
    Datasets.Split split = Datasets.loadSplit(config.data());
    int loaderThreads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    Trainer trainer = new Trainer(config.plan(loaderThreads), runDir, List.of());
    if (resume == null) {
      config.save(runDir);
    }
    TrainingResult result;
    try (CnnModel cnn = CnnModel.create(config.modelSpec(), dev, config.threads());
        AutoCloseable hook = trainer.stopOnShutdown()) {
      LOG.info("{} at crop {}: {} trainable parameters", config.model().cliName(), config.crop(), String.format("%,d", cnn.trainableParams()));
      result = trainer.fit(cnn, split.train(), split.validation(), resume != null);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    var outStream = spec.commandLine().getOut();
    if (result.interrupted()) {
      outStream.printf("interrupted; continue with: pcam train --resume %s%n", runDir);
    } else {
      outStream.printf(Locale.ROOT, "%s: best epoch %d of %d, validation AUC %.4f, accuracy %.4f (%s)%n",
          runDir, result.best().epoch(), result.history().size(), result.best().auc(), result.best().accuracy(), result.stopReason());
      outStream.printf("model: %s%n", result.modelDir());
    }
    outStream.flush();
  }

  private Path checkNewRunDir() {
    if (data == null || out == null) {
      throw new InputException("--data and --out are required (or --resume RUNDIR)");
    }
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new InputException("--out " + out + " is an existing file");
    }
    if (Files.exists(out.resolve(RunConfig.FILE))) {
      throw new InputException("--out " + out + " already holds a run; use --resume " + out + " or another --out");
    }
    return out;
  }

  private RunConfig buildConfig() {
    Architecture architecture = Architecture.fromName(model);
    Architecture.checkCrop(crop);
    if (valFraction <= 0 || valFraction >= 1) {
      throw new InputException("--val-fraction must be in (0, 1), got " + valFraction);
    }
    DataSpec base = DataSpec.kaggle(data, valFraction, seed);
    DataSpec dataSpec =
        new DataSpec(base.labelsCsv(), base.imagesDir(), limit, sample, valFraction, seed, base.darkThreshold(),
            base.brightThreshold(), base.skipMissing(), base.skipBad(), base.cache());
    LearningRateSchedule.Config schedule =
        new LearningRateSchedule.Config(LearningRateSchedule.Kind.fromName(lrSchedule), lrStepEvery, lrFactor, lrPatience, lrMin);
    RunConfig config =
        new RunConfig(
            architecture, crop, epochs, batchSize, Optimizer.fromName(optimizer),
            lr != null ? lr : architecture.defaultLearningRate(), schedule, dropout,
            convDropout != null ? convDropout : architecture.defaultConvDropout(),
            denseDropout != null ? denseDropout : architecture.defaultDenseDropout(), l1, l2, Initializer.fromName(init),
            augmentation(), earlyStop, threads, Device.parse(device).toString(), seed, dataSpec);
    config.modelSpec(); // validates crop fit, rates and regularisation before any data is read
    config.plan(1);
    if (threads < 0) {
      throw new InputException("--threads must be >= 0, got " + threads);
    }
    return config;
  }

  private Augmentation augmentation() {
    if (rotation < 0 || rotation > 180) {
      throw new InputException("--rotation must be within 0..180 degrees, got " + rotation);
    }
    return new Augmentation(flip, flip, rotation);
  }

  private void rejectOptionsBesides(Set<String> allowed, String message) {
    for (OptionSpec option : spec.commandLine().getParseResult().matchedOptions()) {
      if (!allowed.contains(option.longestName())) {
        throw new InputException(message + " (got " + option.longestName() + ")");
      }
    }
  }
}
