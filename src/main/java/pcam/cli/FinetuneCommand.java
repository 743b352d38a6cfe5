package pcam.cli;

import java.nio.file.Path;
import java.util.List;
import pcam.data.DataSpec;
import pcam.model.ModelSource;
import pcam.model.Optimizer;
import pcam.train.RunConfig;
import pcam.util.InputException;
import pcam.util.PathGuard;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "finetune",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    sortOptions = false,
    description = {
      "Fine-tune a Keras model: a folder written by 'pcam import-keras' (rebuilt in Java: all layers train, or"
          + " --trainable-layers / --freeze-until, with --optimizer), or a contract SavedModel (e.g. VGG16/ResNet50 from"
          + " keras-export/) through its own train_step (check it with 'pcam inspect').",
      "Writes the same run directory as"
          + " 'train': config.json, history.csv, train.log, checkpoints/ (best by validation AUC, and last),"
          + " metrics.json and model/ (the original SavedModel with the best weights). Ctrl-C saves a"
          + " checkpoint; 'pcam finetune --resume RUNDIR' continues with the identical config."
    })
public final class FinetuneCommand implements Runnable, UsesFiles {

  @Spec private CommandSpec spec;

  @Option(names = "--savedmodel", paramLabel = "DIR",
      description = "A folder from 'pcam import-keras' (or a run of it), or a fine-tunable SavedModel (serving_default + train_step).")
  private Path savedModel;

  @Option(names = "--trainable-layers", paramLabel = "N",
      description = "import-keras models: train only the last N layers with weights (BatchNormalization before them runs in inference mode). Default: all.")
  private Integer trainableLayers;

  @Option(names = "--freeze-until", paramLabel = "LAYER",
      description = "import-keras models: freeze the layers with weights before LAYER (its Keras name, or base/name inside a nested model); LAYER and the rest train.")
  private String freezeUntil;

  @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "adam",
      description = "import-keras models: sgd | momentum | rmsprop | adam (Keras defaults). A contract SavedModel's train_step brings its own.")
  private Optimizer optimizer;

  @Mixin private DataOptions dataOptions;

  @Mixin private AugmentOptions augmentOptions;

  @Mixin private LoopOptions loop;

  @Option(names = "--epochs", defaultValue = "10")
  private int epochs;

  @Option(names = "--batch-size", defaultValue = "32")
  private int batchSize;

  @Option(names = "--lr", defaultValue = "1e-4", description = "Learning rate fed to train_step (pretrained weights want a small one).")
  private double lr;

  @Override
  public void run() {
    loop.run(spec, "finetune", "--savedmodel, --data and --out are required", this::buildConfig);
  }

  @Override
  public List<PathGuard.Role> inputs() {
    return loop.inputs(() -> {
      List<PathGuard.Role> roles = new java.util.ArrayList<>(dataOptions.inputs());
      roles.add(PathGuard.Role.of("--savedmodel", savedModel));
      return roles;
    });
  }

  @Override
  public List<PathGuard.Role> outputs() {
    return loop.outputs();
  }

  private RunConfig buildConfig() {
    if (savedModel == null) {
      throw new InputException("--savedmodel DIR is required");
    }
    DataSpec dataSpec = dataOptions.toSpec();
    if (dataSpec.valFraction() <= 0) {
      throw new InputException("pcam finetune needs a validation split: --val-fraction must be > 0");
    }
    RunConfig config =
        RunConfig.of(
            new ModelSource.SavedModel(savedModel.toAbsolutePath().normalize(), optimizer, trainableLayers, freezeUntil, dataOptions.seed()),
            epochs, batchSize, lr, loop.schedule(), augmentOptions.toAugmentation(), loop.earlyStop, loop.threads, loop.device(),
            loop.precision, dataSpec);
    config.plan(1); // validates epochs, batch size, rate and patience before anything is loaded
    return config;
  }
}
