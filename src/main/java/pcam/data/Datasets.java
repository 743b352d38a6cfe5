package pcam.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pcam.data.BadPatchException.Problem;
import pcam.data.PatchDecoder.BadPatch;
import pcam.data.PatchDecoder.Decoded;
import pcam.util.InputException;

/**
 * Loading facade used by the commands. A labelled load runs: read the CSV, keep the first
 * {@code limit} rows, check every id has an image, decode in parallel (or read the decode cache),
 * clean (see {@link Cleaning}), take a stratified {@code sample}, and, for {@link #loadSplit},
 * split off a stratified validation set. Class counts are logged at each step.
 */
public final class Datasets {
  private static final Logger LOG = LoggerFactory.getLogger(Datasets.class);
  /** How many ids or file names an error message lists before "...". */
  private static final int SHOWN = 5;

  private Datasets() {}

  /** Train and validation sets ({@code validation} is empty when valFraction is 0). */
  public record Split(PatchSet train, PatchSet validation) {}

  /** Class counts at one step of a load. */
  public record ClassCounts(int negatives, int positives) {
    static ClassCounts of(PatchSet set) {
      return new ClassCounts(set.count(0), set.count(1));
    }

    static ClassCounts of(PatchSource source, int[] rows) {
      int positives = 0;
      for (int row : rows) {
        positives += source.label(row) == 1 ? 1 : 0;
      }
      return new ClassCounts(rows.length - positives, positives);
    }

    public int total() {
      return negatives + positives;
    }

    @Override
    public String toString() {
      return "n=" + total() + " (0: " + negatives + ", 1: " + positives + ")";
    }
  }

  /** An image that was skipped ({@code skipBad}) and why. */
  public record BadImage(String id, Problem problem, String detail) {}

  /** What a labelled load did, step by step; {@code pcam data stats} prints it. */
  public record LoadReport(
      ClassCounts inCsv,
      ClassCounts afterLimit,
      List<String> missingIds,
      List<BadImage> badImages,
      ClassCounts decoded,
      int droppedDark,
      int droppedBright,
      ClassCounts afterCleaning,
      ClassCounts loaded) {}

  /** The loaded (cleaned, sampled) patches and the report of how they were obtained. */
  public record Loaded(PatchSet patches, LoadReport report) {}

  /** Reads, cleans and subsets the dataset, then splits it (stratified, seeded). */
  public static Split loadSplit(DataSpec spec) {
    Split split = Subsets.stratifiedSplit(loadLabelled(spec), spec.valFraction(), spec.seed());
    LOG.info("split (val fraction {}, seed {}): train {}, validation {}",
        spec.valFraction(), spec.seed(), split.train().describe(), split.validation().describe());
    return split;
  }

  /** Reads, cleans and subsets the dataset without splitting. */
  public static PatchSet loadLabelled(DataSpec spec) {
    return load(spec).patches();
  }

  /** Reads, cleans and subsets the dataset, with the report of each step. */
  public static Loaded load(DataSpec spec) {
    try (PatchSource source = spec.source().open()) {
      if (!source.labelled()) {
        throw new InputException(source.describe() + ": no labels; give --labels (a CSV, or PCam's *_y.h5)");
      }
      return load(source, spec);
    }
  }

  private static Loaded load(PatchSource source, DataSpec spec) {
    int total = source.size();
    if (total == 0) {
      throw new InputException(source.describe() + ": no patches");
    }
    ClassCounts inCsv = ClassCounts.of(source, range(total));
    LOG.info("labels {}: {}", spec.labels(), inCsv);
    int[] rows = range(total);
    if (spec.limit() != null && spec.limit() < total) {
      rows = range(spec.limit());
      LOG.info("limit: first {} rows: {}", spec.limit(), ClassCounts.of(source, rows));
    }
    ClassCounts afterLimit = ClassCounts.of(source, rows);

    List<String> missing = new ArrayList<>();
    int[] present = Arrays.stream(rows).filter(source::present).toArray();
    if (present.length < rows.length) {
      Arrays.stream(rows).filter(r -> !source.present(r)).forEach(r -> missing.add(source.ids().get(r)));
      String what = missing.size() + " of " + rows.length + " ids in " + spec.labels() + " have no image in "
          + source.describe() + " (first: " + firstFew(missing) + ")";
      if (!spec.skipMissing()) {
        throw new InputException(what + "; --skip-missing loads the rest");
      }
      if (present.length == 0) {
        throw new InputException(what + "; none is left to load");
      }
      LOG.warn("skipping missing images: {}", what);
      rows = present;
    }

    Decoded decoded = decode(source, rows, !spec.skipBad(), spec.cache());
    int[] loadedRows = rows;
    List<BadImage> bad = decoded.bad().stream()
        .map(b -> new BadImage(source.ids().get(loadedRows[b.index()]), b.problem(), b.detail())).toList();
    if (!bad.isEmpty()) {
      LOG.warn("skipped {} of {} images that are unreadable or malformed (first: {})", bad.size(), rows.length,
          decoded.bad().stream().limit(SHOWN).map(b -> source.nameOf(loadedRows[b.index()]) + ": " + b.detail())
              .collect(Collectors.joining("; ")));
    }
    PatchSet all = patchSet(source, rows, decoded);
    if (all.size() == 0) {
      throw new InputException(source.describe() + ": none of the " + rows.length + " images could be loaded");
    }
    ClassCounts decodedCounts = ClassCounts.of(all);
    LOG.info("decoded: {}", decodedCounts);

    Cleaning.Result cleaned = Cleaning.apply(all, spec.darkThreshold(), spec.brightThreshold());
    ClassCounts afterCleaning = ClassCounts.of(cleaned.kept());
    LOG.info("cleaning (drop if max < {} or min > {}): dropped {} ({} near-black, {} near-white), kept {}",
        spec.darkThreshold(), spec.brightThreshold(), cleaned.dropped(), cleaned.droppedDark(), cleaned.droppedBright(),
        afterCleaning);

    PatchSet result = cleaned.kept();
    if (spec.sample() != null) {
      if (spec.sample() >= result.size()) {
        LOG.warn("sample of {} asked for, but only {} patches are left after cleaning: using all", spec.sample(), result.size());
      } else {
        result = Subsets.stratifiedSample(result, spec.sample(), spec.seed());
        LOG.info("sample (stratified, seed {}): {}", spec.seed(), result.describe());
      }
    }
    LoadReport report = new LoadReport(inCsv, afterLimit, missing, bad, decodedCounts, cleaned.droppedDark(),
        cleaned.droppedBright(), afterCleaning, ClassCounts.of(result));
    return new Loaded(result, report);
  }

  /**
   * An unlabelled folder for scoring, every patch labelled {@link PatchSet#UNLABELLED}. With an
   * ids CSV (e.g. sample_submission.csv), its ids in its order, each of which must have an image;
   * without, every {@code *.tif} in the folder, sorted by name. Not cleaned: every id gets a score.
   */
  public static PatchSet loadUnlabelled(Path imagesDir, Path idsCsvOrNull) {
    return loadUnlabelled(imagesDir, idsCsvOrNull, true);
  }

  /** As {@link #loadUnlabelled(Path, Path)}, with the decode cache on or off. */
  public static PatchSet loadUnlabelled(Path imagesDir, Path idsCsvOrNull, boolean cache) {
    try (PatchSource source = new SourceSpec(imagesDir, null, idsCsvOrNull).open()) {
      return loadAll(source, cache);
    }
  }

  /** Every row of a source, in order, uncleaned; any unreadable patch stops the load, naming it. */
  public static PatchSet loadAll(PatchSource source, boolean cache) {
    int[] rows = range(source.size());
    Decoded decoded = decode(source, rows, true, cache);
    LOG.info("patches from {}: n={}", source.describe(), rows.length);
    return patchSet(source, rows, decoded);
  }

  /**
   * The rows' pixels in a mapped file: the cache entry (mapped, or decoded into), else with the
   * cache off or unwritable a scratch file; on the heap only when no file can be written at all.
   */
  private static Decoded decode(PatchSource source, int[] rows, boolean failFast, boolean useCache) {
    DecodeCache cache = DecodeCache.atDefaultLocation();
    if (useCache) {
      Path entry = cache.entryFor(source, rows);
      Optional<Decoded> cached = cache.load(entry, rows.length);
      if (cached.isPresent()) {
        if (failFast && !cached.get().bad().isEmpty()) {
          BadPatch first = cached.get().bad().get(0);
          throw new BadPatchException(Path.of(source.nameOf(rows[first.index()])), first.problem(), first.detail());
        }
        return cached.get();
      }
      Optional<Decoded> written = cache.decodeInto(entry, source, rows, failFast);
      if (written.isPresent()) {
        return written.get();
      }
    }
    return DecodeCache.decodeScratch(cache.dir(), source, rows, failFast)
        .or(() -> DecodeCache.decodeScratch(Path.of(System.getProperty("java.io.tmpdir")), source, rows, failFast))
        .orElseGet(() -> {
          LOG.warn("no writable folder for the pixel store; decoding onto the heap ({} MB)",
              (long) rows.length * PatchReader.BYTES >> 20);
          return PatchDecoder.decode(source, rows, failFast);
        });
  }

  static int[] range(int n) {
    int[] rows = new int[n];
    for (int i = 0; i < n; i++) {
      rows[i] = i;
    }
    return rows;
  }

  /** The set of the decoded rows, leaving out the bad ones; pixels stay in the store. */
  private static PatchSet patchSet(PatchSource source, int[] rows, Decoded decoded) {
    Set<Integer> bad = new HashSet<>();
    decoded.bad().forEach(b -> bad.add(b.index()));
    List<String> keptIds = new ArrayList<>(rows.length - bad.size());
    byte[] keptLabels = new byte[rows.length - bad.size()];
    int[] storeRows = new int[rows.length - bad.size()];
    int n = 0;
    for (int k = 0; k < rows.length; k++) {
      if (!bad.contains(k)) {
        keptIds.add(source.ids().get(rows[k]));
        keptLabels[n] = (byte) source.label(rows[k]);
        storeRows[n++] = k;
      }
    }
    return new PatchSet(keptIds, keptLabels, decoded.pixels(), bad.isEmpty() ? null : storeRows, PatchReader.SIZE, PatchReader.SIZE);
  }

  private static String firstFew(List<String> items) {
    String shown = String.join(", ", items.subList(0, Math.min(SHOWN, items.size())));
    return items.size() > SHOWN ? shown + ", ..." : shown;
  }
}
