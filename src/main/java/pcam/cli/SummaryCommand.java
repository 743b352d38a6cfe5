package pcam.cli;

import pcam.model.Architecture;
import pcam.model.Head;
import pcam.model.ModelSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "summary",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description = "Print a Keras-style summary (layer, output shape, params) of cnn3 or cnn9 at a crop size.")
public final class SummaryCommand implements Runnable {
  @Spec private CommandSpec spec;

  @Option(names = "--model", defaultValue = "cnn3", description = "cnn3 | cnn9")
  private Architecture model;

  @Option(names = "--crop", defaultValue = "96", description = "Centre crop: 96, 84, 72, 60, 48 or 32 (cnn9 needs >= 60).")
  private int crop;

  @Option(names = "--dropout", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Show the dropout layers (they have no parameters).")
  private boolean dropout;

  @Option(names = "--head", defaultValue = "flatten", description = "flatten (the study's) | gap (global average pooling).")
  private Head head;

  @Option(names = "--batch-norm", defaultValue = "false", description = "With batch normalisation after each conv.")
  private boolean batchNorm;

  @Override
  public void run() {
    Architecture architecture = model;
    spec.commandLine().getOut().print(
        ModelSummary.render(architecture, crop, dropout, architecture.defaultConvDropout(), architecture.defaultDenseDropout(), head, batchNorm));
    spec.commandLine().getOut().flush();
  }
}
