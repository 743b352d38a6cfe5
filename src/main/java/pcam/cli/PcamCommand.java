package pcam.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "pcam",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Detect metastatic tissue in 96x96 histopathology patches (Kaggle Histopathologic Cancer"
          + " Detection / PatchCamelyon) with TensorFlow Java: train the study's CNNs, load Keras"
          + " SavedModels, and score a folder of patches into a submission CSV.",
      ""
    },
    subcommands = {
      DemoCommand.class, SynthCommand.class, DataCommand.class, SummaryCommand.class, TrainCommand.class, FinetuneCommand.class, ImportKerasCommand.class,
      EvaluateCommand.class, PredictCommand.class, ReportCommand.class, SweepCommand.class, InspectCommand.class,
      BenchCommand.class, SlideCommand.class
    },
    showDefaultValues = true,
    usageHelpAutoWidth = true,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:failure (a bug, or the machine: disk full or an I/O error while writing, out of memory, TensorFlow error)",
      "2:bad input or usage (a bad flag, file, CSV row, image, model or output location; the message names it)"
    },
    footer = {"", "Run 'pcam COMMAND --help' for a command's options. Logs go to stderr, results to stdout."})
public final class PcamCommand implements Runnable {

  @Option(names = {"-v", "--verbose"}, description = "Debug logging and full stack traces on errors.", scope = picocli.CommandLine.ScopeType.INHERIT)
  private boolean verbose;

  @picocli.CommandLine.Spec
  private picocli.CommandLine.Model.CommandSpec spec;

  public boolean verbose() {
    return verbose;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
