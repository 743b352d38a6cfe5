package pcam.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import pcam.data.Augmentation;
import pcam.data.Batch;
import pcam.data.BatchLoader;
import pcam.data.PatchSet;
import pcam.data.SyntheticPatches;
import pcam.model.Architecture;
import pcam.model.CnnModel;
import pcam.model.Device;
import pcam.model.ModelSpec;
import pcam.util.InputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description = {
      "Training throughput: graph-only steps on one fixed in-memory batch, against end-to-end steps",
      "(BatchLoader + augmentation + step) over the same in-memory patches. Prints both and their ratio.",
      "The two are measured in alternating rounds, so load from other processes hits both alike."
    })
public final class BenchTrainCommand implements Runnable {
  private static final int ROUNDS = 2;

  @Spec private CommandSpec spec;

  @Option(names = "--model", defaultValue = "cnn3", description = "cnn3 | cnn9")
  private String model;

  @Option(names = "--batch-size", defaultValue = "64")
  private int batchSize;

  @Option(names = "--steps", defaultValue = "40", description = "Measured steps per mode (after warm-up).")
  private int steps;

  @Option(names = "--warmup", defaultValue = "5", description = "Unmeasured steps first.")
  private int warmup;

  @Option(names = "--rotation", defaultValue = "0", paramLabel = "DEGREES", description = "End-to-end augmentation: flips plus this rotation.")
  private double rotation;

  @Option(names = "--loader-threads", description = "Batch assembly threads. Default: half the cores, at least 1.")
  private Integer loaderThreads;

  @Option(names = "--threads", defaultValue = "0", description = "TensorFlow threads; 0 = TensorFlow's default.")
  private int threads;

  @Option(names = "--device", defaultValue = "auto", description = "auto | cpu | gpu | gpu:N")
  private String device;

  @Override
  public void run() {
    if (batchSize <= 0 || steps <= 0 || warmup < 0) {
      throw new InputException("--batch-size and --steps must be > 0 and --warmup >= 0");
    }
    if (rotation < 0 || rotation > 180) {
      throw new InputException("--rotation must be within 0..180 degrees, got " + rotation);
    }
    Architecture architecture = Architecture.fromName(model);
    int workers = loaderThreads != null ? loaderThreads : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    if (workers < 1) {
      throw new InputException("--loader-threads must be >= 1");
    }
    Device dev = Device.parse(device);
    PatchSet patches = synthetic(batchSize * 8);
    Augmentation augmentation = new Augmentation(true, true, rotation);
    Batch fixed = firstBatch(patches);
    double graphSeconds = 0;
    double endToEndSeconds = 0;
    try (CnnModel cnn = CnnModel.create(ModelSpec.defaults(architecture, 1), dev, threads)) {
      float lr = (float) architecture.defaultLearningRate();
      for (int i = 0; i < warmup; i++) {
        cnn.trainStep(fixed, lr);
      }
      int perRound = Math.max(1, steps / ROUNDS);
      for (int round = 0; round < ROUNDS; round++) {
        long start = System.nanoTime();
        for (int i = 0; i < perRound; i++) {
          cnn.trainStep(fixed, lr);
        }
        graphSeconds += (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        int done = 0;
        for (int epoch = 0; done < perRound; epoch++) {
          try (BatchLoader loader = new BatchLoader(patches, batchSize, true, augmentation, round * 1000L + epoch, workers, 4)) {
            while (loader.hasNext() && done < perRound) {
              cnn.trainStep(loader.next(), lr);
              done++;
            }
          }
        }
        endToEndSeconds += (System.nanoTime() - start) / 1e9;
      }
      long images = (long) perRound * ROUNDS * batchSize;
      double graph = images / graphSeconds;
      double endToEnd = images / endToEndSeconds;
      PrintWriter out = spec.commandLine().getOut();
      out.printf(Locale.ROOT, "model %s, batch %d, %d measured steps per mode, loader threads %d, augmentation flips%s%n",
          architecture.cliName(), batchSize, perRound * ROUNDS, workers, rotation > 0 ? " + rotation " + rotation : "");
      out.printf(Locale.ROOT, "graph-only:  %8.1f img/s%n", graph);
      out.printf(Locale.ROOT, "end-to-end:  %8.1f img/s%n", endToEnd);
      out.printf(Locale.ROOT, "ratio:       %8.3f (end-to-end / graph-only)%n", endToEnd / graph);
      out.flush();
    }
  }

  private static PatchSet synthetic(int n) {
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

  private Batch firstBatch(PatchSet patches) {
    try (BatchLoader loader = new BatchLoader(patches, batchSize, false, Augmentation.NONE, 0, 1, 1)) {
      return loader.next();
    }
  }
}
