package pcam.data;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pcam.data.BadPatchException.Problem;
import pcam.data.PatchDecoder.BadPatch;
import pcam.data.PatchDecoder.Decoded;
import pcam.util.AtomicFiles;
import pcam.util.InputException;

/**
 * Loading facade used by the commands. A labelled load runs: read the CSV, keep the first
 * {@code limit} rows, check every id has an image, decode in parallel (or read the decode cache),
 * clean (see {@link Cleaning}), take a stratified {@code sample}, and, for {@link #loadSplit},
 * split off a stratified validation set. Class counts are logged at each step.
 */
public final class Datasets {
  private static final Logger LOG = LoggerFactory.getLogger(Datasets.class);
  private static final String EXTENSION = ".tif";
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

    static ClassCounts of(List<LabelsCsv.Row> rows) {
      int positives = (int) rows.stream().filter(r -> r.label() == 1).count();
      return new ClassCounts(rows.size() - positives, positives);
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
    List<LabelsCsv.Row> rows = LabelsCsv.readLabels(spec.labelsCsv());
    if (rows.isEmpty()) {
      throw new InputException(spec.labelsCsv() + ": no rows after the header");
    }
    ClassCounts inCsv = ClassCounts.of(rows);
    LOG.info("labels {}: {}", spec.labelsCsv(), inCsv);
    if (spec.limit() != null && spec.limit() < rows.size()) {
      rows = rows.subList(0, spec.limit());
      LOG.info("limit: first {} rows: {}", spec.limit(), ClassCounts.of(rows));
    }
    ClassCounts afterLimit = ClassCounts.of(rows);

    Set<String> present = listImages(spec.imagesDir());
    List<String> missing = rows.stream().map(LabelsCsv.Row::id).filter(id -> !present.contains(id + EXTENSION)).toList();
    if (!missing.isEmpty()) {
      String what = missing.size() + " of " + rows.size() + " ids in " + spec.labelsCsv() + " have no image in "
          + spec.imagesDir() + " (first: " + firstFew(missing) + ")";
      if (!spec.skipMissing()) {
        throw new InputException(what + "; --skip-missing loads the rest");
      }
      if (missing.size() == rows.size()) {
        throw new InputException(what + "; none is left to load");
      }
      LOG.warn("skipping missing images: {}", what);
      Set<String> gone = new HashSet<>(missing);
      rows = rows.stream().filter(r -> !gone.contains(r.id())).toList();
    }

    List<String> ids = rows.stream().map(LabelsCsv.Row::id).toList();
    Decoded decoded = decode(spec.imagesDir(), ids, !spec.skipBad(), spec.cache());
    List<BadImage> bad = decoded.bad().stream().map(b -> new BadImage(ids.get(b.index()), b.problem(), b.detail())).toList();
    if (!bad.isEmpty()) {
      LOG.warn("skipped {} of {} images that are unreadable or malformed (first: {})", bad.size(), ids.size(),
          bad.stream().limit(SHOWN).map(b -> b.id() + EXTENSION + ": " + b.detail()).collect(Collectors.joining("; ")));
    }
    PatchSet all = patchSet(ids, rows.stream().map(LabelsCsv.Row::label).toList(), decoded.pixels());
    if (all.size() == 0) {
      throw new InputException(spec.imagesDir() + ": none of the " + ids.size() + " images could be loaded");
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
    Set<String> present = listImages(imagesDir);
    List<String> ids;
    if (idsCsvOrNull != null) {
      ids = LabelsCsv.readIds(idsCsvOrNull);
      if (ids.isEmpty()) {
        throw new InputException(idsCsvOrNull + ": no ids after the header");
      }
      List<String> missing = ids.stream().filter(id -> !present.contains(id + EXTENSION)).toList();
      if (!missing.isEmpty()) {
        throw new InputException(missing.size() + " of " + ids.size() + " ids in " + idsCsvOrNull
            + " have no image in " + imagesDir + " (first: " + firstFew(missing) + ")");
      }
      int extra = present.size() - ids.size();
      if (extra > 0) {
        LOG.info("{} images in {} are not listed in {} and are not scored", extra, imagesDir, idsCsvOrNull);
      }
    } else {
      ids = present.stream().sorted().map(name -> name.substring(0, name.length() - EXTENSION.length())).toList();
      if (ids.isEmpty()) {
        throw new InputException(imagesDir + ": no " + EXTENSION + " images in this folder");
      }
    }
    Decoded decoded = decode(imagesDir, ids, true, cache);
    byte[] labels = new byte[ids.size()];
    Arrays.fill(labels, PatchSet.UNLABELLED);
    LOG.info("unlabelled patches from {}: n={}", imagesDir, ids.size());
    return new PatchSet(ids, labels, decoded.pixels(), PatchReader.SIZE, PatchReader.SIZE);
  }

  private static Decoded decode(Path imagesDir, List<String> ids, boolean failFast, boolean useCache) {
    List<Path> files = ids.stream().map(id -> imagesDir.resolve(id + EXTENSION)).toList();
    if (!useCache) {
      return PatchDecoder.decode(files, failFast);
    }
    DecodeCache cache = DecodeCache.atDefaultLocation();
    Path entry = cache.entryFor(imagesDir, files);
    Optional<Decoded> cached = cache.load(entry, files.size());
    if (cached.isPresent()) {
      if (failFast && !cached.get().bad().isEmpty()) {
        BadPatch first = cached.get().bad().get(0);
        throw new BadPatchException(files.get(first.index()), first.problem(), first.detail());
      }
      return cached.get();
    }
    Decoded decoded = PatchDecoder.decode(files, failFast);
    cache.store(entry, decoded);
    return decoded;
  }

  /** Names of the {@code *.tif} entries of the folder: one directory listing, not a stat per id. */
  /** {@code <id>.tif} with a non-empty id: a file named just {@code .tif} is no patch of anything. */
  public static boolean isPatchFileName(String name) {
    return name.endsWith(EXTENSION) && name.length() > EXTENSION.length();
  }

  private static Set<String> listImages(Path imagesDir) {
    if (!Files.isDirectory(imagesDir)) {
      throw new InputException(imagesDir + ": images folder not found");
    }
    Set<String> names = new HashSet<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(imagesDir, "*" + EXTENSION)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (isPatchFileName(name)) {
          names.add(name);
        } else {
          LOG.warn("ignoring {}: its id would be empty", entry);
        }
      }
    } catch (IOException e) {
      throw new InputException(imagesDir + ": cannot list the images folder (" + AtomicFiles.describe(e) + ")", e);
    }
    return names;
  }

  /** Drops the rows whose pixels are null (skipped bad images). */
  private static PatchSet patchSet(List<String> ids, List<Byte> labels, byte[][] pixels) {
    List<String> keptIds = new ArrayList<>();
    byte[] keptLabels = new byte[ids.size()];
    byte[][] keptPixels = new byte[ids.size()][];
    int n = 0;
    for (int i = 0; i < ids.size(); i++) {
      if (pixels[i] != null) {
        keptIds.add(ids.get(i));
        keptLabels[n] = labels.get(i);
        keptPixels[n++] = pixels[i];
      }
    }
    return new PatchSet(keptIds, Arrays.copyOf(keptLabels, n), Arrays.copyOf(keptPixels, n), PatchReader.SIZE, PatchReader.SIZE);
  }

  private static String firstFew(List<String> items) {
    String shown = String.join(", ", items.subList(0, Math.min(SHOWN, items.size())));
    return items.size() > SHOWN ? shown + ", ..." : shown;
  }
}
