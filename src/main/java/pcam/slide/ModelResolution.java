package pcam.slide;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import pcam.util.InputException;
import pcam.util.Json;

/**
 * The µm/px a model was trained at: {@code --mpp} if given, else the {@code mpp} key of the
 * model's {@code pcam-model.json}, else PCam/Kaggle's {@link #PCAM_MPP} (every patch of that data
 * set is at 0.972 µm/px: CAMELYON16 level 2 is not quite the 10x its name says).
 */
public record ModelResolution(double mpp, String source) {
  public static final double PCAM_MPP = 0.972;
  public static final String METADATA_FILE = "pcam-model.json";

  /** @param folders where to look for pcam-model.json, first hit wins (run directory, SavedModel folder) */
  public static ModelResolution of(List<Path> folders, Double override) {
    if (override != null) {
      if (!(override > 0) || override > 100) {
        throw new InputException("--mpp " + override + ": must be a resolution in µm/px, > 0 and <= 100");
      }
      return new ModelResolution(override, "--mpp");
    }
    for (Path folder : folders) {
      Path json = folder.resolve(METADATA_FILE);
      if (Files.isRegularFile(json)) {
        JsonNode node;
        try {
          node = Json.MAPPER.readTree(json.toFile());
        } catch (IOException e) {
          throw new InputException(json + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
        JsonNode mpp = node == null ? null : node.get("mpp");
        if (mpp != null && mpp.isNumber() && mpp.asDouble() > 0) {
          return new ModelResolution(mpp.asDouble(), json.toString());
        }
      }
    }
    return new ModelResolution(PCAM_MPP, "assumed: PCam/Kaggle's " + PCAM_MPP + " µm/px (no mpp in "
        + METADATA_FILE + "; --mpp sets it)");
  }
}
