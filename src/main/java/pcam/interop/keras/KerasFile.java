package pcam.interop.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Node;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import pcam.util.InputException;
import pcam.util.Json;

/**
 * An opened Keras model file: its architecture (the saved config) and its weights (an HDF5 file),
 * in one of the two formats notebooks write with {@code model.save}:
 *
 * <ul>
 *   <li>Keras 2 {@code .h5}: root attributes {@code model_config} and {@code keras_version}, weights
 *       in the group {@code model_weights};
 *   <li>Keras 3 {@code .keras}: a zip of {@code config.json}, {@code metadata.json} and {@code
 *       model.weights.h5}.
 * </ul>
 *
 * Anything else (not HDF5 or zip, truncated, weights without architecture, Keras 1) is an {@link
 * InputException} that says what the file is and what to pass instead.
 */
public final class KerasFile implements AutoCloseable {
  private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  private static final byte[] ZIP_SIGNATURE = {'P', 'K', 3, 4};

  /** Keras 2's legacy HDF5 layout or Keras 3's zip. */
  public enum Format {
    KERAS2_H5,
    KERAS3_ZIP
  }

  private final Path path;
  private final Format format;
  private final JsonNode modelConfig;
  private final String kerasVersion;
  private final HdfFile weights;

  private KerasFile(Path path, Format format, JsonNode modelConfig, String kerasVersion, HdfFile weights) {
    this.path = path;
    this.format = format;
    this.modelConfig = modelConfig;
    this.kerasVersion = kerasVersion;
    this.weights = weights;
  }

  public static KerasFile open(Path path) {
    if (Files.isRegularFile(path.resolve("saved_model.pb"))) {
      throw new InputException(path + ": a SavedModel folder, not a Keras file: predict/evaluate take it as it is ('pcam inspect' tells how)");
    }
    if (!Files.isRegularFile(path)) {
      throw new InputException(path + ": no such file");
    }
    byte[] head = new byte[8];
    try (InputStream in = Files.newInputStream(path)) {
      int n = in.readNBytes(head, 0, head.length);
      head = Arrays.copyOf(head, n);
    } catch (IOException e) {
      throw new InputException(path + ": cannot read: " + e.getMessage(), e);
    }
    if (startsWith(head, HDF5_SIGNATURE)) {
      return openH5(path);
    }
    if (startsWith(head, ZIP_SIGNATURE)) {
      return openKeras3(path);
    }
    throw new InputException(path + ": neither an HDF5 file (.h5) nor a Keras 3 archive (.keras)");
  }

  private static KerasFile openH5(Path path) {
    HdfFile hdf;
    try {
      hdf = new HdfFile(path);
    } catch (RuntimeException e) {
      throw new InputException(path + ": cannot read this HDF5 file (truncated or corrupt?): " + firstLine(e), e);
    }
    try {
      String config = stringAttribute(hdf, "model_config");
      String version = stringAttribute(hdf, "keras_version");
      if (config == null) {
        boolean weightsOnly = hdf.getAttribute("layer_names") != null || hdf.getChildren().containsKey("layers")
            || hdf.getChildren().containsKey("vars") || hdf.getChildren().containsKey("_layer_checkpoint_dependencies");
        if (weightsOnly) {
          throw new InputException(path + ": holds weights only (model.save_weights), the architecture is missing: "
              + "re-save the model with model.save('model.h5') or model.save('model.keras') and pass that file");
        }
        throw new InputException(path + ": HDF5 file without a Keras model (no model_config attribute): pass a file written by model.save()");
      }
      rejectKeras1(path, version);
      if (!hdf.getChildren().containsKey("model_weights")) {
        throw new InputException(path + ": has the architecture but no model_weights group (saved without weights?)");
      }
      return new KerasFile(path, Format.KERAS2_H5, parse(path, config), version == null ? "unknown" : version, hdf);
    } catch (RuntimeException e) {
      hdf.close();
      throw e instanceof InputException ? e : new InputException(path + ": cannot read this HDF5 file (truncated or corrupt?): " + firstLine(e), e);
    }
  }

  private static KerasFile openKeras3(Path path) {
    try (ZipFile zip = new ZipFile(path.toFile())) {
      ZipEntry config = zip.getEntry("config.json");
      ZipEntry weightsEntry = zip.getEntry("model.weights.h5");
      if (config == null) {
        throw new InputException(path + ": a zip without config.json, not a Keras 3 .keras archive");
      }
      if (weightsEntry == null) {
        throw new InputException(path + ": .keras archive without model.weights.h5 (only .h5 weights are read, not .npz)");
      }
      JsonNode modelConfig;
      try (InputStream in = zip.getInputStream(config)) {
        modelConfig = Json.MAPPER.readTree(in);
      }
      String version = "unknown";
      ZipEntry metadata = zip.getEntry("metadata.json");
      if (metadata != null) {
        try (InputStream in = zip.getInputStream(metadata)) {
          version = Json.MAPPER.readTree(in).path("keras_version").asText("unknown");
        }
      }
      byte[] h5;
      try (InputStream in = zip.getInputStream(weightsEntry)) {
        h5 = in.readAllBytes();
      }
      HdfFile hdf;
      try {
        hdf = HdfFile.fromBytes(h5);
      } catch (RuntimeException e) {
        throw new InputException(path + ": model.weights.h5 in the archive is not readable HDF5: " + firstLine(e), e);
      }
      return new KerasFile(path, Format.KERAS3_ZIP, modelConfig, version, hdf);
    } catch (IOException e) {
      throw new InputException(path + ": cannot read this .keras archive (truncated or corrupt?): " + e.getMessage(), e);
    }
  }

  private static void rejectKeras1(Path path, String version) {
    if (version != null && version.startsWith("1.")) {
      throw new InputException(path + ": written by Keras " + version + "; Keras 1 files are not supported: load it in Keras 2 or 3 and re-save it with model.save()");
    }
  }

  private static JsonNode parse(Path path, String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new InputException(path + ": model_config is not JSON: " + firstLine(e), e);
    }
  }

  /** A string attribute of a node, or null; jhdf yields String for scalar strings. */
  static String stringAttribute(Node node, String name) {
    Attribute a = node.getAttribute(name);
    if (a == null) {
      return null;
    }
    Object data = a.getData();
    if (data instanceof String s) {
      return s;
    }
    if (data instanceof byte[] b) {
      return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }
    return data == null ? null : String.valueOf(data);
  }

  private static boolean startsWith(byte[] data, byte[] prefix) {
    return data.length >= prefix.length && Arrays.equals(Arrays.copyOf(data, prefix.length), prefix);
  }

  static String firstLine(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.lines().findFirst().orElse("");
  }

  public Path path() {
    return path;
  }

  public Format format() {
    return format;
  }

  /** {"class_name": "Sequential"|"Functional"|..., "config": {...}} as saved. */
  public JsonNode modelConfig() {
    return modelConfig;
  }

  public String kerasVersion() {
    return kerasVersion;
  }

  public HdfFile weights() {
    return weights;
  }

  @Override
  public void close() {
    weights.close();
  }
}
