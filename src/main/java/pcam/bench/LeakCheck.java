package pcam.bench;

import pcam.data.Augmentation;
import pcam.data.BatchOptions;
import pcam.data.EndlessBatches;
import pcam.data.PatchSet;
import pcam.model.Architecture;
import pcam.model.CnnModel;
import pcam.model.Device;
import pcam.model.ModelSpec;

/**
 * RSS over many training steps through the whole training path (loader threads, augmentation,
 * tensors per step, session run), with a small batch and crop so 10k steps are affordable: the
 * per-step allocations are the same as at full size, only the arithmetic is smaller.
 */
public final class LeakCheck {
  public record Settings(Architecture architecture, int crop, int batchSize, long steps, int warmupSteps, int samples) {}

  /** The study's augmentation, flips and rotation within ±40°: the loader's heaviest path. */
  public static final Augmentation STUDY_AUGMENTATION = new Augmentation(true, true, 40);

  private LeakCheck() {}

  /** Default leak-check workload: cnn3 at crop 32, batch 8, with flips/rotations on. */
  public static Settings settings(long steps) {
    return new Settings(Architecture.CNN3, 32, 8, steps, (int) Math.min(500, Math.max(10, steps / 10)), 20);
  }

  public static RssTrace.Trace run(Settings settings, PatchSet patches, int threads, int loaderThreads) {
    ModelSpec defaults = ModelSpec.defaults(settings.architecture(), 1);
    ModelSpec spec =
        new ModelSpec(defaults.architecture(), settings.crop(), true, defaults.convDropout(), defaults.denseDropout(),
            0, 0, defaults.initializer(), defaults.optimizer(), 1);
    float lr = (float) settings.architecture().defaultLearningRate();
    try (CnnModel model = CnnModel.create(spec, new Device(Device.Kind.CPU, 0), threads);
        EndlessBatches steps = patches.endlessBatches(
            BatchOptions.training(settings.batchSize(), STUDY_AUGMENTATION, 0, loaderThreads, 4))) {
      for (int i = 0; i < settings.warmupSteps(); i++) {
        model.trainStep(steps.next(), lr);
      }
      return RssTrace.run(settings.steps(), settings.samples(), i -> model.trainStep(steps.next(), lr));
    }
  }
}
