package pcam.slide;

import java.nio.file.Path;
import pcam.model.ModelMetadata;
import pcam.util.InputException;

/**
 * The µm/px a model was trained at: {@code --mpp} if given, else the {@code mpp} of the model's
 * {@link ModelMetadata} ({@code pcam-model.json}, which pcam's own exports write), else
 * PCam/Kaggle's {@link ModelMetadata#PCAM_MPP}, logged as an assumption.
 */
public record ModelResolution(double mpp, String source) {
  public static final double PCAM_MPP = ModelMetadata.PCAM_MPP;

  /** @param savedModelDir the SavedModel folder whose metadata is read */
  public static ModelResolution of(Path savedModelDir, Double override) {
    if (override != null) {
      if (!(override > 0) || override > 100) {
        throw new InputException("--mpp " + override + ": must be a resolution in µm/px, > 0 and <= 100");
      }
      return new ModelResolution(override, "--mpp");
    }
    var stored = ModelMetadata.find(savedModelDir);
    if (stored.isPresent() && stored.get().metadata().mpp() != null && stored.get().metadata().mpp() > 0) {
      return new ModelResolution(stored.get().metadata().mpp(), stored.get().file().toString());
    }
    return new ModelResolution(PCAM_MPP, "assumed: PCam/Kaggle's " + PCAM_MPP + " µm/px (no mpp in "
        + ModelMetadata.FILE + "; --mpp sets it)");
  }
}
