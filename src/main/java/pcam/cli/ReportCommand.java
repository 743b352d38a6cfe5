package pcam.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import pcam.eval.RunReport;

@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description = {
      "(Re)build RUNDIR/report.html: training curves from history.csv, ROC curve and confusion matrix "
          + "from predictions.csv, metrics.json and config.json, whichever the folder has."
    })
public final class ReportCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "RUNDIR", description = "A run directory (train) or an evaluate output folder.")
  private Path runDir;

  @Override
  public Integer call() {
    Path report = RunReport.write(runDir);
    spec.commandLine().getOut().println("wrote " + report);
    return ExitCodes.OK;
  }
}
