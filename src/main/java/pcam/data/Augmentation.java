package pcam.data;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * Training-time augmentation, as in the study (Keras ImageDataGenerator): random horizontal and
 * vertical flips, and a random rotation in [-maxRotationDegrees, +maxRotationDegrees] with
 * nearest-edge fill. Never applied to validation or scoring batches.
 */
public record Augmentation(boolean horizontalFlip, boolean verticalFlip, double maxRotationDegrees) {
  public static final Augmentation NONE = new Augmentation(false, false, 0);
  /** {@code pcam train}'s default: random flips, no rotation. */
  public static final Augmentation DEFAULT = new Augmentation(true, true, 0);

  public Augmentation {
    if (!(maxRotationDegrees >= 0 && maxRotationDegrees <= 180)) { // NaN fails too
      throw new IllegalArgumentException("rotation must be within 0..180 degrees, got " + maxRotationDegrees);
    }
  }

  @JsonIgnore // derived, not part of the record's JSON
  public boolean isNone() {
    return !horizontalFlip && !verticalFlip && maxRotationDegrees == 0;
  }
}
