package pcam.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.nio.file.Files;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pcam.data.Datasets;
import pcam.interop.ContractModel;
import pcam.model.CnnModel;
import pcam.model.KerasModel;
import pcam.model.KerasSpec;
import pcam.model.ModelSource;
import pcam.model.TrainableModel;
import pcam.run.RunDirectory;
import pcam.train.RunConfig;
import pcam.train.Trainer;
import pcam.model.Device;
import pcam.model.Precision;
import pcam.util.AtomicFiles;
import pcam.util.PathGuard;
import pcam.train.LearningRateSchedule;
import pcam.train.TensorBoardListener;
import pcam.train.TrainingListener;
import pcam.train.TrainingPlan;
import pcam.train.TrainingResult;
import pcam.util.InputException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * The training-loop flags that {@code train} and {@code finetune} share (mix in with
 * {@code @Mixin}): the run directory, resuming, the LR schedule, early stopping, threads, device,
 * precision and TensorBoard, and the one training run both execute ({@link #train}). Each command
 * keeps its own epochs, batch size and learning-rate defaults; {@code sweep} passes its options to
 * {@code train}.
 */
public final class LoopOptions {
  private static final Logger LOG = LoggerFactory.getLogger(LoopOptions.class);

  @Option(names = "--out", paramLabel = "RUNDIR", description = "Run directory to create.")
  Path out;

  @Option(names = "--resume", paramLabel = "RUNDIR",
      description = "Continue RUNDIR from its last checkpoint, with its config.json (give no other options).")
  Path resume;

  @Option(names = "--lr-schedule", paramLabel = "NAME", defaultValue = "plateau",
      description = "constant | step | plateau | cosine | onecycle. plateau multiplies the rate by --lr-factor after"
          + " --lr-patience epochs without a better validation AUC (Keras ReduceLROnPlateau). onecycle (PyTorch's"
          + " OneCycleLR) rises from lr/25 to --lr over --lr-warmup epochs (default 30%% of the run) and falls to lr/25e4.")
  private LearningRateSchedule.Kind lrSchedule;

  @Option(names = "--lr-step-every", defaultValue = "5", paramLabel = "N",
      description = "step: multiply the rate by --lr-factor every N epochs.")
  private int lrStepEvery;

  @Option(names = "--lr-factor", paramLabel = "F", defaultValue = "0.5", description = "step and plateau: the multiplier.")
  private double lrFactor;

  @Option(names = "--lr-patience", defaultValue = "2", paramLabel = "EPOCHS",
      description = "plateau: epochs without a better validation AUC before reducing.")
  private int lrPatience;

  @Option(names = "--lr-min", paramLabel = "RATE", defaultValue = "0", description = "plateau and cosine: the lowest rate.")
  private double lrMin;

  @Option(names = "--lr-warmup", paramLabel = "EPOCHS", defaultValue = "0",
      description = "Linear warm-up over EPOCHS (fractions allowed), step by step; cosine then anneals over the rest."
          + " 0 = none.")
  private double lrWarmup;

  @Option(names = "--early-stop", defaultValue = "0", paramLabel = "PATIENCE",
      description = "Stop after PATIENCE epochs without a better validation AUC; 0 = never.")
  int earlyStop;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "0", description = "TensorFlow threads; 0 = TensorFlow's default.")
  int threads;

  @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "auto", description = "auto | cpu | gpu | gpu:N")
  private String device;

  @Option(names = "--precision", paramLabel = "NAME", defaultValue = "float32",
      description = "float32 | bf16. bf16: convolutions and matrix products compute in bfloat16 through oneDNN"
          + " (TensorFlow's auto_mixed_precision_onednn_bfloat16 rewrite), with float32 weights, optimizer and loss (Keras'"
          + " mixed_bfloat16); checkpoints and the exported model stay float32. Faster on CPUs with AVX512_BF16 or AMX;"
          + " refused on other CPUs (oneDNN would emulate it, slower) and on a GPU. Numerics differ slightly from the"
          + " study's float32. finetune: models from 'pcam import-keras' only, not a contract SavedModel's own train_step.")
  Precision precision;

  @Option(names = "--tensorboard", paramLabel = "DIR",
      description = "Also write per-epoch scalars (loss, accuracy, AUC, lr) as TensorBoard event files to DIR.")
  private Path tensorboard;

  boolean resuming() {
    return resume != null;
  }

  LearningRateSchedule.Config schedule() {
    return new LearningRateSchedule.Config(lrSchedule, lrStepEvery, lrFactor, lrPatience, lrMin, lrWarmup);
  }

  /** The canonical device name for the config; bad values are rejected here, before any work. */
  String device() {
    if (threads < 0) {
      throw new InputException("--threads must be >= 0, got " + threads);
    }
    return Device.parse(device).toString();
  }

  /**
   * Claims the run directory: --resume's (a pcam run, no other options) or a new --out (new,
   * empty, or left by a run killed before it saved its config). Holds the folder's lock until
   * closed, so a second writer into the same folder fails at once.
   */
  RunDirectory.Lock claimRunDir(CommandSpec spec, String requiredHint) {
    if (resume != null) {
      for (OptionSpec option : spec.commandLine().getParseResult().matchedOptions()) {
        if (!List.of("--resume", "--verbose", "--tensorboard").contains(option.longestName())) {
          throw new InputException("--resume continues with the run's config.json; give no other options (got "
              + option.longestName() + ")");
        }
      }
      return RunDirectory.at(resume).claimExisting();
    }
    if (out == null) {
      throw new InputException(requiredHint + " (or --resume RUNDIR)");
    }
    return RunDirectory.at(out).claimNew("--out");
  }

  /** The run directory (new or resumed) and the TensorBoard folder: what a training command writes. */
  List<PathGuard.Role> outputs() {
    List<PathGuard.Role> roles = new ArrayList<>();
    roles.add(resume != null ? PathGuard.Role.of("--resume", resume) : PathGuard.Role.of("--out", out));
    roles.add(PathGuard.Role.of("--tensorboard", tensorboard));
    return roles;
  }

  /**
   * What a training command reads: a new run's inputs ({@code newRun}), or the data and SavedModel
   * a resumed run's config.json names (none when there is no readable config: the resume reports that).
   */
  List<PathGuard.Role> inputs(Supplier<List<PathGuard.Role>> newRun) {
    if (resume == null) {
      return newRun.get();
    }
    if (!RunDirectory.at(resume).isResumable()) {
      return List.of();
    }
    try {
      RunConfig config = RunConfig.load(resume);
      List<PathGuard.Role> roles = new ArrayList<>();
      if (config.data() != null) {
        roles.add(PathGuard.Role.of("(config.json) labels", config.data().labels()));
        roles.add(PathGuard.Role.of("(config.json) images", config.data().images()));
      }
      roles.add(PathGuard.Role.of("(config.json) savedModel", config.savedModel())); // null (a cnn run): skipped
      return roles;
    } catch (RuntimeException unreadable) {
      return List.of(); // a damaged config: the resume itself reports it
    }
  }

  /**
   * What {@code train} and {@code finetune} run: claims the run directory ({@link #claimRunDir}),
   * takes a resumed run's config.json or, for a new run, {@code newConfig}, and trains it.
   */
  void run(CommandSpec spec, String command, String requiredHint, Supplier<RunConfig> newConfig) {
    try (RunDirectory.Lock lock = claimRunDir(spec, requiredHint)) {
      Path runDir = lock.dir().root();
      train(spec, command, runDir, resuming() ? RunConfig.load(runDir) : newConfig.get());
    }
  }

  /**
   * The one training run, for {@code train}, {@code finetune} and (through train) each sweep cell:
   * opens the model (before the data, so a wrong model fails in seconds), loads the split, saves
   * a new run's config only now that both are in hand, trains with {@link #listeners} (Ctrl-C saves
   * a checkpoint and returns) and prints the result.
   */
  private void train(CommandSpec spec, String command, Path runDir, RunConfig config) {
    Device device = Device.parse(config.device());
    Precision precision = config.precisionOrDefault();
    String precisionLine = precision.check(device); // before device.check(): bf16 with --device gpu is refused as such
    LOG.info(device.check());
    LOG.info(precisionLine);
    LOG.info("augmentation {}", config.augmentation().describe());
    TrainingPlan plan = config.plan(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    List<TrainingListener> listeners = listeners(plan);
    Trainer trainer = new Trainer(plan, runDir, listeners);
    TrainingResult result;
    try (TrainableModel model = open(config.source(), device, config.threads(), precision)) {
      Datasets.Split split = Datasets.loadSplit(config.data());
      Trainer.requireTrainable(split.train(), split.validation());
      if (!resuming()) {
        config.save(runDir);
      }
      try (Trainer.ShutdownHook hook = trainer.stopOnShutdown()) {
        result = trainer.fit(model, split.train(), split.validation(), resuming());
      }
    } finally {
      closeAll(listeners);
    }
    printResult(spec.commandLine().getOut(), command, runDir, result);
  }

  private static TrainableModel open(ModelSource source, Device device, int threads, Precision precision) {
    if (source instanceof ModelSource.Cnn cnn) {
      CnnModel model = CnnModel.create(cnn.spec(), device, threads, precision);
      LOG.info("{} at crop {}: {} trainable parameters; weight averaging {}", cnn.spec().architecture().cliName(), cnn.spec().crop(),
          String.format("%,d", model.trainableParams()), cnn.spec().emaDecay() > 0 ? "ema " + cnn.spec().emaDecay() : "off");
      return model;
    }
    ModelSource.SavedModel saved = (ModelSource.SavedModel) source;
    Path dir = saved.dir();
    // An import-keras folder is rebuilt in Java; any other SavedModel must have the train_step contract.
    if (KerasSpec.isImported(dir)) {
      KerasModel model = KerasModel.forFinetuning(dir, saved.optimizer(), saved.trainableLayers(), saved.freezeUntil(), saved.seed(),
          precision, device.sessionConfig(threads)); // KerasModel adds the precision's rewrite
      LOG.info("{}: Keras model from {}, input {}x{}, {} of {} layers with weights train ({} values), input scale {}", dir,
          model.spec().source(), model.inputHeight(), model.inputWidth(), model.trainableWeights().stream().map(w -> w.substring(0, w.lastIndexOf('/'))).distinct().count(),
          model.spec().weighted().size(), String.format("%,d", model.trainableParams()), model.spec().inputScale().label());
      return model;
    }
    if (saved.trainableLayers() != null || saved.freezeUntil() != null) {
      throw new InputException(dir + ": --trainable-layers and --freeze-until apply to models imported with 'pcam import-keras';"
          + " a contract SavedModel's train_step fixed its trainable layers at export");
    }
    if (precision != Precision.FLOAT32) {
      // Its graph was written in Python: pcam cannot pad its convolutions around oneDNN's bfloat16 bug (pcam.model.Bf16ConvPad).
      throw new InputException("precision " + precision + " fine-tunes only models imported with 'pcam import-keras', and " + dir
          + " is not one: a contract SavedModel trains through its own Python-written train_step, which pcam cannot rewrite around"
          + " oneDNN's bfloat16 convolution bug; use --precision float32");
    }
    ContractModel model = ContractModel.load(dir, device.sessionConfig(threads));
    LOG.info("{}: input {}x{}, {} variables ({} values)", dir, model.inputHeight(), model.inputWidth(),
        model.report().variables(), String.format("%,d", model.report().parameters()));
    return model;
  }

  /** Listeners beyond the loop's own: the run's outputs (early stopping, model/, metrics, report), then TensorBoard if asked for. Close them after training. */
  List<TrainingListener> listeners(TrainingPlan plan) {
    List<TrainingListener> listeners = new ArrayList<>(TrainingListener.runOutputs(plan));
    if (tensorboard != null) {
      AtomicFiles.requireCreatable(tensorboard, "--tensorboard");
      if (Files.exists(tensorboard) && !Files.isDirectory(tensorboard)) {
        throw new InputException("--tensorboard " + tensorboard + " is an existing file, expected a folder");
      }
      listeners.add(new TensorBoardListener(tensorboard));
    }
    return listeners;
  }

  static void closeAll(List<TrainingListener> listeners) {
    for (TrainingListener listener : listeners) {
      if (listener instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  static void printResult(PrintWriter out, String command, Path runDir, TrainingResult result) {
    if (result.interrupted()) {
      out.printf("interrupted; continue with: pcam %s --resume %s%n", command, runDir);
    } else {
      out.printf(Locale.ROOT, "%s: best epoch %d of %d, validation AUC %.4f, accuracy %.4f (%s)%n",
          runDir, result.best().epoch(), result.history().size(), result.best().auc(), result.best().accuracy(), result.stopReason());
      out.printf("model: %s%n", RunDirectory.at(runDir).model());
      out.printf("report: %s%n", RunDirectory.at(runDir).report());
    }
    out.flush();
  }
}
