package pcam.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pcam.data.Batch;
import pcam.data.BatchLoader;
import pcam.data.BatchOptions;
import pcam.data.PatchSet;
import pcam.eval.BinaryMetrics;
import pcam.eval.EvaluationMetrics;
import pcam.eval.LabelledPredictions;
import pcam.model.TrainableModel;
import pcam.run.RunDirectory;
import pcam.util.AtomicFiles;
import pcam.util.InputException;

/**
 * The training loop for any {@link TrainableModel}: epochs of shuffled, augmented batches
 * (assembled on background threads by {@link BatchLoader}), validation after each epoch (of the
 * averaged weights under weight averaging), and a stop on request (Ctrl-C) or when the loss stops
 * being finite. It writes history.csv and train.log into the run directory.
 *
 * Everything else is a {@link TrainingListener} the caller chooses: the checkpoints a resume
 * continues from ({@link CheckpointListener}), early stopping, model/, metrics.json,
 * predictions.csv and report.html ({@link TrainingListener#runOutputs}), TensorBoard. The run's
 * config.json is the caller's.
 */
public final class Trainer {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
  private static final int PREFETCH = 4;

  private final TrainingPlan plan;
  private final Path runDir;
  private final RunDirectory dir;
  private final List<TrainingListener> listeners = new ArrayList<>();
  private final ProgressListener progress = new ProgressListener();
  private final AtomicBoolean stopRequested = new AtomicBoolean();
  private final CountDownLatch finished = new CountDownLatch(1);

  /**
   * Where the loop stands: {@code batchesDone} batches into epoch {@code epoch + 1} (0-based
   * {@code epoch}), with that epoch's running sums, so a resume continues it exactly.
   */
  public record State(int epoch, int batchesDone, double lossSum, double correctSum, long seen, double trainSeconds) {
    public static State startOf(int epoch) {
      return new State(epoch, 0, 0, 0, 0, 0);
    }
  }

  /** What a resume continues from ({@link TrainingListener#restore}): the loop's state and the best epoch so far (null if none). */
  public record Restored(State state, EvaluationMetrics best) {}

  /**
   * The run in progress, as listeners see it ({@link TrainingListener#trainingStarted}): the model,
   * its folder, the best epoch so far, and validation scoring with the model's current weights.
   */
  public final class Run {
    private final TrainableModel model;
    private final PatchSet validation;
    private EvaluationMetrics best;

    private Run(TrainableModel model, PatchSet validation) {
      this.model = model;
      this.validation = validation;
    }

    public TrainableModel model() {
      return model;
    }

    public RunDirectory dir() {
      return dir;
    }

    /** The best epoch's validation metrics so far (null before the first epoch ends). */
    public EvaluationMetrics best() {
      return best;
    }

    /** The validation set scored with the model's current weights, labelled as epoch {@code epoch}. */
    public LabelledPredictions scoreValidation(int epoch) {
      return validate(model, validation, epoch, Double.NaN).predictions();
    }
  }

  /**
   * @param plan how to train
   * @param runDir the run directory (created if missing)
   * @param extraListeners called after the built-in progress bar, history.csv writer and log; for
   *     a full run, {@link TrainingListener#runOutputs} (and others)
   */
  public Trainer(TrainingPlan plan, Path runDir, List<TrainingListener> extraListeners) {
    this.plan = plan;
    this.runDir = runDir;
    this.dir = RunDirectory.at(runDir);
    this.listeners.add(progress);
    this.listeners.add(new LogListener());
    this.listeners.addAll(extraListeners);
  }

  /** Asks the loop to save a checkpoint at the current step and return; safe from any thread. */
  public void requestStop() {
    stopRequested.set(true);
  }

  /** A registered shutdown hook; closing it unregisters it. */
  public interface ShutdownHook extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Installs a shutdown hook (Ctrl-C): it requests a stop and waits for the loop to finish
   * saving. Close the returned handle when training is done.
   */
  public ShutdownHook stopOnShutdown() {
    Thread hook =
        new Thread(
            () -> {
              requestStop();
              try {
                finished.await(2, TimeUnit.MINUTES);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "pcam-train-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    return () -> {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // The hook is running: it waits on `finished`, which fit() has counted down.
      }
    };
  }

  /**
   * Trains {@code model} on {@code train}, validating on {@code validation} after each epoch.
   * With {@code resume}, continues from the run directory's last checkpoint and history.
   */
  public TrainingResult fit(TrainableModel model, PatchSet train, PatchSet validation, boolean resume) {
    try {
      return run(model, train, validation, resume);
    } finally {
      progress.close(); // a failure mid-epoch leaves no half-drawn bar before its message
      finished.countDown();
    }
  }

  /**
   * The checks {@link #fit} starts with, for commands to call before they write anything into the
   * run directory, so bad data never leaves a half-made run behind.
   */
  public static void requireTrainable(PatchSet train, PatchSet validation) {
    if (validation.size() == 0 || validation.count(0) == 0 || validation.count(1) == 0) {
      throw new InputException("training needs a validation set with both classes (use --val-fraction > 0), got " + validation.describe());
    }
    if (train.size() == 0) {
      throw new InputException("the training set is empty");
    }
  }

  private TrainingResult run(TrainableModel model, PatchSet train, PatchSet validation, boolean resume) {
    requireTrainable(train, validation);
    try {
      Files.createDirectories(runDir);
    } catch (java.io.IOException e) {
      throw new InputException("cannot create run directory " + runDir + ": " + AtomicFiles.describe(e), e);
    }
    try (TrainLog log = TrainLog.open(dir.log())) {
      Run run = new Run(model, validation);
      List<EpochRecord> history = List.of();
      State state = State.startOf(0);
      Restored restored = null;
      for (int i = 0; resume && restored == null && i < listeners.size(); i++) {
        restored = listeners.get(i).restore(run);
      }
      if (restored != null) {
        state = restored.state();
        run.best = restored.best();
        // Rows past the checkpoint (a crash between writing history.csv and the checkpoint) are redone.
        List<EpochRecord> written = HistoryCsv.read(dir.history());
        history = written.subList(0, Math.min(written.size(), state.epoch()));
        LOG.info("resuming {} at epoch {} batch {}", runDir, state.epoch() + 1, state.batchesDone());
      }
      LearningRateSchedule schedule = plan.schedule().create(plan.learningRate(), plan.epochs());
      history.forEach(schedule::epochEnded);
      HistoryCsv historyCsv = new HistoryCsv(dir.history(), history);
      List<TrainingListener> all = new ArrayList<>(listeners);
      all.add(1, historyCsv);
      List<EpochRecord> records = new ArrayList<>(history);
      for (TrainingListener l : all) {
        l.trainingStarted(run);
      }
      LOG.info("training on {}, validating on {}", train.describe(), validation.describe());

      String stopReason = "completed";
      boolean interrupted = false;
      try {
      for (int epoch = state.epoch(); epoch < plan.epochs(); epoch++) {
        String stop = null;
        for (TrainingListener l : all) {
          stop = stop != null ? stop : l.stopBefore(epoch + 1);
        }
        if (stop != null) {
          stopReason = stop;
          break;
        }
        State done = trainEpoch(model, train, epoch, state.epoch() == epoch ? state : State.startOf(epoch), schedule, all);
        if (done.batchesDone() < batchCount(train)) {
          for (TrainingListener l : all) {
            l.interrupted(done);
          }
          stopReason = "interrupted";
          interrupted = true;
          break;
        }
        double lr = schedule.rate(epoch, batchCount(train) - 1, batchCount(train));
        EpochRecord record;
        boolean improved;
        // With weight averaging, the averages are validated (and become the best checkpoint).
        try (AveragedWeights averaged = AveragedWeights.swapIn(model)) {
          Validation v = validate(model, validation, epoch + 1, lr);
          record =
              new EpochRecord(
                  epoch + 1, done.lossSum() / done.seen(), done.correctSum() / done.seen(), v.loss, v.metrics(epoch + 1).accuracy(),
                  v.auc, lr, done.seen() / done.trainSeconds());
          records.add(record);
          schedule.epochEnded(record);
          // Ties on AUC (common once it saturates) go to the lower validation loss.
          EvaluationMetrics best = run.best;
          improved =
              best == null || record.valAuc() > best.auc() || (record.valAuc() == best.auc() && record.valLoss() < best.loss());
          if (improved) {
            run.best = v.metrics(epoch + 1);
          }
        }
        for (TrainingListener l : all) {
          l.epochEnded(record, improved);
        }
      }
      } catch (TrainingDivergedException e) {
        log.note(e.getMessage()); // the run's own record says how it ended
        throw e;
      }

      TrainingResult result = new TrainingResult(List.copyOf(records), run.best, stopReason, interrupted);
      for (TrainingListener l : all) {
        l.trainingEnded(result);
      }
      return result;
    }
  }

  private int batchCount(PatchSet train) {
    return (train.size() + plan.batchSize() - 1) / plan.batchSize();
  }

  /** Runs the rest of {@code epoch} from {@code state}; returns early (fewer batches done) on a stop request. */
  private State trainEpoch(
      TrainableModel model, PatchSet train, int epoch, State state, LearningRateSchedule schedule, List<TrainingListener> all) {
    int steps = batchCount(train);
    for (TrainingListener l : all) {
      l.epochStarted(epoch + 1, plan.epochs(), steps, train.size());
    }
    int done = state.batchesDone();
    double lossSum = state.lossSum();
    double correctSum = state.correctSum();
    long seen = state.seen();
    double seconds = state.trainSeconds();
    try (BatchLoader loader =
        train.batches(BatchOptions.training(plan.batchSize(), plan.augmentation(), epochSeed(epoch), plan.loaderThreads(), PREFETCH))) {
      for (int skip = 0; skip < done; skip++) {
        loader.next(); // batches this epoch already trained on before the interruption
      }
      long start = System.nanoTime();
      while (loader.hasNext()) {
        if (stopRequested.get()) {
          break;
        }
        Batch batch = loader.next();
        double rate = schedule.rate(epoch, done, steps);
        TrainableModel.StepResult step = model.trainStep(batch, (float) rate);
        if (!Float.isFinite(step.loss())) {
          // The weights are non-finite now: stop before anything (checkpoint, history, best) records them.
          throw new TrainingDivergedException("the loss is " + step.loss(), epoch + 1, done + 1, steps, rate, dir);
        }
        lossSum += (double) step.loss() * batch.count();
        correctSum += (double) step.accuracy() * batch.count();
        seen += batch.count();
        done++;
        for (TrainingListener l : all) {
          l.batchEnded(epoch + 1, done, batch.count(), step, lossSum / seen);
        }
      }
      seconds += (System.nanoTime() - start) / 1e9;
    }
    return new State(epoch, done, lossSum, correctSum, seen, seconds);
  }

  /** Each epoch its own batch order and augmentation stream, reproducible from the run seed. */
  private long epochSeed(int epoch) {
    return plan.seed() ^ ((epoch + 1) * 0x9E3779B97F4A7C15L);
  }

  private record Validation(double loss, double auc, BinaryMetrics.Confusion confusion, LabelledPredictions predictions) {
    EvaluationMetrics metrics(int epoch) {
      return EvaluationMetrics.of(epoch, auc, loss, confusion, EvaluationMetrics.DEFAULT_THRESHOLD);
    }
  }

  private Validation validate(TrainableModel model, PatchSet validation, int epoch, double lr) {
    float[] scores = new float[validation.size()];
    float[] labels = new float[validation.size()];
    double lossSum = 0;
    int at = 0;
    try (BatchLoader loader =
        validation.batches(BatchOptions.inOrder(plan.batchSize(), plan.loaderThreads(), PREFETCH))) {
      while (loader.hasNext()) {
        Batch batch = loader.next();
        TrainableModel.EvalResult result = model.evaluate(batch);
        System.arraycopy(result.probabilities(), 0, scores, at, batch.count());
        System.arraycopy(batch.labels(), 0, labels, at, batch.count());
        lossSum += (double) result.loss() * batch.count();
        at += batch.count();
      }
    }
    int nonFinite = 0;
    for (float s : scores) {
      nonFinite += Float.isFinite(s) ? 0 : 1;
    }
    if (nonFinite > 0 || !Double.isFinite(lossSum)) {
      throw new TrainingDivergedException(
          nonFinite + " of " + scores.length + " validation scores are not finite (validation loss " + lossSum / at + ")",
          epoch, 0, 0, lr, dir);
    }
    return new Validation(
        lossSum / at, BinaryMetrics.auc(scores, labels), BinaryMetrics.confusion(scores, labels, EvaluationMetrics.DEFAULT_THRESHOLD),
        new LabelledPredictions(validation.ids(), labels, scores));
  }
}
