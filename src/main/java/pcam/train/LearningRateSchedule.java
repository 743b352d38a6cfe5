package pcam.train;

import pcam.util.InputException;

/**
 * The learning rate for every step. Possible because the CNN graphs take the rate as a fed
 * placeholder. Schedules that react to validation ({@link Kind#PLATEAU}) see every finished epoch
 * through {@link #epochEnded}; on resume the trainer replays history.csv through it, so no
 * schedule state needs saving.
 */
public interface LearningRateSchedule {
  /** Rate for {@code step} (0-based) of {@code epoch} (0-based). */
  double rate(int epoch, int step, int stepsPerEpoch);

  /** Called after each epoch's validation. */
  default void epochEnded(EpochRecord record) {}

  enum Kind {
    CONSTANT, STEP, PLATEAU, COSINE, ONECYCLE
  }

  /**
   * A schedule's parameters, as saved in config.json.
   *
   * @param kind constant | step | plateau | cosine
   * @param stepEvery step: multiply the rate by {@code factor} every this many epochs
   * @param factor step and plateau: the multiplier (0 < factor < 1)
   * @param patience plateau: epochs without improvement of validation AUC before reducing
   * @param minRate plateau and cosine: the floor
   * @param warmupEpochs a linear warm-up over this many epochs (fractions allowed), step by step:
   *     the rate at global step s (0-based) is multiplied by {@code (s + 1) / (warmupEpochs * steps)}
   *     until that reaches 1; cosine then anneals over the epochs after the warm-up. For onecycle it
   *     is the rising phase (0: 30% of the run, PyTorch's pct_start). 0 = none (also what a
   *     config.json written before it existed reads as)
   */
  record Config(Kind kind, int stepEvery, double factor, int patience, double minRate, double warmupEpochs) {
    public static final Config CONSTANT = new Config(Kind.CONSTANT, 5, 0.5, 2, 0);
    /** onecycle: the rate starts at max / DIV_FACTOR and ends at that / FINAL_DIV_FACTOR (PyTorch's defaults). */
    public static final double DIV_FACTOR = 25;
    public static final double FINAL_DIV_FACTOR = 1e4;
    public static final double ONECYCLE_PCT_START = 0.3;

    public Config(Kind kind, int stepEvery, double factor, int patience, double minRate) {
      this(kind, stepEvery, factor, patience, minRate, 0);
    }

    public Config {
      if (stepEvery < 1) {
        throw new InputException("--lr-step-every must be >= 1, got " + stepEvery);
      }
      if (!(factor > 0 && factor < 1)) {
        throw new InputException("--lr-factor must be in (0, 1), got " + factor);
      }
      if (patience < 1) {
        throw new InputException("--lr-patience must be >= 1, got " + patience);
      }
      if (!(minRate >= 0) || Double.isInfinite(minRate)) {
        throw new InputException("--lr-min must be a finite number >= 0, got " + minRate);
      }
      if (!(warmupEpochs >= 0) || Double.isInfinite(warmupEpochs)) {
        throw new InputException("--lr-warmup must be >= 0 epochs, got " + warmupEpochs);
      }
    }

    /**
     * A fresh schedule for a run of {@code epochs} epochs starting at {@code rate} (onecycle: peaking
     * at it).
     */
    public LearningRateSchedule create(double rate, int epochs) {
      if (warmupEpochs >= epochs) {
        throw new InputException("--lr-warmup (" + warmupEpochs + " epochs) must be shorter than the run (" + epochs + " epochs)");
      }
      LearningRateSchedule base = switch (kind) {
        case CONSTANT -> (epoch, step, steps) -> rate;
        case STEP -> (epoch, step, steps) -> rate * Math.pow(factor, epoch / stepEvery);
        case COSINE -> (epoch, step, steps) -> {
          double progress = (epoch + (double) step / steps - warmupEpochs) / (epochs - warmupEpochs);
          return minRate + 0.5 * (rate - minRate) * (1 + Math.cos(Math.PI * Math.min(Math.max(progress, 0), 1)));
        };
        case PLATEAU -> new Plateau(rate, factor, patience, minRate);
        case ONECYCLE -> (epoch, step, steps) -> oneCycle(rate, epoch * steps + step, epochs * steps,
            warmupEpochs > 0 ? warmupEpochs / epochs : ONECYCLE_PCT_START);
      };
      return warmupEpochs > 0 && kind != Kind.ONECYCLE ? new Warmup(base, warmupEpochs) : base;
    }
  }

  /**
   * PyTorch's OneCycleLR (anneal_strategy "cos", two phases) at global step {@code s} of
   * {@code total}: cosine from max/25 up to max until step pctStart*total - 1, then cosine down to
   * max/25/1e4 at the last step.
   */
  static double oneCycle(double max, int s, int total, double pctStart) {
    double initial = max / Config.DIV_FACTOR;
    double last = initial / Config.FINAL_DIV_FACTOR;
    double peakStep = pctStart * total - 1;
    if (s <= peakStep) {
      return cosineAnneal(initial, max, s / peakStep);
    }
    return cosineAnneal(max, last, (s - peakStep) / (total - 1 - peakStep));
  }

  /** From {@code start} (pct 0) to {@code end} (pct 1) along half a cosine. */
  static double cosineAnneal(double start, double end, double pct) {
    return end + (start - end) / 2 * (1 + Math.cos(Math.PI * pct));
  }

  /** Multiplies another schedule by a linear ramp {@code (s + 1) / (epochs * steps)} while that is below 1. */
  final class Warmup implements LearningRateSchedule {
    private final LearningRateSchedule inner;
    private final double epochs;

    Warmup(LearningRateSchedule inner, double epochs) {
      this.inner = inner;
      this.epochs = epochs;
    }

    @Override
    public double rate(int epoch, int step, int stepsPerEpoch) {
      double ramp = ((double) epoch * stepsPerEpoch + step + 1) / (epochs * stepsPerEpoch);
      return inner.rate(epoch, step, stepsPerEpoch) * Math.min(1, ramp);
    }

    @Override
    public void epochEnded(EpochRecord record) {
      inner.epochEnded(record);
    }
  }

  /** Keras ReduceLROnPlateau on validation AUC (mode max): reduce after {@code patience} flat epochs. */
  final class Plateau implements LearningRateSchedule {
    private final double factor;
    private final int patience;
    private final double minRate;
    private double current;
    private double best = Double.NEGATIVE_INFINITY;
    private int wait;

    Plateau(double rate, double factor, int patience, double minRate) {
      this.current = rate;
      this.factor = factor;
      this.patience = patience;
      this.minRate = minRate;
    }

    @Override
    public double rate(int epoch, int step, int stepsPerEpoch) {
      return current;
    }

    @Override
    public void epochEnded(EpochRecord record) {
      // A NaN AUC (never written by the trainer, but a hand-edited history.csv) counts as no improvement.
      if (record.valAuc() > best) {
        best = record.valAuc();
        wait = 0;
      } else if (++wait >= patience) {
        current = Math.max(minRate, current * factor);
        wait = 0;
      }
    }
  }
}
