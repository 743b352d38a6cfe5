package pcam.bench;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;

/**
 * Reaches the DJL peer ({@code pcam.bench.DjlPeer}, compiled only with {@code mvn -Pdjl}) by
 * reflection, so the main artifact neither contains nor needs DJL.
 */
public final class DjlBridge {
  static final String PEER = "pcam.bench.DjlPeer";

  private DjlBridge() {}

  public static boolean available() {
    try {
      Class.forName(PEER);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** The peer's engine, threads and build features ({@code DjlPeer.describe}), or empty without the peer. */
  public static Optional<String> describe() {
    if (!available()) {
      return Optional.empty();
    }
    try {
      return Optional.of((String) Class.forName(PEER).getMethod("describe").invoke(null));
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("DJL peer present but unusable: " + e, e);
    }
  }

  /** cnn3 train and infer img/s ({@code train_img_s}, {@code infer_img_s}), or empty without the peer. */
  @SuppressWarnings("unchecked")
  public static Optional<Map<String, Double>> measure(int batchSize, Throughput.Plan plan) {
    if (!available()) {
      return Optional.empty();
    }
    try {
      Method measure = Class.forName(PEER).getMethod("measure", int.class, int.class, int.class, int.class);
      return Optional.of((Map<String, Double>) measure.invoke(null, batchSize, plan.warmup(), plan.steps(), plan.rounds()));
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("DJL peer present but unusable: " + e, e);
    }
  }
}
