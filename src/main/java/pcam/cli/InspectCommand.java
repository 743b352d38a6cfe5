package pcam.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import pcam.interop.SavedModelInspector;
import pcam.interop.SavedModelInspector.Report;
import pcam.interop.SavedModelInspector.SignatureInfo;
import pcam.interop.SavedModelInspector.TensorSpec;
import pcam.interop.SavedModelInspector.Verdict;
import pcam.util.InputException;
import pcam.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description = {
      "Show a SavedModel's signatures and variables, and whether pcam can use it.",
      "Lists tags, signatures (inputs/outputs with dtype and shape) and variables, and gives a verdict"
          + " with the reason: 'fine-tunable' (serving_default + train_step per the contract), 'scorable'"
          + " (serving_default: images float32 [N,H,W,3] 0..255 -> probability [N,1]) or 'not usable'."
          + " Exit code 0 whatever the verdict unless --require is given; 2 if MODEL_DIR is not a SavedModel."
    })
public final class InspectCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Parameters(paramLabel = "MODEL_DIR", description = "SavedModel folder (with saved_model.pb and variables/).")
  private Path modelDir;

  @Option(names = "--json", description = "Print the report as JSON instead of text.")
  private boolean json;

  @Option(
      names = "--require",
      paramLabel = "LEVEL",
      description = "Exit with 2 and the reason unless the model is at least this usable: scorable or fine-tunable.")
  private String require;

  @Override
  public Integer call() {
    if (require != null && !require.equals("scorable") && !require.equals("fine-tunable")) {
      throw new InputException("--require must be scorable or fine-tunable, not '" + require + "'");
    }
    Report report = SavedModelInspector.inspect(modelDir);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.toString(report));
    } else {
      print(report, out);
    }
    out.flush();
    boolean enough =
        require == null
            || report.verdict() == Verdict.FINE_TUNABLE
            || require.equals("scorable") && report.verdict() == Verdict.SCORABLE;
    if (!enough) {
      throw new InputException(modelDir + " is " + report.verdict().label() + ", not " + require + ": " + report.reason());
    }
    return ExitCodes.OK;
  }

  static void print(Report report, PrintWriter out) {
    out.println("SavedModel  " + report.dir());
    out.println("tags        " + String.join(" | ", report.tags()));
    out.println("signatures  " + (report.signatures().isEmpty() ? "(none)" : ""));
    for (SignatureInfo signature : report.signatures()) {
      out.println("  " + signature.key());
      signature.inputs().forEach(t -> out.println(line("in ", t)));
      signature.outputs().forEach(t -> out.println(line("out", t)));
    }
    out.printf(
        "variables   %d (%,d values; %s on disk; saver: %s)%n",
        report.variables(), report.parameters(), humanBytes(report.variablesBytesOnDisk()), report.hasSaver() ? "yes" : "no");
    if (report.inputHeight() != -1 || report.inputWidth() != -1) {
      out.println("input size  " + size(report.inputHeight()) + "x" + size(report.inputWidth())
          + (report.inputHeight() == 96 && report.inputWidth() == 96 ? "" : " (patches are resized from 96x96)"));
    }
    out.println("verdict     " + report.verdict().label() + ": " + report.reason());
  }

  private static String line(String direction, TensorSpec t) {
    return String.format("    %s %-16s %-8s %s", direction, t.key(), t.dtype(), t.shape());
  }

  private static String size(int dim) {
    return dim < 0 ? "any" : Integer.toString(dim);
  }

  private static String humanBytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return String.format("%.1f KB", bytes / 1024.0);
    }
    return String.format("%.1f MB", bytes / (1024.0 * 1024));
  }
}
