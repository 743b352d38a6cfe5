package pcam.cli;

import java.util.Locale;
import pcam.data.Augmentation;
import pcam.util.InputException;
import picocli.CommandLine.Option;

/**
 * Training-batch augmentation flags (mix in with {@code @Mixin}): a named preset, then knobs that
 * override its parts. Validation is never augmented.
 */
public final class AugmentOptions {
  @Option(names = "--augment", paramLabel = "PRESET", defaultValue = Augmentation.DEFAULT_PRESET,
      description = "none | flips | d8 (flips and quarter turns: all 8 dihedral transforms) | d8+stain (d8 and H&E"
          + " stain jitter " + Augmentation.STAIN_SIGMA + ") | study (flips and rotation up to 40 degrees, the study's)."
          + " The knobs below change parts of it.")
  private String preset;

  @Option(names = "--stain-jitter", paramLabel = "SIGMA",
      description = "H&E stain jitter after colour deconvolution: each stain's density s becomes a*s+b, a in"
          + " [1-SIGMA,1+SIGMA], b in [-SIGMA,SIGMA] (Tellez et al. 2018; 0.05 light, 0.2 strong); 0 turns it off."
          + " Default: the preset's.")
  private Double stainJitter;

  @Option(names = "--color-jitter", paramLabel = "B,C,S,H",
      description = "Brightness, contrast, saturation (factors in [1-x,1+x]) and hue (up to H turns, <= 0.5)"
          + " jitter, as torchvision's ColorJitter, e.g. 0.1,0.1,0.1,0.02. Default: none.")
  private String colorJitter;

  @Option(names = "--rotation", paramLabel = "DEG",
      description = "Rotate each training patch by a random angle in [-DEG, +DEG] degrees, edges filled with the"
          + " nearest pixel (Keras rotation_range, fill_mode=nearest); 0 turns it off. The study used 40; on"
          + " pcam-sample it slowed learning. Default: the preset's.")
  private Double rotation;

  @Option(names = "--no-hflip", description = "Do not flip training patches left-right at random.")
  private boolean noHorizontalFlip;

  @Option(names = "--no-vflip", description = "Do not flip training patches upside down at random.")
  private boolean noVerticalFlip;

  public Augmentation toAugmentation() {
    Augmentation a;
    try {
      a = Augmentation.preset(preset);
    } catch (IllegalArgumentException e) {
      throw new InputException("--augment: " + e.getMessage());
    }
    if (rotation != null) {
      if (!(rotation >= 0 && rotation <= 180)) {
        throw new InputException("--rotation must be within 0..180 degrees, got " + rotation);
      }
      a = a.withRotation(rotation);
    }
    if (noHorizontalFlip || noVerticalFlip) {
      a = a.withFlips(a.horizontalFlip() && !noHorizontalFlip, a.verticalFlip() && !noVerticalFlip);
    }
    if (stainJitter != null) {
      if (!(stainJitter >= 0 && stainJitter < 1)) {
        throw new InputException("--stain-jitter must be within [0, 1), got " + stainJitter);
      }
      a = a.withStainJitter(stainJitter);
    }
    if (colorJitter != null) {
      a = withColorJitter(a, colorJitter);
    }
    return a;
  }

  private static Augmentation withColorJitter(Augmentation a, String text) {
    String[] parts = text.split(",", -1);
    if (parts.length != 4) {
      throw new InputException("--color-jitter needs four numbers B,C,S,H, got '" + text + "'");
    }
    double[] v = new double[4];
    for (int i = 0; i < 4; i++) {
      try {
        v[i] = Double.parseDouble(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new InputException("--color-jitter: '" + parts[i] + "' is not a number (in '" + text + "')");
      }
      double max = i == 3 ? 0.5 : 1;
      if (!(v[i] >= 0 && v[i] <= max)) {
        throw new InputException(String.format(Locale.ROOT, "--color-jitter: %s must be within [0, %s], got %s",
            new String[] {"brightness", "contrast", "saturation", "hue"}[i], max == 1 ? "1" : "0.5", parts[i].trim()));
      }
    }
    return a.withColorJitter(v[0], v[1], v[2], v[3]);
  }
}
