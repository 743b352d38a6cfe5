package pcam.data;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Locale;

/**
 * Training-time augmentation, applied per patch on uint8 pixels by {@link Augmenter} on the
 * loader threads; never applied to validation or scoring batches. Geometry first (flips, random
 * quarter turns, a random arbitrary-angle rotation), then colour (stain jitter, then colour
 * jitter). Saved in config.json; a config written before a field existed reads it as off.
 *
 * @param horizontalFlip random left-right flip
 * @param verticalFlip random upside-down flip
 * @param quarterTurns random rotation by 0, 90, 180 or 270 degrees; with both flips every one of
 *     the 8 dihedral transforms is equally likely ({@code d8})
 * @param maxRotationDegrees a random rotation in [-max, +max] with nearest-edge fill (the study's
 *     Keras {@code rotation_range}); 0 = off
 * @param stainJitter sigma of the H&amp;E stain jitter (Tellez et al. 2018): after Ruifrok-Johnston
 *     colour deconvolution each stain's optical density s becomes {@code a*s + b}, with a in
 *     [1-sigma, 1+sigma] and b in [-sigma, sigma]; 0 = off
 * @param brightness colour jitter (torchvision ColorJitter semantics): factor in [1-B, 1+B]
 * @param contrast factor in [1-C, 1+C], blending with the patch's mean grey
 * @param saturation factor in [1-S, 1+S], blending with each pixel's grey
 * @param hue a hue rotation by up to H turns (H in [0, 0.5]), in YIQ chroma
 */
public record Augmentation(
    boolean horizontalFlip,
    boolean verticalFlip,
    boolean quarterTurns,
    double maxRotationDegrees,
    double stainJitter,
    double brightness,
    double contrast,
    double saturation,
    double hue) {
  public static final Augmentation NONE = new Augmentation(false, false, 0);
  /** Random flips: {@code pcam train}'s default before dihedral augmentation existed. */
  public static final Augmentation FLIPS = new Augmentation(true, true, 0);
  /** All 8 dihedral transforms (flips and quarter turns), equally likely. */
  public static final Augmentation D8 = new Augmentation(true, true, true, 0, 0, 0, 0, 0, 0);
  /** The stain jitter sigma of the {@code d8+stain} preset (Tellez et al.'s "HED-light"). */
  public static final double STAIN_SIGMA = 0.05;
  /** The named presets of {@code --augment}, in the order help lists them. */
  public static final List<String> PRESETS = List.of("none", "flips", "d8", "d8+stain", "study");
  /** {@code pcam train}'s default preset (chosen on pcam-sample, see README "Measured learning"). */
  public static final String DEFAULT_PRESET = "flips";
  public static final Augmentation DEFAULT = preset(DEFAULT_PRESET);

  public Augmentation {
    if (!(maxRotationDegrees >= 0 && maxRotationDegrees <= 180)) { // NaN fails too
      throw new IllegalArgumentException("rotation must be within 0..180 degrees, got " + maxRotationDegrees);
    }
    if (!(stainJitter >= 0 && stainJitter < 1)) {
      throw new IllegalArgumentException("stain jitter must be within [0, 1), got " + stainJitter);
    }
    for (double factor : new double[] {brightness, contrast, saturation}) {
      if (!(factor >= 0 && factor <= 1)) {
        throw new IllegalArgumentException("brightness, contrast and saturation jitter must be within [0, 1], got " + factor);
      }
    }
    if (!(hue >= 0 && hue <= 0.5)) {
      throw new IllegalArgumentException("hue jitter must be within [0, 0.5], got " + hue);
    }
  }

  /** Flips and an arbitrary-angle rotation only, as the study had. */
  public Augmentation(boolean horizontalFlip, boolean verticalFlip, double maxRotationDegrees) {
    this(horizontalFlip, verticalFlip, false, maxRotationDegrees, 0, 0, 0, 0, 0);
  }

  /**
   * A named preset: {@code none}, {@code flips}, {@code d8}, {@code d8+stain} (d8 and stain jitter
   * {@link #STAIN_SIGMA}) or {@code study} (flips and rotation up to 40 degrees).
   */
  public static Augmentation preset(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "none" -> NONE;
      case "flips" -> FLIPS;
      case "d8" -> D8;
      case "d8+stain" -> D8.withStainJitter(STAIN_SIGMA);
      case "study" -> new Augmentation(true, true, 40);
      default -> throw new IllegalArgumentException(
          "unknown augmentation preset '" + name + "' (choose from " + String.join(", ", PRESETS) + ")");
    };
  }

  public Augmentation withRotation(double degrees) {
    return new Augmentation(horizontalFlip, verticalFlip, quarterTurns, degrees, stainJitter, brightness, contrast, saturation, hue);
  }

  public Augmentation withFlips(boolean horizontal, boolean vertical) {
    return new Augmentation(horizontal, vertical, quarterTurns, maxRotationDegrees, stainJitter, brightness, contrast, saturation, hue);
  }

  public Augmentation withStainJitter(double sigma) {
    return new Augmentation(horizontalFlip, verticalFlip, quarterTurns, maxRotationDegrees, sigma, brightness, contrast, saturation, hue);
  }

  public Augmentation withColorJitter(double b, double c, double s, double h) {
    return new Augmentation(horizontalFlip, verticalFlip, quarterTurns, maxRotationDegrees, stainJitter, b, c, s, h);
  }

  @JsonIgnore // derived, not part of the record's JSON
  public boolean isNone() {
    return !horizontalFlip && !verticalFlip && !quarterTurns && maxRotationDegrees == 0 && !hasColour();
  }

  @JsonIgnore
  public boolean hasColorJitter() {
    return brightness > 0 || contrast > 0 || saturation > 0 || hue > 0;
  }

  @JsonIgnore
  public boolean hasColour() {
    return stainJitter > 0 || hasColorJitter();
  }

  /** A short description for logs: e.g. {@code d8 + stain 0.05}. */
  public String describe() {
    if (isNone()) {
      return "none";
    }
    StringBuilder s = new StringBuilder();
    if (horizontalFlip && verticalFlip && quarterTurns) {
      s.append("d8");
    } else {
      s.append(horizontalFlip ? "hflip " : "").append(verticalFlip ? "vflip " : "").append(quarterTurns ? "quarter-turns " : "");
    }
    if (maxRotationDegrees > 0) {
      s.append(String.format(Locale.ROOT, " rotation %.0f", maxRotationDegrees));
    }
    if (stainJitter > 0) {
      s.append(String.format(Locale.ROOT, " + stain %.3g", stainJitter));
    }
    if (hasColorJitter()) {
      s.append(String.format(Locale.ROOT, " + colour %.3g,%.3g,%.3g,%.3g", brightness, contrast, saturation, hue));
    }
    return s.toString().trim().replaceAll(" +", " ");
  }
}
