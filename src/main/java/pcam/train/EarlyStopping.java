package pcam.train;

/** Ends the run once {@code patience} epochs have passed without a better validation AUC (the best checkpoint's). */
public final class EarlyStopping implements TrainingListener {
  private final int patience;
  private Trainer.Run run;

  public EarlyStopping(int patience) {
    if (patience < 1) {
      throw new IllegalArgumentException("patience must be >= 1, got " + patience);
    }
    this.patience = patience;
  }

  @Override
  public void trainingStarted(Trainer.Run run) {
    this.run = run;
  }

  @Override
  public String stopBefore(int epoch) {
    return run.best() != null && epoch - 1 - run.best().epoch() >= patience
        ? "early stop: no better validation AUC for " + patience + " epochs"
        : null;
  }
}
