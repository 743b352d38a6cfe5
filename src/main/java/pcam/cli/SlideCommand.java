package pcam.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "slide",
    mixinStandardHelpOptions = true,
    description = "Whole-slide images: score a pyramidal TIFF slide into a tumour heatmap, or describe one.",
    subcommands = {SlideScoreCommand.class, SlideInfoCommand.class})
public final class SlideCommand implements Runnable {
  @Spec private CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
