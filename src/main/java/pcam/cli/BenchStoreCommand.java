package pcam.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import pcam.bench.PairedFraction;
import pcam.bench.Throughput;
import pcam.data.Augmentation;
import pcam.data.DataSpec;
import pcam.data.Datasets;
import pcam.data.PatchSet;
import pcam.data.SourceSpec;
import pcam.model.Architecture;
import pcam.model.CnnModel;
import pcam.model.Device;
import pcam.model.ModelSpec;
import pcam.util.InputException;

@Command(
    name = "store",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description = {
      "Training throughput with the pixels in the memory-mapped store (what train uses) against the same patches "
          + "copied onto the heap (the old in-memory store), in alternating rounds A B B A A B ... of end-to-end "
          + "training steps (loader threads reading the store, augmentation, cnn3 step). Reports each mode's median "
          + "and the median of the per-pair ratios mapped / heap."
    })
public final class BenchStoreCommand implements Runnable {
  @Spec private CommandSpec spec;

  @Mixin private SourceOptions source;

  @Option(names = "--limit", defaultValue = "4000", paramLabel = "N", description = "Patches (the heap copy must fit in -Xmx).")
  private int limit;

  @Option(names = "--pairs", defaultValue = "6", paramLabel = "P", description = "Round pairs (one of each mode per pair).")
  private int pairs;

  @Option(names = "--steps", defaultValue = "30", paramLabel = "S", description = "Training steps per round.")
  private int steps;

  @Option(names = "--batch-size", defaultValue = "64", paramLabel = "N")
  private int batchSize;

  @Option(names = "--loader-threads", defaultValue = "1", paramLabel = "N", description = "Batch assembly threads.")
  private int loaderThreads;

  @Override
  public void run() {
    if (limit < batchSize || pairs < 1 || steps < 1 || batchSize < 1 || loaderThreads < 1) {
      throw new InputException("need --limit >= --batch-size >= 1 and --pairs, --steps, --loader-threads >= 1");
    }
    SourceSpec where = source.labelledSource();
    PatchSet mapped = Datasets.loadLabelled(new DataSpec(where.labels(), where.images(), limit, null, 0, 1,
        DataSpec.DEFAULT_DARK_THRESHOLD, DataSpec.DEFAULT_BRIGHT_THRESHOLD, false, false, true));
    PatchSet heap = mapped.onHeap();
    Augmentation augmentation = Augmentation.DEFAULT;
    List<Double> mappedRates = new ArrayList<>();
    List<Double> heapRates = new ArrayList<>();
    List<Double> ratios = new ArrayList<>();
    long[] epoch = {0};
    try (CnnModel model = CnnModel.create(ModelSpec.defaults(Architecture.CNN3, 1), Device.AUTO, 0)) {
      float lr = (float) Architecture.CNN3.defaultLearningRate();
      // Unmeasured: one round of each mode (graph warm-up, first touch of every page of both stores).
      Throughput.endToEnd(model, mapped, batchSize, augmentation, loaderThreads, 4, lr, steps, epoch);
      Throughput.endToEnd(model, heap, batchSize, augmentation, loaderThreads, 4, lr, steps, epoch);
      for (int pair = 0; pair < pairs; pair++) {
        boolean mappedFirst = pair % 2 == 0;
        double a = Throughput.endToEnd(model, mappedFirst ? mapped : heap, batchSize, augmentation, loaderThreads, 4, lr, steps, epoch);
        double b = Throughput.endToEnd(model, mappedFirst ? heap : mapped, batchSize, augmentation, loaderThreads, 4, lr, steps, epoch);
        double m = mappedFirst ? a : b;
        double h = mappedFirst ? b : a;
        mappedRates.add(m);
        heapRates.add(h);
        ratios.add(m / h);
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "%d patches (mapped store: %s), batch %d, %d steps per round, %d pairs, loader threads %d, augmentation %s%n",
        mapped.size(), mapped.isMapped(), batchSize, steps, pairs, loaderThreads, augmentation.describe());
    out.printf(Locale.ROOT, "mapped:  median %.1f img/s  rounds %s%n", PairedFraction.median(mappedRates), format(mappedRates));
    out.printf(Locale.ROOT, "heap:    median %.1f img/s  rounds %s%n", PairedFraction.median(heapRates), format(heapRates));
    out.printf(Locale.ROOT, "ratio mapped/heap: median %.3f  pairs %s%n", PairedFraction.median(ratios), format(ratios));
    out.flush();
  }

  private static String format(List<Double> values) {
    return values.stream().map(v -> String.format(Locale.ROOT, "%.3g", v)).toList().toString();
  }
}
