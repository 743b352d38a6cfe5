package pcam.cli;

import java.util.List;
import pcam.data.DataSpec;
import pcam.model.Architecture;
import pcam.model.Head;
import pcam.model.Initializer;
import pcam.model.ModelSource;
import pcam.model.ModelSpec;
import pcam.model.Optimizer;
import pcam.train.LearningRateSchedule;
import pcam.train.RunConfig;
import pcam.util.InputException;
import pcam.util.PathGuard;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    sortOptions = false,
    description =
        "Train the study's cnn3 or cnn9 on a Kaggle-layout folder. Writes RUNDIR/config.json, history.csv,"
            + " train.log, checkpoints/ (best by validation AUC, and last), metrics.json and model/ (a SavedModel"
            + " scoring 0..255 images into probability). Ctrl-C saves a checkpoint; 'pcam train --resume RUNDIR'"
            + " continues with the identical config. --seed also seeds the weights, dropout, batch order and"
            + " augmentation.")
public final class TrainCommand implements Runnable, UsesFiles {
  @Spec private CommandSpec spec;

  @Mixin private DataOptions dataOptions;

  @Mixin private AugmentOptions augmentOptions;

  @Mixin private LoopOptions loop;

  @Option(names = "--model", paramLabel = "NAME", defaultValue = "cnn3", description = "cnn3 | cnn9")
  private Architecture model;

  @Option(names = "--crop", paramLabel = "N", defaultValue = "96", description = "Centre crop inside the graph: 96, 84, 72, 60, 48, 32.")
  private int crop;

  @Option(names = "--head", paramLabel = "NAME", defaultValue = "flatten",
      description = "flatten (the study's: the last feature map flattened into the 256-unit dense layer) | gap"
          + " (global average pooling: each channel's mean, so the dense layer has 128 inputs instead of cnn3's 12,800 at crop 96).")
  private Head head;

  @Option(names = "--batch-norm", negatable = true, defaultValue = "false", fallbackValue = "true",
      description = "Batch normalisation after each conv, before its ReLU (moving averages with momentum 0.9, the"
          + " averaged statistics scored). Off: the study's networks.")
  private boolean batchNorm;

  @Option(names = "--epochs", paramLabel = "N", defaultValue = "15")
  private int epochs;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "64")
  private int batchSize;

  @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "adam", description = "sgd | momentum | rmsprop | adam (Keras defaults).")
  private Optimizer optimizer;

  @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate. Default: 1e-3 for cnn3, 3e-4 for cnn9 (cnn9 stalls at 1e-3, as the study found).")
  private Double lr;

  @Option(names = "--dropout", negatable = true, defaultValue = "true", fallbackValue = "true", description = "The study's dropout layers.")
  private boolean dropout;

  @Option(names = "--conv-dropout", paramLabel = "RATE", description = "Rate after each conv block, applied in steps of 1/256 (0.3 acts as 0.3008). Default: 0.25 for cnn3, 0.3 for cnn9.")
  private Double convDropout;

  @Option(names = "--dense-dropout", paramLabel = "RATE", description = "Rate after the 256-unit dense layer, in steps of 1/256. Default: 0.25 for cnn3, 0.3 for cnn9.")
  private Double denseDropout;

  @Option(names = "--l1", paramLabel = "L1", defaultValue = "0", description = "L1 on kernels (Keras: l1 * sum|w|); the study's best was 0.001.")
  private double l1;

  @Option(names = "--l2", paramLabel = "L2", defaultValue = "0", description = "L2 on kernels (Keras: l2 * sum w^2).")
  private double l2;

  @Option(names = "--init", paramLabel = "NAME", defaultValue = "glorot_uniform",
      description = "glorot_uniform | glorot_normal | lecun_normal | lecun_uniform | he_normal | he_uniform")
  private Initializer init;

  @Option(names = "--ema", paramLabel = "DECAY", defaultValue = "0.99",
      description = "Keep an exponential moving average of the weights (TensorFlow's ExponentialMovingAverage with"
          + " num_updates) and validate, checkpoint as best and export the averages; 0 = off. The default 0.99 beat"
          + " no averaging on pcam-sample's held-out slice (README).")
  private double ema;

  @Override
  public void run() {
    loop.run(spec, "train", "--out RUNDIR is required", this::buildConfig);
  }

  @Override
  public List<PathGuard.Role> inputs() {
    return loop.inputs(dataOptions::inputs);
  }

  @Override
  public List<PathGuard.Role> outputs() {
    return loop.outputs();
  }

  private RunConfig buildConfig() {
    Architecture architecture = model;
    Architecture.checkCrop(crop);
    DataSpec dataSpec = dataOptions.toSpec();
    if (dataSpec.valFraction() <= 0) {
      throw new InputException("pcam train needs a validation split: --val-fraction must be > 0");
    }
    long seed = dataOptions.seed();
    LearningRateSchedule.Config schedule = loop.schedule();
    // ModelSpec validates crop fit, rates and regularisation, plan(1) the loop's knobs, before any data is read.
    ModelSpec modelSpec =
        new ModelSpec(
            architecture, crop, dropout, convDropout != null ? convDropout : architecture.defaultConvDropout(),
            denseDropout != null ? denseDropout : architecture.defaultDenseDropout(), l1, l2, init, optimizer, seed, ema, head, batchNorm);
    RunConfig config =
        RunConfig.of(
            new ModelSource.Cnn(modelSpec), epochs, batchSize, lr != null ? lr : architecture.defaultLearningRate(), schedule,
            augmentOptions.toAugmentation(), loop.earlyStop, loop.threads, loop.device(), loop.precision, dataSpec);
    config.plan(1);
    return config;
  }
}
