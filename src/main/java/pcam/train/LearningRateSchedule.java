package pcam.train;

import java.util.Locale;
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
    CONSTANT, STEP, PLATEAU, COSINE;

    public static Kind fromName(String name) {
      try {
        return valueOf(name.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new InputException("unknown lr schedule '" + name + "' (choose from constant, step, plateau, cosine)");
      }
    }
  }

  /**
   * A schedule's parameters, as saved in config.json.
   *
   * @param kind constant | step | plateau | cosine
   * @param stepEvery step: multiply the rate by {@code factor} every this many epochs
   * @param factor step and plateau: the multiplier (0 < factor < 1)
   * @param patience plateau: epochs without improvement of validation AUC before reducing
   * @param minRate plateau and cosine: the floor
   */
  record Config(Kind kind, int stepEvery, double factor, int patience, double minRate) {
    public static final Config CONSTANT = new Config(Kind.CONSTANT, 5, 0.5, 2, 0);

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
    }

    /** A fresh schedule for a run of {@code epochs} epochs starting at {@code rate}. */
    public LearningRateSchedule create(double rate, int epochs) {
      return switch (kind) {
        case CONSTANT -> (epoch, step, steps) -> rate;
        case STEP -> (epoch, step, steps) -> rate * Math.pow(factor, epoch / stepEvery);
        case COSINE -> (epoch, step, steps) -> {
          double progress = (epoch + (double) step / steps) / epochs;
          return minRate + 0.5 * (rate - minRate) * (1 + Math.cos(Math.PI * Math.min(progress, 1)));
        };
        case PLATEAU -> new Plateau(rate, factor, patience, minRate);
      };
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
