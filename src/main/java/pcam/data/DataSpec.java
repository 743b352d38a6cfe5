package pcam.data;

import com.fasterxml.jackson.annotation.JsonAlias;
import java.nio.file.Path;

/**
 * Where a labelled dataset lives and how to cut it, as given on the command line. Flows one way:
 * CLI -> this record -> {@link Datasets}.
 *
 * @param labels {@code id,label} CSV (Kaggle train_labels.csv), or PCam's {@code *_y.h5}
 * @param images folder of {@code <id>.tif}, or PCam's {@code *_x.h5}; see {@link SourceSpec}
 * @param limit take the first N rows, as the study did; null for all
 * @param sample take a random stratified subset of N rows (after cleaning); null for all
 * @param valFraction fraction held out, stratified, for validation (0 for none)
 * @param seed seed for sampling and splitting
 * @param darkThreshold drop patches whose brightest channel value anywhere is below this
 *     (uniformly near-black); see {@link Cleaning} for why max/min rather than the mean
 * @param brightThreshold drop patches whose darkest channel value anywhere is above this
 *     (uniformly near-white)
 * @param skipMissing proceed when CSV ids have no image file (report them) instead of failing
 * @param skipBad proceed past unreadable or malformed images (report them) instead of failing
 * @param cache keep a decoded copy on disk so the next load of the same files is fast
 */
public record DataSpec(
    @JsonAlias("labelsCsv") Path labels,
    @JsonAlias("imagesDir") Path images,
    Integer limit,
    Integer sample,
    double valFraction,
    long seed,
    int darkThreshold,
    int brightThreshold,
    boolean skipMissing,
    boolean skipBad,
    boolean cache) {

  public static final int DEFAULT_DARK_THRESHOLD = 10;
  public static final int DEFAULT_BRIGHT_THRESHOLD = 245;

  /** The Kaggle layout: {@code DIR/train_labels.csv} and {@code DIR/train/}. */
  public static DataSpec kaggle(Path dir, double valFraction, long seed) {
    return new DataSpec(
        dir.resolve("train_labels.csv"), dir.resolve("train"), null, null, valFraction, seed,
        DEFAULT_DARK_THRESHOLD, DEFAULT_BRIGHT_THRESHOLD, false, false, true);
  }

  public SourceSpec source() {
    return new SourceSpec(images, labels, null);
  }

  /** The same cut with the cache on or off. */
  public DataSpec withCache(boolean on) {
    return new DataSpec(labels, images, limit, sample, valFraction, seed, darkThreshold, brightThreshold, skipMissing,
        skipBad, on);
  }
}
