package pcam.cli;

import java.nio.file.Path;
import java.util.List;
import pcam.util.PathGuard;
import pcam.data.DataSpec;
import pcam.util.InputException;
import picocli.CommandLine.Option;

/**
 * The dataset flags shared by every command that loads labelled patches (mix in with
 * {@code @Mixin}). {@link #toSpec()} validates them and builds the {@link DataSpec}.
 */
public final class DataOptions {
  @Option(names = "--data", paramLabel = "DIR",
      description = "Kaggle layout: DIR/train_labels.csv and DIR/train/<id>.tif. Or give --labels and --images.")
  private Path data;

  @Option(names = "--labels", paramLabel = "CSV",
      description = "An id,label CSV (label 0 or 1), with --images, instead of --data.")
  private Path labels;

  @Option(names = "--images", paramLabel = "DIR", description = "The folder of <id>.tif patches for --labels.")
  private Path images;

  @Option(names = "--limit", paramLabel = "N",
      description = "Use only the first N rows of the CSV, as the study did (same data every run). Default: all.")
  private Integer limit;

  @Option(names = "--sample", paramLabel = "N",
      description = "Then take a random subset of N patches (after cleaning), keeping the class proportions. Default: all.")
  private Integer sample;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "42",
      description = "Seed for --sample and the train/validation split.")
  private long seed;

  @Option(names = "--val-fraction", paramLabel = "F", defaultValue = "0.1",
      description = "Fraction of each class held out for validation (stratified split), in [0, 1); 0 for none.")
  private double valFraction;

  @Option(names = "--dark-threshold", paramLabel = "V", defaultValue = "" + DataSpec.DEFAULT_DARK_THRESHOLD,
      description = "Cleaning: drop a patch whose brightest channel value anywhere is below V (uniformly near-black).")
  private int darkThreshold;

  @Option(names = "--bright-threshold", paramLabel = "V", defaultValue = "" + DataSpec.DEFAULT_BRIGHT_THRESHOLD,
      description = "Cleaning: drop a patch whose darkest channel value anywhere is above V (uniformly near-white).")
  private int brightThreshold;

  @Option(names = "--skip-missing",
      description = "Load the rest when CSV ids have no image file (the count and first ids are logged). Default: stop.")
  private boolean skipMissing;

  @Option(names = "--skip-bad",
      description = "Skip unreadable, truncated, non-TIFF, wrong-size or non-RGB images (count and names are logged)."
          + " Default: stop at the first, naming it.")
  private boolean skipBad;

  @Option(names = "--no-cache",
      description = "Neither read nor write the decode cache ($PCAM_CACHE_DIR, default ~/.cache/pcam) that makes"
          + " the second load of the same files fast.")
  private boolean noCache;

  /** The validated spec; an {@link InputException} naming the flag if a value is unusable. */
  public DataSpec toSpec() {
    Path labelsCsv;
    Path imagesDir;
    if (data != null) {
      if (labels != null || images != null) {
        throw new InputException("give either --data DIR or --labels CSV with --images DIR, not both");
      }
      labelsCsv = kaggleInputs("--data", data).get(0).path();
      imagesDir = kaggleInputs("--data", data).get(1).path();
    } else if (labels != null && images != null) {
      labelsCsv = labels;
      imagesDir = images;
    } else if (labels == null && images == null) {
      throw new InputException("no dataset given: use --data DIR (Kaggle layout) or --labels CSV with --images DIR");
    } else {
      throw new InputException(labels == null ? "--images needs --labels CSV" : "--labels needs --images DIR");
    }
    if (limit != null && limit < 1) {
      throw new InputException("--limit must be at least 1, got " + limit);
    }
    if (sample != null && sample < 1) {
      throw new InputException("--sample must be at least 1, got " + sample);
    }
    if (!(valFraction >= 0 && valFraction < 1)) {
      throw new InputException("--val-fraction must be in [0, 1), got " + valFraction);
    }
    checkByte("--dark-threshold", darkThreshold);
    checkByte("--bright-threshold", brightThreshold);
    if (darkThreshold > brightThreshold) {
      throw new InputException("--dark-threshold (" + darkThreshold + ") must not exceed --bright-threshold ("
          + brightThreshold + ")");
    }
    return new DataSpec(labelsCsv, imagesDir, limit, sample, valFraction, seed, darkThreshold, brightThreshold,
        skipMissing, skipBad, !noCache);
  }

  /** What the data flags name, for {@link pcam.util.PathGuard}: the labels CSV and the images folder. */
  List<PathGuard.Role> inputs() {
    if (data != null) {
      return kaggleInputs("--data", data);
    }
    return List.of(PathGuard.Role.of("--labels", labels), PathGuard.Role.of("--images", images));
  }

  /** The files a Kaggle-layout folder contributes as inputs (as {@link #toSpec} reads them). */
  static List<PathGuard.Role> kaggleInputs(String flag, Path data) {
    return List.of(PathGuard.Role.of(flag, data.resolve("train_labels.csv")), PathGuard.Role.of(flag, data.resolve("train")));
  }

  public long seed() {
    return seed;
  }

  private static void checkByte(String flag, int value) {
    if (value < 0 || value > 255) {
      throw new InputException(flag + " must be within 0..255, got " + value);
    }
  }
}
