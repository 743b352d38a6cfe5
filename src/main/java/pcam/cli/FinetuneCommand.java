package pcam.cli;

import java.io.PrintWriter;
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
import pcam.interop.ContractModel;
import pcam.interop.FinetuneConfig;
import pcam.model.Device;
import pcam.train.LearningRateSchedule;
import pcam.train.Trainer;
import pcam.train.TrainingResult;
import pcam.util.InputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "finetune",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    sortOptions = false,
    description = {
      "Fine-tune a Keras SavedModel (e.g. VGG16/ResNet50 from keras-export/) through its train_step.",
      "The model must be fine-tunable (check with 'pcam inspect'). Writes the same run directory as"
          + " 'train': config.json, history.csv, train.log, checkpoints/ (best by validation AUC, and last),"
          + " metrics.json and model/ (the original SavedModel with the best weights). Ctrl-C saves a"
          + " checkpoint; 'pcam finetune --resume RUNDIR' continues with the identical config."
    })
public final class FinetuneCommand implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(FinetuneCommand.class);

  @Spec private CommandSpec spec;

  @Option(names = "--savedmodel", paramLabel = "DIR", description = "Fine-tunable SavedModel (serving_default + train_step).")
  private Path savedModel;

  @Option(names = "--data", paramLabel = "DIR", description = "Kaggle layout: DIR/train_labels.csv and DIR/train/*.tif.")
  private Path data;

  @Option(names = "--out", paramLabel = "RUNDIR", description = "Run directory to create.")
  private Path out;

  @Option(names = "--resume", paramLabel = "RUNDIR", description = "Continue RUNDIR from its last checkpoint, with its config.json.")
  private Path resume;

  @Option(names = "--epochs", defaultValue = "10")
  private int epochs;

  @Option(names = "--batch-size", defaultValue = "32")
  private int batchSize;

  @Option(names = "--lr", defaultValue = "1e-4", description = "Learning rate fed to train_step (pretrained weights want a small one).")
  private double lr;

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

  @Option(names = "--seed", defaultValue = "42", description = "Split, batch order and augmentation.")
  private long seed;

  @Override
  public void run() {
    Path runDir;
    FinetuneConfig config;
    if (resume != null) {
      rejectOptionsBesides(Set.of("--resume", "--verbose"), "--resume continues with the run's config.json; give no other options");
      runDir = resume;
      if (!Files.isRegularFile(runDir.resolve(FinetuneConfig.FILE)) || !Files.isDirectory(Trainer.lastCheckpoint(runDir))) {
        throw new InputException(runDir + ": not a resumable run (needs config.json and checkpoints/last/)");
      }
      config = FinetuneConfig.load(runDir);
    } else {
      runDir = checkNewRunDir();
      config = buildConfig();
    }
    Device dev = Device.parse(config.device());
    LOG.info(dev.check());
    int loaderThreads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    Trainer trainer = new Trainer(config.plan(loaderThreads), runDir, List.of());
    TrainingResult result;
    // The model is loaded (and its contract checked) before the data, so a wrong model fails in seconds.
    try (ContractModel model = ContractModel.load(config.savedModel(), dev.sessionConfig(config.threads()))) {
      LOG.info("{}: input {}x{}, {} variables ({} values)", config.savedModel(), model.inputHeight(), model.inputWidth(),
          model.report().variables(), String.format("%,d", model.report().parameters()));
      Datasets.Split split = Datasets.loadSplit(config.data());
      if (resume == null) {
        config.save(runDir);
      }
      try (AutoCloseable hook = trainer.stopOnShutdown()) {
        result = trainer.fit(model, split.train(), split.validation(), resume != null);
      }
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    PrintWriter outStream = spec.commandLine().getOut();
    if (result.interrupted()) {
      outStream.printf("interrupted; continue with: pcam finetune --resume %s%n", runDir);
    } else {
      outStream.printf(Locale.ROOT, "%s: best epoch %d of %d, validation AUC %.4f, accuracy %.4f (%s)%n",
          runDir, result.best().epoch(), result.history().size(), result.best().auc(), result.best().accuracy(), result.stopReason());
      outStream.printf("model: %s%n", result.modelDir());
    }
    outStream.flush();
  }

  private Path checkNewRunDir() {
    if (savedModel == null || data == null || out == null) {
      throw new InputException("--savedmodel, --data and --out are required (or --resume RUNDIR)");
    }
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new InputException("--out " + out + " is an existing file");
    }
    if (Files.exists(out.resolve(FinetuneConfig.FILE))) {
      throw new InputException("--out " + out + " already holds a run; use --resume " + out + " or another --out");
    }
    return out;
  }

  private FinetuneConfig buildConfig() {
    if (valFraction <= 0 || valFraction >= 1) {
      throw new InputException("--val-fraction must be in (0, 1), got " + valFraction);
    }
    if (threads < 0) {
      throw new InputException("--threads must be >= 0, got " + threads);
    }
    if (rotation < 0 || rotation > 180) {
      throw new InputException("--rotation must be within 0..180 degrees, got " + rotation);
    }
    DataSpec base = DataSpec.kaggle(data, valFraction, seed);
    DataSpec dataSpec =
        new DataSpec(base.labelsCsv(), base.imagesDir(), limit, sample, valFraction, seed, base.darkThreshold(),
            base.brightThreshold(), base.skipMissing(), base.skipBad(), base.cache());
    LearningRateSchedule.Config schedule =
        new LearningRateSchedule.Config(LearningRateSchedule.Kind.fromName(lrSchedule), lrStepEvery, lrFactor, lrPatience, lrMin);
    FinetuneConfig config =
        new FinetuneConfig(
            savedModel.toAbsolutePath().normalize(), epochs, batchSize, lr, schedule, new Augmentation(flip, flip, rotation),
            earlyStop, threads, Device.parse(device).toString(), seed, dataSpec);
    config.plan(1); // validates epochs, batch size, rate and patience before anything is loaded
    return config;
  }

  private void rejectOptionsBesides(Set<String> allowed, String message) {
    for (OptionSpec option : spec.commandLine().getParseResult().matchedOptions()) {
      if (!allowed.contains(option.longestName())) {
        throw new InputException(message + " (got " + option.longestName() + ")");
      }
    }
  }
}
