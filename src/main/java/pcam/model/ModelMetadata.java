package pcam.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import pcam.util.CacheDir;
import pcam.util.Json;

/**
 * What pcam knows about a model beyond its graph, kept beside it as {@code pcam-model.json} so
 * every command uses a model the same way. Every key is optional (absent = not known; pcam then
 * uses what the graph says or asks for a flag):
 *
 * <pre>
 * {
 *   "input_scale":    "raw" | "unit" | "imagenet" | "caffe" | "tf",   see {@link InputScale}
 *   "positive_class": 1,             the output column (class index) that means tumour
 *   "output_kind":    "probability" | "logit",   whether pcam must apply sigmoid/softmax
 *   "mpp":            0.972          microns per pixel of the patches the model was trained on
 * }
 * </pre>
 *
 * pcam's own cnn3/cnn9 exports write {@code {"input_scale":"raw","output_kind":"probability","mpp":0.972}}
 * (PatchCamelyon patches: 10x, 0.972 um/px). {@code predict}, {@code evaluate} and {@code inspect}
 * record the user's {@code --input-scale}, {@code --positive-class} and {@code --output-kind} here.
 *
 * <p>Where: {@code MODEL_DIR/pcam-model.json}; when that folder is read-only (shared data), in
 * pcam's cache ({@link CacheDir}) under {@code models/}, keyed by the model folder's real path.
 * pcam only ever writes this one file name and never touches a model's other files. Unknown keys
 * are ignored on reading, so older pcam versions read newer files.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelMetadata(
    @JsonProperty("input_scale") InputScale inputScale,
    @JsonProperty("positive_class") Integer positiveClass,
    @JsonProperty("output_kind") OutputKind outputKind,
    @JsonProperty("mpp") Double mpp) {

  public static final String FILE = "pcam-model.json";
  /** Microns per pixel of PatchCamelyon / Kaggle patches (level 2 of the Camelyon16 slides, 10x). */
  public static final double PCAM_MPP = 0.972;
  public static final ModelMetadata EMPTY = new ModelMetadata(null, null, null, null);

  /** Whether a model's output holds probabilities or logits (pcam applies sigmoid/softmax). */
  public enum OutputKind {
    @JsonProperty("probability") PROBABILITY,
    @JsonProperty("logit") LOGIT;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static OutputKind parse(String text) {
      for (OutputKind kind : values()) {
        if (kind.label().equals(text.trim().toLowerCase(java.util.Locale.ROOT))) {
          return kind;
        }
      }
      throw new pcam.util.InputException("unknown output kind '" + text + "' (expected probability or logit)");
    }
  }

  /** What pcam's cnn3/cnn9 SavedModels carry: raw 0..255 in, a probability out, trained at 0.972 um/px. */
  public static ModelMetadata pcamCnn() {
    return new ModelMetadata(InputScale.RAW, null, OutputKind.PROBABILITY, PCAM_MPP);
  }

  /** This record with every key that {@code other} sets replaced by other's value. */
  public ModelMetadata with(ModelMetadata other) {
    return new ModelMetadata(
        other.inputScale != null ? other.inputScale : inputScale,
        other.positiveClass != null ? other.positiveClass : positiveClass,
        other.outputKind != null ? other.outputKind : outputKind,
        other.mpp != null ? other.mpp : mpp);
  }

  /** A stored record and the file it came from (or went to). */
  public record Stored(ModelMetadata metadata, Path file) {}

  /**
   * The record for {@code modelDir}: its own {@code pcam-model.json} overlaid with the cache entry
   * (written when the folder was read-only, so it holds the later choices); empty if neither exists.
   */
  public static Optional<Stored> find(Path modelDir) {
    Path own = modelDir.resolve(FILE);
    Path cached = cacheEntry(modelDir);
    ModelMetadata result = null;
    Path from = null;
    if (Files.isRegularFile(own)) {
      result = Json.read(own, ModelMetadata.class);
      from = own;
    }
    if (Files.isRegularFile(cached)) {
      ModelMetadata fromCache = Json.read(cached, ModelMetadata.class);
      result = result == null ? fromCache : result.with(fromCache);
      from = cached;
    }
    return result == null ? Optional.empty() : Optional.of(new Stored(result, from));
  }

  /** Writes this record into a folder being created (e.g. an export's temporary folder). */
  public void writeInto(Path dir) {
    Json.write(dir.resolve(FILE), this);
  }

  /**
   * Stores this record for {@code modelDir}, atomically: inside it when the folder is writable,
   * else in the cache. Returns the file written.
   */
  public Path store(Path modelDir) {
    Path target = writable(modelDir) ? modelDir.resolve(FILE) : cacheEntry(modelDir);
    Json.write(target, this);
    return target;
  }

  /** Where the cache keeps the record of a read-only model folder: folder name + hash of its real path. */
  public static Path cacheEntry(Path modelDir) {
    Path real;
    try {
      real = modelDir.toRealPath();
    } catch (IOException e) {
      real = modelDir.toAbsolutePath().normalize();
    }
    String name = real.getFileName() == null ? "root" : real.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
    return CacheDir.root().resolve("models").resolve(name + "-" + sha256(real.toString()).substring(0, 16) + ".json");
  }

  /**
   * Writable for pcam: the OS allows it and the folder's mode grants some write permission. The
   * second test matters when pcam runs as root, for whom the OS ignores a read-only mode.
   */
  static boolean writable(Path dir) {
    if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
      return false;
    }
    try {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
      return mode.contains(PosixFilePermission.OWNER_WRITE)
          || mode.contains(PosixFilePermission.GROUP_WRITE)
          || mode.contains(PosixFilePermission.OTHERS_WRITE);
    } catch (UnsupportedOperationException | IOException e) {
      return true;
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
