package pcam.model;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.RewriterConfig;
import pcam.util.InputException;
import pcam.util.ProcInfo;

/**
 * The arithmetic a session computes in. {@link #FLOAT32} is the study's. {@link #BF16} turns on
 * TensorFlow's grappler pass {@code auto_mixed_precision_onednn_bfloat16}: when a session first
 * runs a step it rewrites its copy of the graph so that convolutions, matrix products and the ops
 * safe between them compute in bfloat16 through oneDNN, with casts around them, while variables,
 * the optimizer's update and the loss stay float32 (Keras' {@code mixed_bfloat16} policy). The
 * {@link org.tensorflow.Graph} itself is not changed, so checkpoints and exported SavedModels
 * stay float32. Fast only where the CPU computes bfloat16 natively (AVX512_BF16 or AMX);
 * elsewhere oneDNN emulates it, slower than float32, so {@link #check} refuses.
 */
public enum Precision {
  FLOAT32,
  BF16;

  /** /proc/cpuinfo flags of a CPU that computes bfloat16 natively: any one of them. */
  public static final List<String> NATIVE_BF16_FLAGS = List.of("avx512_bf16", "amx_bf16");

  /** Whether this CPU computes bfloat16 natively (one of {@link #NATIVE_BF16_FLAGS}). */
  public static boolean nativeBf16() {
    return nativeBf16(ProcInfo.cpuFlags());
  }

  static boolean nativeBf16(Set<String> cpuFlags) {
    return NATIVE_BF16_FLAGS.stream().anyMatch(cpuFlags::contains);
  }

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Adds this precision's graph rewrite (none for float32) to session options. */
  void applyTo(ConfigProto.Builder config) {
    if (this == BF16) {
      config.setGraphOptions(GraphOptions.newBuilder().setRewriteOptions(
          RewriterConfig.newBuilder().setAutoMixedPrecisionOnednnBfloat16(RewriterConfig.Toggle.ON)));
    }
  }

  /**
   * Session options {@code config} (null: TensorFlow's defaults) with this precision's rewrite added;
   * float32 returns {@code config} itself. For a model that builds its graph for this precision and
   * takes its session options from the caller, so that graph and session always agree.
   */
  ConfigProto sessionOptions(ConfigProto config) {
    if (this == FLOAT32) {
      return config;
    }
    ConfigProto.Builder options = config == null ? ConfigProto.newBuilder() : config.toBuilder();
    applyTo(options);
    return options.build();
  }

  /**
   * Fails with one clear line when this precision cannot run fast on {@code device} and this CPU;
   * returns a one-line description for the log.
   */
  public String check(Device device) {
    return check(device, ProcInfo.cpuFlags());
  }

  /** {@link #check(Device)} on a CPU with these /proc/cpuinfo flags. */
  public String check(Device device, Set<String> cpuFlags) {
    if (this == FLOAT32) {
      return "precision: float32";
    }
    if (device.kind() == Device.Kind.GPU) {
      throw new InputException("--precision bf16 runs on the CPU only (oneDNN's bfloat16 rewrite), not on --device " + device
          + "; give --device cpu, or --precision float32");
    }
    if (device.kind() == Device.Kind.AUTO && Device.gpuVisible(0)) {
      throw new InputException("--precision bf16 runs on the CPU only (oneDNN's bfloat16 rewrite), and --device auto picks gpu:0 here;"
          + " give --device cpu");
    }
    if (!nativeBf16(cpuFlags)) {
      throw new InputException("--precision bf16: this CPU has no native bfloat16 (neither " + String.join(" nor ", NATIVE_BF16_FLAGS)
          + " in /proc/cpuinfo), so oneDNN would emulate it, slower than float32; use --precision float32");
    }
    return "precision: bf16 (oneDNN bfloat16 convolutions and matmuls; float32 weights and optimizer)";
  }

  @Override
  public String toString() {
    return cliName();
  }
}
