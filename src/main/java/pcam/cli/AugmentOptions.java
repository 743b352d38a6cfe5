package pcam.cli;

import pcam.data.Augmentation;
import pcam.util.InputException;
import picocli.CommandLine.Option;

/** Training-batch augmentation flags (mix in with {@code @Mixin}); validation is never augmented. */
public final class AugmentOptions {
  @Option(names = "--rotation", paramLabel = "DEG", defaultValue = "0",
      description = "Rotate each training patch by a random angle in [-DEG, +DEG] degrees, edges filled with the"
          + " nearest pixel (Keras rotation_range, fill_mode=nearest); 0 turns it off. The study used 40; on"
          + " pcam-sample it slowed learning, so pcam's default is flips only.")
  private double rotation;

  @Option(names = "--no-hflip", description = "Do not flip training patches left-right at random.")
  private boolean noHorizontalFlip;

  @Option(names = "--no-vflip", description = "Do not flip training patches upside down at random.")
  private boolean noVerticalFlip;

  public Augmentation toAugmentation() {
    if (!(rotation >= 0 && rotation <= 180)) {
      throw new InputException("--rotation must be within 0..180 degrees, got " + rotation);
    }
    return new Augmentation(!noHorizontalFlip, !noVerticalFlip, rotation);
  }
}
