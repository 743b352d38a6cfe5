package pcam.cli;

import java.nio.file.Path;
import pcam.data.DataLayout;
import pcam.data.Hdf5Source;
import pcam.data.SourceSpec;
import pcam.util.InputException;
import picocli.CommandLine.Option;

/**
 * Where the patches are, shared by every command that reads data (mix in with {@code @Mixin}):
 * {@code --data DIR} with its layout detected, {@code --split} for PCam's HDF5 splits, or the
 * explicit {@code --images} (and {@code --labels}).
 */
public final class SourceOptions {
  @Option(names = "--data", paramLabel = "DIR",
      description = "A dataset folder, layout detected: Kaggle's (DIR/train_labels.csv, DIR/train/<id>.tif) or"
          + " PatchCamelyon's HDF5 files (camelyonpatch_level_2_split_{train,valid,test}_{x,y}.h5, any of the splits)."
          + " Or give --images (and --labels).")
  private Path data;

  @Option(names = "--split", paramLabel = "SPLIT",
      description = "With PCam's HDF5 files in --data: which split, ${COMPLETION-CANDIDATES}. Default: train (predict: test).")
  private DataLayout.Split split;

  @Option(names = "--labels", paramLabel = "FILE",
      description = "With --images: an id,label CSV (label 0 or 1) for a TIFF folder, or PCam's *_y.h5 for an"
          + " *_x.h5 (found by name when omitted).")
  private Path labels;

  @Option(names = "--images", paramLabel = "DIR|X.h5",
      description = "A folder of <id>.tif patches (with --labels CSV), or an HDF5 file of [N,96,96,3] uint8 patches.")
  private Path images;

  /** The labelled source the flags name (no validation of the cut flags). */
  SourceSpec labelledSource() {
    if (data != null) {
      if (labels != null || images != null) {
        throw new InputException("give either --data DIR or --images (with --labels), not both");
      }
      return DataLayout.labelled(data, split);
    }
    if (images == null) {
      throw new InputException(labels == null
          ? "no dataset given: use --data DIR (Kaggle or PCam HDF5 layout) or --images with --labels"
          : "--labels needs --images (a folder of .tif, or an HDF5 file)");
    }
    if (split != null) {
      throw new InputException("--split picks a PCam split inside --data DIR; with --images give the split's file itself");
    }
    if (Hdf5Source.isHdf5Name(images)) {
      Path y = labels != null ? labels : DataLayout.siblingLabels(images);
      if (y == null) {
        throw new InputException("--images " + images + " needs --labels Y.h5 (PCam's labels file)");
      }
      return new SourceSpec(images, y, null);
    }
    if (labels == null) {
      throw new InputException("--images " + images + " needs --labels CSV (id,label)");
    }
    return SourceSpec.kaggle(labels, images);
  }

  /**
   * The source to score: --data (a PCam split, default test; Kaggle's test/ with
   * sample_submission.csv), or --images (a TIFF folder or an HDF5 file), labels not needed.
   */
  public SourceSpec scoringSource() {
    if (data != null) {
      if (images != null || labels != null) {
        throw new InputException("give either --data DIR or --images, not both");
      }
      return DataLayout.forScoring(data, split);
    }
    if (images == null) {
      throw new InputException("no patches given: use --data DIR or --images (a folder of .tif, or an HDF5 file)");
    }
    if (split != null) {
      throw new InputException("--split picks a PCam split inside --data DIR; with --images give the split's file itself");
    }
    return new SourceSpec(images, null, null);
  }


  /** The flags as given, to pass on to another command (sweep cells, bench child runs). */
  java.util.List<String> asArguments() {
    java.util.List<String> args = new java.util.ArrayList<>();
    if (data != null) {
      args.addAll(java.util.List.of("--data", data.toString()));
    }
    if (split != null) {
      args.addAll(java.util.List.of("--split", split.name()));
    }
    if (images != null) {
      args.addAll(java.util.List.of("--images", images.toString()));
    }
    if (labels != null) {
      args.addAll(java.util.List.of("--labels", labels.toString()));
    }
    return args;
  }

  /** What the flags name, for {@link pcam.util.PathGuard}: the files of the detected layout, or the given paths. */
  java.util.List<pcam.util.PathGuard.Role> inputs() {
    if (data != null) {
      return dataInputs("--data", data);
    }
    return java.util.List.of(pcam.util.PathGuard.Role.of("--images", images), pcam.util.PathGuard.Role.of("--labels", labels));
  }

  /** The files a --data folder contributes (every split for PCam); the folder itself when its layout is unknown. */
  static java.util.List<pcam.util.PathGuard.Role> dataInputs(String flag, Path dir) {
    java.util.List<pcam.util.PathGuard.Role> roles = new java.util.ArrayList<>();
    for (DataLayout.Split s : DataLayout.pcamSplits(dir)) {
      roles.add(pcam.util.PathGuard.Role.of(flag, DataLayout.pcamImages(dir, s)));
      roles.add(pcam.util.PathGuard.Role.of(flag, DataLayout.pcamLabels(dir, s)));
    }
    if (roles.isEmpty()) {
      roles.add(pcam.util.PathGuard.Role.of(flag, dir.resolve("train_labels.csv")));
      roles.add(pcam.util.PathGuard.Role.of(flag, dir.resolve("train")));
      roles.add(pcam.util.PathGuard.Role.of(flag, dir.resolve("test")));
    }
    return roles;
  }
}
