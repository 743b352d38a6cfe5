package pcam.model;

import java.util.Locale;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;
import pcam.util.InputException;

/**
 * Where graphs run: {@code auto} (a GPU when TF sees one, else CPU), {@code cpu}, or {@code gpu}
 * / {@code gpu:N}. The session config always lets memory grow on demand, so a 24 GB card is not
 * grabbed whole, and allows soft placement for ops that have no GPU kernel.
 */
public record Device(Kind kind, int index) {
  public enum Kind { AUTO, CPU, GPU }

  public static final Device AUTO = new Device(Kind.AUTO, 0);

  /** Parses {@code auto|cpu|gpu|gpu:N}; anything else is bad input naming the value. */
  public static Device parse(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    if (s.equals("auto")) {
      return AUTO;
    }
    if (s.equals("cpu")) {
      return new Device(Kind.CPU, 0);
    }
    if (s.equals("gpu")) {
      return new Device(Kind.GPU, 0);
    }
    if (s.startsWith("gpu:")) {
      try {
        int index = Integer.parseInt(s.substring(4));
        if (index >= 0) {
          return new Device(Kind.GPU, index);
        }
      } catch (NumberFormatException ignored) {
        // fall through to the error below
      }
    }
    throw new InputException("--device: expected auto, cpu, gpu or gpu:N, got '" + text + "'");
  }

  /** Session options for this device and thread count (0 = TensorFlow's default pools), in float32. */
  public ConfigProto sessionConfig(int threads) {
    return sessionConfig(threads, Precision.FLOAT32);
  }

  /** Session options for this device, thread count and precision (bf16 adds its graph rewrite: {@link Precision}). */
  public ConfigProto sessionConfig(int threads, Precision precision) {
    ConfigProto.Builder config =
        ConfigProto.newBuilder()
            .setAllowSoftPlacement(true)
            .setGpuOptions(GPUOptions.newBuilder().setAllowGrowth(true));
    if (kind == Kind.CPU) {
      config.putDeviceCount("GPU", 0);
    }
    if (kind == Kind.GPU) {
      config.setGpuOptions(
          GPUOptions.newBuilder().setAllowGrowth(true).setVisibleDeviceList(Integer.toString(index)));
    }
    if (threads > 0) {
      config.setIntraOpParallelismThreads(threads).setInterOpParallelismThreads(Math.min(threads, 2));
    }
    precision.applyTo(config);
    return config.build();
  }

  /**
   * Fails with a clear message when a GPU was asked for and TensorFlow cannot place an op on it,
   * instead of silently running on the CPU. Returns a one-line description for the log.
   */
  public String check() {
    boolean gpuVisible = gpuVisible(kind == Kind.GPU ? index : 0);
    if (kind == Kind.GPU && !gpuVisible) {
      throw new InputException(
          "--device " + this + ": TensorFlow sees no GPU " + index
              + " (CPU-only native build, or no CUDA 12.5 / cuDNN 9.3 / driver on this host; build with -Pgpu)");
    }
    return switch (kind) {
      case CPU -> "device: cpu";
      case GPU -> "device: gpu:" + index;
      case AUTO -> "device: auto -> " + (gpuVisible ? "gpu:0" : "cpu (no GPU visible to TensorFlow)");
    };
  }

  /** Probes by running one op pinned to the GPU with soft placement off. */
  static boolean gpuVisible(int index) {
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      var probe =
          tf.withDevice(DeviceSpec.newBuilder().deviceType(DeviceSpec.DeviceType.GPU).deviceIndex(index).build())
              .math.add(tf.constant(1f), tf.constant(1f));
      try (Session session = new Session(graph, ConfigProto.newBuilder().setAllowSoftPlacement(false).build());
          var result = session.runner().fetch(probe).run()) {
        return true;
      } catch (RuntimeException e) {
        return false;
      }
    }
  }

  @Override
  public String toString() {
    return kind == Kind.GPU ? "gpu:" + index : kind.name().toLowerCase(Locale.ROOT);
  }
}
