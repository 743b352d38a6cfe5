package pcam.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import com.fasterxml.jackson.core.type.TypeReference;
import java.util.LinkedHashMap;
import java.util.Map;
import pcam.interop.SavedModelInspector;
import pcam.interop.ScoringSetup;
import pcam.interop.SavedModelInspector.Report;
import pcam.interop.SavedModelInspector.SignatureInfo;
import pcam.interop.SavedModelInspector.TensorSpec;
import pcam.interop.SavedModelInspector.Verdict;
import pcam.model.KerasSpec;
import pcam.util.InputException;
import pcam.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
      "Lists tags, signatures (inputs/outputs with dtype and shape) and variables, then how pcam will score"
          + " with the model: its image input and the resize, the input scale, whether the output holds"
          + " probabilities or logits (read from the graph) and which class is positive, each with where the"
          + " decision came from. The model is loaded and run on one image before it is called usable.",
      "Verdict: 'fine-tunable' (serving_default + train_step per the contract), 'scorable' (one image input"
          + " float32/uint8 [N,H,W,3], one class output [N,K]), 'needs options' (scorable once the named flags"
          + " are given; they are then stored in pcam-model.json beside the model) or 'not usable'."
          + " Exit code 0 whatever the verdict unless --require is given; 2 if MODEL_DIR is not a SavedModel"
          + " or a flag does not fit the model."
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

  @Mixin private ModelChoiceOptions choices;

  @Override
  public Integer call() {
    if (require != null && !require.equals("scorable") && !require.equals("fine-tunable")) {
      throw new InputException("--require must be scorable or fine-tunable, not '" + require + "'");
    }
    ScoringSetup.Choices given = choices.toChoices();
    Report report = SavedModelInspector.verifyLoads(modelDir, SavedModelInspector.inspect(modelDir));
    ScoringSetup setup = report.verdict() == Verdict.NOT_USABLE ? null : ScoringSetup.resolve(modelDir, report, given);
    Path stored = setup == null ? null : setup.remember(modelDir).orElse(null);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> tree = Json.MAPPER.convertValue(report, new TypeReference<LinkedHashMap<String, Object>>() {});
      if (setup != null) {
        tree.put("scoring", setup.lines());
        tree.put("needs", setup.missing());
        tree.put("warnings", setup.warnings());
      }
      out.println(Json.toString(tree));
    } else {
      print(report, setup, stored, out);
    }
    out.flush();
    boolean ready = setup != null && setup.ready();
    // A folder from import-keras has no train_step: pcam finetune rebuilds it in Java from keras-model.json.
    boolean importedKeras = report.verdict() == Verdict.SCORABLE && KerasSpec.isImported(modelDir);
    boolean enough =
        require == null
            || (report.verdict() == Verdict.FINE_TUNABLE || importedKeras) && ready
            || require.equals("scorable") && report.verdict() == Verdict.SCORABLE && ready;
    if (!enough) {
      if (setup != null && !setup.ready()) {
        throw new InputException(modelDir + " needs options, not " + require + " as it stands: " + String.join("; ", setup.missing()));
      }
      throw new InputException(modelDir + " is " + report.verdict().label() + ", not " + require + ": " + report.reason());
    }
    return ExitCodes.OK;
  }

  static void print(Report report, PrintWriter out) {
    print(report, null, null, out);
  }

  static void print(Report report, ScoringSetup setup, Path stored, PrintWriter out) {
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
    if (setup != null) {
      setup.lines().forEach(line -> out.println("scoring     " + line));
      setup.warnings().forEach(warning -> out.println("warning     " + warning));
      if (stored != null) {
        out.println("stored      these choices in " + stored + (stored.startsWith(Path.of(report.dir())) ? "" : " (the model folder is read-only)"));
      }
      if (!setup.ready()) {
        out.println("verdict     needs options: " + String.join("; ", setup.missing()));
        return;
      }
    }
    out.println("verdict     " + report.verdict().label() + ": " + report.reason());
    if (report.verdict() == Verdict.SCORABLE && KerasSpec.isImported(Path.of(report.dir()))) {
      KerasSpec keras = KerasSpec.load(Path.of(report.dir()));
      out.println("keras       imported from " + keras.source() + " (Keras " + keras.kerasVersion() + "), " + keras.nodes().size() + " layers, "
          + keras.weighted().size() + " with weights; trained on input scale " + keras.inputScale().label() + "; " + keras.head().describe());
      out.println("            fine-tunable with 'pcam finetune' (rebuilt in Java from " + KerasSpec.FILE + ", no train_step needed)");
    }
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
