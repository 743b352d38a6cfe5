package pcam.train;

import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pcam.eval.EvaluationMetrics;
import pcam.run.RunDirectory;
import pcam.util.AtomicFiles;
import pcam.util.Json;

/**
 * The run's resume state, in its folder:
 *
 * <pre>
 * checkpoints/last/  weights + optimizer state + state.json (where in the run it was taken)
 * checkpoints/best/  weights + metrics.json of that epoch
 * </pre>
 *
 * The last checkpoint is written after every epoch (after history.csv, so a crash between the two
 * only redoes that epoch) and when the loop stops mid-epoch on request (Ctrl-C); the best one
 * whenever validation AUC improves, with the averaged weights in place under weight averaging
 * (they are what was validated). {@code --resume} continues from the last one ({@link #restore}).
 * A run that diverges never reaches these hooks with non-finite weights: the loop throws first.
 */
public final class CheckpointListener implements TrainingListener {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointListener.class);
  private Trainer.Run run;

  @Override
  public Trainer.Restored restore(Trainer.Run run) {
    RunDirectory dir = run.dir();
    if (!dir.hasCheckpoint()) {
      return null; // killed before its first checkpoint: the run starts again from epoch 1
    }
    run.model().restoreCheckpoint(dir.lastCheckpoint());
    Trainer.State state = Json.read(dir.lastCheckpoint().resolve(RunDirectory.STATE), Trainer.State.class);
    Path bestMetrics = dir.bestCheckpoint().resolve(RunDirectory.METRICS);
    return new Trainer.Restored(state, Files.exists(bestMetrics) ? EvaluationMetrics.read(bestMetrics) : null);
  }

  @Override
  public void trainingStarted(Trainer.Run run) {
    this.run = run;
  }

  @Override
  public void epochEnded(EpochRecord record, boolean best) {
    if (best) {
      EvaluationMetrics metrics = run.best();
      try (AveragedWeights averaged = AveragedWeights.swapIn(run.model())) {
        AtomicFiles.write(run.dir().bestCheckpoint(), tmp -> {
          run.model().saveCheckpoint(tmp);
          Json.MAPPER.writeValue(tmp.resolve(RunDirectory.METRICS).toFile(), metrics);
        });
      }
    }
    saveLast(Trainer.State.startOf(record.epoch()));
  }

  @Override
  public void interrupted(Trainer.State state) {
    saveLast(state);
    LOG.info("interrupted: checkpoint saved at epoch {} batch {}; continue with --resume {}", state.epoch() + 1, state.batchesDone(),
        run.dir().root());
  }

  private void saveLast(Trainer.State state) {
    AtomicFiles.write(run.dir().lastCheckpoint(), tmp -> {
      run.model().saveCheckpoint(tmp);
      Json.MAPPER.writeValue(tmp.resolve(RunDirectory.STATE).toFile(), state);
    });
  }
}
