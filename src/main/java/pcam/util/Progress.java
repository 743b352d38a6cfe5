package pcam.util;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr for long work (loading, training, scoring). Off when stderr is not a
 * terminal or CI=true, so logs and CI output stay clean; callers use it the same way either way.
 */
public final class Progress implements AutoCloseable {
  private final ProgressBar bar;

  private Progress(ProgressBar bar) {
    this.bar = bar;
  }

  public static Progress start(String task, long total, String unit) {
    if (!enabled()) {
      return new Progress(null);
    }
    ProgressBar bar =
        new ProgressBarBuilder()
            .setTaskName(task)
            .setInitialMax(total)
            .setUnit(" " + unit, 1)
            .setStyle(ProgressBarStyle.ASCII)
            .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
            .showSpeed()
            .setUpdateIntervalMillis(250)
            .continuousUpdate()
            .build();
    return new Progress(bar);
  }

  static boolean enabled() {
    return System.console() != null && !"true".equalsIgnoreCase(System.getenv("CI"));
  }

  public void step(long n) {
    if (bar != null) {
      bar.stepBy(n);
    }
  }

  public void message(String extra) {
    if (bar != null) {
      bar.setExtraMessage(extra);
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
