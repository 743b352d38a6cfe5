package pcam.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import pcam.bench.MemoryProbe;
import pcam.data.Batch;
import pcam.data.SyntheticPatches;
import pcam.data.TiffSource;
import pcam.eval.Predictor;
import pcam.model.Architecture;
import pcam.model.CnnModel;
import pcam.model.Device;
import pcam.model.ModelSpec;
import pcam.model.SavedModelScorer;
import pcam.model.ScoringModel;
import pcam.util.AtomicFiles;
import pcam.util.InputException;

@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description = {
      "Long-run stability of scoring: streams --patches synthetic patches through the predictor (decode,"
          + " batch, predict, as 'pcam predict' does) in one run and samples the process RSS every --every"
          + " images. Prints the curve and the growth from the first sample after --warmup to the last;"
          + " a leak of native tensors or decoded images shows as steady growth.",
      "",
      "--distinct synthetic files are written to a temp folder and scored in a cycle, so 100,000 patches"
          + " need no 2.7 GB of disk. Without --model, a freshly initialised cnn3 is exported and scored."
    })
public final class BenchSoakCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Mixin private ScoringOptions scoring;

  @Option(names = "--model", paramLabel = "M", description = "Run directory or SavedModel folder. Default: a fresh cnn3.")
  private Path model;

  @Option(names = "--patches", defaultValue = "100000", description = "Patches to score in total.")
  private int patches;

  @Option(names = "--distinct", defaultValue = "4096", description = "Distinct synthetic patch files, scored in a cycle.")
  private int distinct;

  @Option(names = "--every", defaultValue = "5000", description = "Sample RSS after every this many images.")
  private int every;

  @Option(names = "--warmup", defaultValue = "10000", description = "Images scored before the baseline sample.")
  private int warmup;

  /** RSS (and Java heap in use) after {@code images} images. */
  record Sample(long images, double rssMb, double heapMb) {}

  @Override
  public Integer call() throws IOException {
    if (patches <= 0 || distinct <= 0 || every <= 0 || warmup < 0) {
      throw new InputException("--patches, --distinct and --every must be positive and --warmup >= 0");
    }
    if (warmup >= patches) {
      throw new InputException("--warmup (" + warmup + ") must be below --patches (" + patches + ")");
    }
    Predictor.Options options = scoring.toOptions();
    PrintWriter out = spec.commandLine().getOut();
    Path tmp = Files.createTempDirectory("pcam-soak-");
    try {
      SyntheticPatches.write(tmp.resolve("data"), 1, Math.min(distinct, patches), 42, false);
      Path images = tmp.resolve("data").resolve("test");
      List<String> files = TiffSource.unlabelled(images, null).ids();
      List<String> ids = new ArrayList<>(patches);
      for (int i = 0; i < patches; i++) {
        ids.add(files.get(i % files.size()));
      }
      Path savedModel = model != null ? ModelArgument.savedModelDir(model) : freshCnn3(tmp.resolve("cnn3"));
      List<Sample> samples = new ArrayList<>();
      long start = System.nanoTime();
      try (SavedModelScorer scorer = SavedModelScorer.load(savedModel);
          Sampling sampling = new Sampling(scorer, every, samples)) {
        new Predictor(sampling, options).predict(images, ids);
        if (samples.isEmpty() || samples.get(samples.size() - 1).images() != patches) {
          sampling.sample();
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      print(out, samples, seconds, savedModel);
      return ExitCodes.OK;
    } finally {
      AtomicFiles.deleteRecursively(tmp);
    }
  }

  private void print(PrintWriter out, List<Sample> samples, double seconds, Path savedModel) {
    out.printf(Locale.ROOT, "scored %,d patches (%d distinct files, batch %d) with %s in %.0f s (%.0f img/s)%n",
        patches, Math.min(distinct, patches), scoring.batchSize, model != null ? savedModel : "a fresh cnn3", seconds, patches / seconds);
    out.println("    images    RSS MB   heap MB");
    for (Sample s : samples) {
      out.printf(Locale.ROOT, "%10d %9.1f %9.1f%n", s.images(), s.rssMb(), s.heapMb());
    }
    Sample baseline = samples.stream().filter(s -> s.images() >= warmup).findFirst().orElse(samples.get(0));
    Sample last = samples.get(samples.size() - 1);
    double peak = samples.stream().filter(s -> s.images() >= baseline.images()).mapToDouble(Sample::rssMb).max().orElse(Double.NaN);
    out.printf(Locale.ROOT, "RSS growth after warm-up: %+.1f MB (%.1f MB at %,d images -> %.1f MB at %,d; peak %.1f MB)%n",
        last.rssMb() - baseline.rssMb(), baseline.rssMb(), baseline.images(), last.rssMb(), last.images(), peak);
    out.flush();
  }

  private static Path freshCnn3(Path dir) {
    try (CnnModel cnn = CnnModel.create(ModelSpec.defaults(Architecture.CNN3, 42), Device.AUTO, 0)) {
      cnn.exportSavedModel(dir);
    }
    return dir;
  }

  /** Passes batches to the model and samples RSS each time another {@code every} images are done. */
  private static final class Sampling implements ScoringModel {
    private final ScoringModel model;
    private final int every;
    private final List<Sample> samples;
    private long images;

    Sampling(ScoringModel model, int every, List<Sample> samples) {
      this.model = model;
      this.every = every;
      this.samples = samples;
    }

    @Override
    public int inputHeight() {
      return model.inputHeight();
    }

    @Override
    public int inputWidth() {
      return model.inputWidth();
    }

    @Override
    public float[] predict(Batch batch) {
      float[] p = model.predict(batch);
      long before = images;
      images += batch.count();
      if (images / every > before / every) {
        sample();
      }
      return p;
    }

    void sample() {
      Runtime rt = Runtime.getRuntime();
      samples.add(new Sample(images, MemoryProbe.rssMb(), (rt.totalMemory() - rt.freeMemory()) / 1048576.0));
    }

    @Override
    public void close() {
      // The wrapped model is closed by its owner.
    }
  }
}
