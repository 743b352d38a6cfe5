package pcam.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import pcam.data.Augmentation;
import pcam.data.PatchSet;
import pcam.data.SyntheticPatches;
import pcam.bench.Throughput;
import pcam.model.Architecture;
import pcam.model.CnnModel;
import pcam.model.Device;
import pcam.model.ModelSpec;
import pcam.model.Precision;
import pcam.util.InputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description =
        "Training throughput: graph-only steps on one fixed in-memory batch, against end-to-end steps"
            + " (BatchLoader + augmentation + step) over the same in-memory patches. Prints both and their ratio."
            + " The two are measured in alternating rounds, so load from other processes hits both alike; the ratio is the"
            + " median over rounds of each end-to-end round / the graph-only round before it."
            + " With an augmentation other than flips (e.g. --augment d8+stain), also its cost: end-to-end and loader-only"
            + " throughput against flips only, measured the same way in the same run.")
public final class BenchTrainCommand implements Runnable {
  private static final int ROUNDS = 3;

  @Spec private CommandSpec spec;

  @Option(names = "--model", defaultValue = "cnn3", description = "cnn3 | cnn9")
  private Architecture model;

  @Option(names = "--batch-size", defaultValue = "64")
  private int batchSize;

  @Option(names = "--steps", defaultValue = "40", description = "Measured steps per mode (after warm-up).")
  private int steps;

  @Option(names = "--warmup", defaultValue = "5", description = "Unmeasured steps first.")
  private int warmup;

  @Mixin private AugmentOptions augmentOptions;

  @Option(names = "--loader-threads", description = "Batch assembly threads. Default: half the cores, at least 1.")
  private Integer loaderThreads;

  @Option(names = "--threads", defaultValue = "0", description = "TensorFlow threads; 0 = TensorFlow's default.")
  private int threads;

  @Option(names = "--device", defaultValue = "auto", description = "auto | cpu | gpu | gpu:N")
  private String device;

  @Option(names = "--precision", defaultValue = "float32", description = "float32 | bf16, as for 'pcam train --precision'.")
  private Precision precision;

  @Override
  public void run() {
    if (batchSize <= 0 || steps <= 0 || warmup < 0) {
      throw new InputException("--batch-size and --steps must be > 0 and --warmup >= 0");
    }
    Architecture architecture = model;
    int workers = loaderThreads != null ? loaderThreads : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    if (workers < 1) {
      throw new InputException("--loader-threads must be >= 1");
    }
    Device dev = Device.parse(device);
    precision.check(dev);
    PatchSet patches = synthetic(batchSize * 8);
    Augmentation augmentation = augmentOptions.toAugmentation();
    try (CnnModel cnn = CnnModel.create(ModelSpec.defaults(architecture, 1), dev, threads, precision)) {
      Throughput.TrainResult result =
          Throughput.train(cnn, patches, batchSize, augmentation, workers, 4, (float) architecture.defaultLearningRate(),
              new Throughput.Plan(Math.max(1, steps / ROUNDS), warmup, ROUNDS));
      PrintWriter out = spec.commandLine().getOut();
      out.printf(Locale.ROOT, "model %s, precision %s, batch %d, %d measured steps per mode, loader threads %d, augmentation %s%n",
          architecture.cliName(), precision, batchSize, Math.max(1, steps / ROUNDS) * ROUNDS, workers, augmentation.describe());
      out.printf(Locale.ROOT, "graph-only:  %8.1f img/s (best of %d rounds)%n", result.graphOnly(), ROUNDS);
      out.printf(Locale.ROOT, "end-to-end:  %8.1f img/s%n", result.endToEnd());
      out.printf(Locale.ROOT, "ratio:       %8.3f (end-to-end / graph-only, median of the %d paired rounds; best / best %.3f)%n",
          result.ratio(), ROUNDS, result.bestRatio());
      if (!augmentation.equals(Augmentation.FLIPS)) {
        Throughput.AugmentationCost cost =
            Throughput.augmentationCost(cnn, patches, batchSize, Augmentation.FLIPS, augmentation, workers, 4,
                (float) architecture.defaultLearningRate(), new Throughput.Plan(Math.max(1, steps / ROUNDS), warmup, ROUNDS));
        out.printf(Locale.ROOT, "augmentation %s vs flips only:%n", augmentation.describe());
        out.printf(Locale.ROOT, "  end-to-end:  %8.1f vs %8.1f img/s, ratio %.3f%n", cost.endToEnd(), cost.baselineEndToEnd(), cost.ratio());
        out.printf(Locale.ROOT, "  loader only: %8.1f vs %8.1f img/s, ratio %.3f (loader threads %d)%n",
            cost.loader(), cost.baselineLoader(), cost.loaderRatio(), workers);
      }
      out.flush();
    }
  }

  static PatchSet synthetic(int n) {
    SplittableRandom random = new SplittableRandom(7);
    List<String> ids = new ArrayList<>();
    byte[] labels = new byte[n];
    byte[][] pixels = new byte[n][];
    for (int i = 0; i < n; i++) {
      boolean tumour = random.nextDouble() < SyntheticPatches.POSITIVE_FRACTION;
      labels[i] = (byte) (tumour ? 1 : 0);
      pixels[i] = SyntheticPatches.render(tumour, random);
      ids.add("bench-" + i);
    }
    return new PatchSet(ids, labels, pixels, SyntheticPatches.SIZE, SyntheticPatches.SIZE);
  }
}
