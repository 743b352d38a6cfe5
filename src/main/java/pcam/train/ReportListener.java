package pcam.train;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pcam.eval.RunReport;

/** At the end of a run that was not interrupted: report.html from the files the run left. */
public final class ReportListener implements TrainingListener {
  private static final Logger LOG = LoggerFactory.getLogger(ReportListener.class);
  private Trainer.Run run;

  @Override
  public void trainingStarted(Trainer.Run run) {
    this.run = run;
  }

  @Override
  public void trainingEnded(TrainingResult result) {
    if (!result.interrupted() && result.best() != null) {
      LOG.info("report {}", RunReport.write(run.dir().root()));
    }
  }
}
