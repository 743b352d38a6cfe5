package pcam.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import pcam.util.InputException;

/**
 * What {@code --data DIR} holds: Kaggle's layout ({@code train_labels.csv}, {@code train/},
 * {@code test/}) or PatchCamelyon's HDF5 files ({@code camelyonpatch_level_2_split_<split>_x.h5}
 * and {@code _y.h5}), any subset of the three splits.
 */
public final class DataLayout {
  /** PCam's splits; the Kaggle layout has train (labelled) and test (unlabelled). */
  public enum Split { train, valid, test }

  private static final String PCAM_PREFIX = "camelyonpatch_level_2_split_";

  private DataLayout() {}

  /** The PCam images file of a split in {@code dir}. */
  public static Path pcamImages(Path dir, Split split) {
    return dir.resolve(PCAM_PREFIX + split + "_x.h5");
  }

  public static Path pcamLabels(Path dir, Split split) {
    return dir.resolve(PCAM_PREFIX + split + "_y.h5");
  }

  public static boolean isKaggle(Path dir) {
    return Files.isRegularFile(dir.resolve("train_labels.csv")) || Files.isDirectory(dir.resolve("train"));
  }

  /** The PCam splits whose images file is in {@code dir} (compressed or not). */
  public static List<Split> pcamSplits(Path dir) {
    List<Split> found = new ArrayList<>();
    for (Split s : Split.values()) {
      Path x = pcamImages(dir, s);
      if (Files.isRegularFile(x) || Files.isRegularFile(x.resolveSibling(x.getFileName() + ".gz"))) {
        found.add(s);
      }
    }
    return found;
  }

  /**
   * The labelled source in {@code dir}: Kaggle's train set, or a PCam split ({@code split}, or
   * train when null).
   */
  public static SourceSpec labelled(Path dir, Split split) {
    List<Split> pcam = Files.isDirectory(dir) ? pcamSplits(dir) : List.of();
    if (!pcam.isEmpty()) {
      Split s = pick(dir, pcam, split == null ? Split.train : split);
      return new SourceSpec(pcamImages(dir, s), pcamLabels(dir, s), null);
    }
    if (split != null && split != Split.train) {
      throw new InputException(dir + ": a Kaggle-layout folder has only labelled train data; --split " + split
          + " applies to PCam's HDF5 files");
    }
    // Kaggle, or nothing recognisable: loading then names the missing train_labels.csv or train/.
    return SourceSpec.kaggle(dir.resolve("train_labels.csv"), dir.resolve("train"));
  }

  /**
   * The source to score in {@code dir}: a PCam split (default test; its labels are not needed), or
   * Kaggle's {@code test/} with {@code sample_submission.csv} when present (train/ with --split train).
   */
  public static SourceSpec forScoring(Path dir, Split split) {
    requireFolder(dir);
    List<Split> pcam = pcamSplits(dir);
    if (!pcam.isEmpty()) {
      Split s = pick(dir, pcam, split == null ? Split.test : split);
      return new SourceSpec(pcamImages(dir, s), null, null);
    }
    if (isKaggle(dir)) {
      if (split == Split.valid) {
        throw new InputException(dir + ": a Kaggle-layout folder has no valid split (train or test)");
      }
      if (split == Split.train) {
        return new SourceSpec(dir.resolve("train"), null, null);
      }
      Path ids = dir.resolve("sample_submission.csv");
      return new SourceSpec(dir.resolve("test"), null, Files.isRegularFile(ids) ? ids : null);
    }
    throw unknown(dir);
  }

  /** {@code images}' labels file when it follows PCam's naming ({@code _x.h5} -> {@code _y.h5}) and exists. */
  public static Path siblingLabels(Path images) {
    String name = images.getFileName().toString();
    if (!name.endsWith("_x.h5")) {
      return null;
    }
    Path y = images.resolveSibling(name.substring(0, name.length() - "_x.h5".length()) + "_y.h5");
    return Files.isRegularFile(y) ? y : null;
  }

  private static Split pick(Path dir, List<Split> present, Split wanted) {
    if (!present.contains(wanted)) {
      throw new InputException(dir + ": no PCam " + wanted + " split (" + pcamImages(dir, wanted).getFileName()
          + "); this folder has " + present);
    }
    return wanted;
  }

  private static void requireFolder(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new InputException("--data " + dir + ": folder not found");
    }
  }

  private static InputException unknown(Path dir) {
    String seen;
    try (Stream<Path> entries = Files.list(dir)) {
      seen = entries.limit(6).map(p -> p.getFileName().toString()).toList().toString();
    } catch (IOException e) {
      seen = "(unlistable)";
    }
    return new InputException("--data " + dir + ": neither Kaggle's layout (train_labels.csv, train/) nor PCam's HDF5 files ("
        + PCAM_PREFIX + "{train,valid,test}_{x,y}.h5); it holds " + seen);
  }
}
