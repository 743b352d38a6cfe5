package pcam.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Anonymous resident memory ({@link MemoryProbe#anonRssMb}: no file pages, which the kernel may
 * drop under memory pressure) sampled while a workload runs step by step: the leak check. Each sample is
 * taken after a full GC, so Java garbage not yet collected does not read as growth; what remains
 * is live heap plus native (TensorFlow) memory. Reusable for any long run: pass the step.
 */
public final class RssTrace {
  /** RSS (MB) after {@code steps[i]} steps; the first sample is before the first step. */
  public record Trace(List<Long> steps, List<Double> rssMb) {
    public double before() {
      return rssMb.get(0);
    }

    public double after() {
      return rssMb.get(rssMb.size() - 1);
    }

    public double growthMb() {
      return after() - before();
    }

    /** Growth over the second half of the run only: the steady state, after pools have filled. */
    public double secondHalfGrowthMb() {
      return after() - rssMb.get(rssMb.size() / 2);
    }
  }

  private RssTrace() {}

  /** Runs {@code step} with 0..steps-1 and samples RSS {@code samples} times at even intervals (plus before). */
  public static Trace run(long steps, int samples, LongConsumer step) {
    if (steps <= 0 || samples <= 0) {
      throw new IllegalArgumentException("steps and samples must be positive");
    }
    List<Long> at = new ArrayList<>();
    List<Double> rss = new ArrayList<>();
    at.add(0L);
    rss.add(settledRssMb());
    long done = 0;
    for (int s = 1; s <= samples; s++) {
      long until = steps * s / samples;
      for (; done < until; done++) {
        step.accept(done);
      }
      at.add(done);
      rss.add(settledRssMb());
    }
    return new Trace(List.copyOf(at), List.copyOf(rss));
  }

  private static double settledRssMb() {
    System.gc();
    return MemoryProbe.anonRssMb();
  }
}
