package pcam.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;
import pcam.eval.Sweep;
import pcam.eval.SweepGrid;
import pcam.eval.SweepReport;
import pcam.run.RunDirectory;
import pcam.util.InputException;
import pcam.util.PathGuard;

@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description = {
      "Train every combination of the --set values, each as a normal run directory SWEEPDIR/<key=value_...>, "
          + "then write SWEEPDIR/sweep.csv (params, best validation AUC and accuracy, epochs, time), AUC-vs-knob "
          + "plots for numeric knobs, the loss curves as a grid over the first two knobs, and sweep.html. "
          + "Any other option is passed to 'pcam train' for every run (e.g. --model cnn9 --epochs 10 --limit 10000). "
          + "Run it again to resume: finished runs are skipped, interrupted ones continue from their checkpoint.",
      "",
      "Example: pcam sweep --data DIR --out sweeps/opt --set optimizer=sgd,rmsprop,adam --set lr=0.01,0.001 --epochs 5"
    })
public final class SweepCommand implements Callable<Integer>, UsesFiles {
  @Spec private CommandSpec spec;

  @Option(names = "--data", paramLabel = "DIR",
      description = "Kaggle or PCam HDF5 layout, as for train. Other data flags (--split, --images, --labels, ...) pass through to train.")
  private Path data;

  @Option(names = "--out", required = true, paramLabel = "SWEEPDIR", description = "Sweep folder; one run directory per cell.")
  private Path out;

  @Option(names = "--set", required = true, paramLabel = "KEY=V1,V2,...",
      description = "A train option and its values to sweep, e.g. lr=0.01,0.001 or crop=96,72,48. Repeat for a grid.")
  private List<String> sets;

  @Unmatched private List<String> trainArgs = new ArrayList<>();

  @Override
  public Integer call() {
    SweepGrid grid = SweepGrid.parse(sets);
    for (String arg : trainArgs) {
      String name = arg.replaceFirst("=.*", "");
      if (grid.keys().stream().anyMatch(k -> name.equals("--" + k))) {
        throw new InputException(name + " is both swept (--set) and fixed; give it once");
      }
      if (name.equals("--out") || name.equals("--resume")) {
        throw new InputException(name + " is chosen by the sweep for each run");
      }
    }
    PrintWriter stdout = spec.commandLine().getOut();
    List<Sweep.Row> rows;
    try (RunDirectory.Lock lock = RunDirectory.at(out).claimFolder("--out")) {
      rows = Sweep.run(grid, out, this::train);
    }
    for (Sweep.Row r : rows) {
      stdout.printf(Locale.ROOT, "%-40s auc %.4f  accuracy %.4f  epochs %d%s%n",
          r.cell().name(), r.bestAuc(), r.bestAccuracy(), r.epochs(), r.skipped() ? "  (done before)" : "");
    }
    stdout.printf("wrote %s and %s%n", out.resolve(SweepReport.CSV), out.resolve(SweepReport.HTML));
    return ExitCodes.OK;
  }

  @Override
  public List<PathGuard.Role> inputs() {
    return data == null ? List.of() : SourceOptions.dataInputs("--data", data);
  }

  @Override
  public List<PathGuard.Role> outputs() {
    return List.of(PathGuard.Role.of("--out", out));
  }

  /** Runs 'pcam train' in this process, with this command's streams, so each cell is an ordinary run. */
  private void train(SweepGrid.Cell cell, Path runDir, boolean resume) {
    List<String> args = new ArrayList<>(List.of("train"));
    if (resume) {
      args.addAll(List.of("--resume", runDir.toString()));
    } else {
      if (data != null) {
        args.addAll(List.of("--data", data.toString()));
      }
      args.addAll(List.of("--out", runDir.toString()));
      args.addAll(trainArgs);
      cell.params().forEach((k, v) -> args.addAll(List.of("--" + k, v)));
    }
    CommandLine train = Commands.create(spec.commandLine().getOut(), spec.commandLine().getErr());
    // The cell's failure is reported once, by this command, naming the cell: not by the inner run too.
    Exception[] failure = new Exception[1];
    train.setExecutionExceptionHandler((e, cmd, parsed) -> {
      failure[0] = e;
      return e instanceof InputException ? ExitCodes.BAD_INPUT : ExitCodes.FAILURE;
    });
    int code = train.execute(args.toArray(String[]::new));
    if (failure[0] instanceof InputException e) {
      throw new InputException("sweep cell " + cell.name() + ": " + e.getMessage(), e);
    }
    if (failure[0] instanceof RuntimeException e) {
      throw e;
    }
    if (code == ExitCodes.BAD_INPUT) {
      throw new InputException("sweep stopped: 'pcam " + String.join(" ", args) + "' rejected its input (see above)");
    }
    if (code != ExitCodes.OK) {
      throw new IllegalStateException("sweep stopped: 'pcam " + String.join(" ", args) + "' failed with exit code " + code);
    }
  }
}
