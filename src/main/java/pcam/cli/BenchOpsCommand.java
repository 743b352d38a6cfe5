package pcam.cli;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import pcam.bench.FlopCount;
import pcam.bench.GraphFlops;
import pcam.bench.KernelTimes;
import pcam.bench.MatmulBench;
import pcam.bench.OpProfile;
import pcam.bench.Throughput;
import pcam.data.Batch;
import pcam.model.Architecture;
import pcam.model.CnnModel;
import pcam.model.Device;
import pcam.model.ModelSpec;
import pcam.model.Precision;
import pcam.util.InputException;
import org.tensorflow.proto.ConfigProto;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "ops",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description =
        "Where a training step's time goes: TensorFlow's own full trace of each op (after its graph rewrites, so"
            + " oneDNN's kernels appear under their own names), summed by op type and listed by node. Convolutions and"
            + " matrix products also get their FLOP rate, as a fraction of a 2048x2048 float32 matmul timed in the same"
            + " run: the kernels that fall short of the machine's ceiling stand out. Then each of those kernels again,"
            + " alone in a graph of its own (same op, shapes and threads): their sum is the library's limit for the"
            + " step, the time it would take if everything else were free. Synthetic batch, cnn3/cnn9 defaults.")
public final class BenchOpsCommand implements Runnable {
  @Spec private CommandSpec spec;

  @Option(names = "--model", defaultValue = "cnn3", description = "cnn3 | cnn9")
  private Architecture model;

  @Option(names = "--batch-size", defaultValue = "64")
  private int batchSize;

  @Option(names = "--steps", defaultValue = "20", description = "Traced steps (after warm-up).")
  private int steps;

  @Option(names = "--warmup", defaultValue = "5", description = "Untraced steps first.")
  private int warmup;

  @Option(names = "--top", defaultValue = "25", description = "Nodes listed, slowest first.")
  private int top;

  @Option(names = "--threads", defaultValue = "0", description = "TensorFlow threads; 0 = TensorFlow's default.")
  private int threads;

  @Option(names = "--runs", defaultValue = "9", description = "Timed runs of each kernel alone (the median counts); 0 skips them.")
  private int runs;

  @Option(names = "--precision", defaultValue = "float32",
      description = "float32 | bf16: the traced training step's, as for 'pcam train --precision'. The matmul ceiling and the"
          + " kernels alone stay float32.")
  private Precision precision;

  @Override
  public void run() {
    if (batchSize <= 0 || steps <= 0 || warmup < 0 || top < 0 || runs < 0) {
      throw new InputException("--batch-size and --steps must be > 0, --warmup, --top and --runs >= 0");
    }
    Device cpu = Device.parse("cpu");
    precision.check(cpu);
    ModelSpec modelSpec = ModelSpec.defaults(model, 1);
    float lr = (float) model.defaultLearningRate();
    OpProfile profile = new OpProfile();
    double ceiling = 0;
    Map<String, Long> flops = new HashMap<>();
    List<KernelTimes.Kernel> kernels = List.of();
    ConfigProto config = cpu.sessionConfig(threads);
    try (CnnModel cnn = CnnModel.create(modelSpec, cpu, threads, precision);
        MatmulBench matmul = new MatmulBench(2048, config)) {
      Batch batch = Throughput.firstBatch(BenchTrainCommand.synthetic(batchSize), batchSize);
      for (int i = 0; i < warmup; i++) {
        cnn.trainStep(batch, lr);
      }
      for (int i = 0; i < steps; i++) {
        ceiling = Math.max(ceiling, matmul.gflops());
        cnn.trainStep(batch, lr, profile::add);
      }
      for (OpProfile.Node node : profile.nodes()) {
        flops.put(node.name(), GraphFlops.of(cnn.graph(), node.name(), node.op(), batchSize));
      }
      if (runs > 0) {
        kernels = KernelTimes.time(cnn.graph(), profile.nodes(), batchSize, config, runs, precision);
      }
    }
    long counted = flops.values().stream().mapToLong(Long::longValue).sum();
    long expected = FlopCount.trainPerImage(modelSpec.layers()) * batchSize;
    print(spec.commandLine().getOut(), profile, flops, ceiling);
    spec.commandLine().getOut().printf(Locale.ROOT,
        "%nFLOPs per step from the traced ops' shapes: %,d; from the layer list (FlopCount): %,d%s%n", counted, expected,
        counted == expected ? "" : " (the difference: bf16's zero fourth channel on the first conv; rates below use the layer list's)");
    if (!kernels.isEmpty()) {
      printAlone(spec.commandLine().getOut(), profile, kernels, expected, ceiling);
    }
    spec.commandLine().getOut().flush();
  }

  private void print(PrintWriter out, OpProfile profile, Map<String, Long> flops, double ceiling) {
    double wall = profile.wallMicrosPerStep();
    double total = profile.nodes().stream().mapToDouble(OpProfile.Node::micros).sum();
    out.printf(Locale.ROOT, "%s %s batch %d, %d traced steps: %.1f ms per step (first op start to last op end), ops sum %.1f ms;"
            + " float32 matmul 2048² %.1f GFLOP/s (fastest product, timed between the steps)%n",
        model.cliName(), precision, batchSize, profile.steps(), wall / 1e3, total / 1e3, ceiling);
    out.printf(Locale.ROOT, "%n%-44s %9s %7s%n", "op type", "ms/step", "share");
    profile.byOp().forEach((op, micros) ->
        out.printf(Locale.ROOT, "%-44s %9.2f %6.1f%%%n", op, micros / 1e3, 100 * micros / total));
    out.printf(Locale.ROOT, "%n%-56s %-36s %9s %7s %9s %9s%n", "node", "op", "ms/step", "share", "GFLOP/s", "of matmul");
    List<OpProfile.Node> nodes = profile.nodes();
    for (OpProfile.Node node : nodes.subList(0, Math.min(top, nodes.size()))) {
      long f = flops.get(node.name());
      String rate = f == 0 ? "" : String.format(Locale.ROOT, "%9.1f", f / node.micros() / 1e3);
      String fraction = f == 0 || ceiling == 0 ? "" : String.format(Locale.ROOT, "%9.3f", f / node.micros() / 1e3 / ceiling);
      out.printf(Locale.ROOT, "%-56s %-36s %9.2f %6.1f%% %9s %9s%n",
          node.name(), node.op(), node.micros() / 1e3, 100 * node.micros() / total, rate, fraction);
    }
    out.flush();
  }

  /** The kernels alone against the same kernels in the step, and the limit they set. */
  private void printAlone(PrintWriter out, OpProfile profile, List<KernelTimes.Kernel> kernels, long stepFlops, double ceiling) {
    Map<String, Double> inStep = new HashMap<>();
    profile.nodes().forEach(n -> inStep.put(n.name(), n.micros()));
    out.printf(Locale.ROOT, "%nThe same kernels alone, in %s (own graph, same op, shapes and threads; median of %d runs):%n", precision, runs);
    out.printf(Locale.ROOT, "%-56s %-22s %9s %9s %9s %9s%n", "node", "op", "ms alone", "in step", "GFLOP/s", "of matmul");
    for (KernelTimes.Kernel k : kernels) {
      double rate = k.flops() / k.micros() / 1e3;
      out.printf(Locale.ROOT, "%-56s %-22s %9.2f %9.2f %9.1f %9.3f%n",
          k.node(), k.op(), k.micros() / 1e3, inStep.get(k.node()) / 1e3, rate, rate / ceiling);
    }
    double limit = KernelTimes.limitGflops(stepFlops, kernels);
    double step = stepFlops / profile.wallMicrosPerStep() / 1e3;
    out.printf(Locale.ROOT, "kernels alone: %.1f ms per step, the step %.1f ms. The library's limit for this step: %.1f GFLOP/s ="
            + " %.3f of matmul; the traced step: %.1f GFLOP/s = %.3f of matmul = %.3f of the limit%n",
        kernels.stream().mapToDouble(KernelTimes.Kernel::micros).sum() / 1e3, profile.wallMicrosPerStep() / 1e3,
        limit, limit / ceiling, step, step / ceiling, step / limit);
    out.flush();
  }
}
