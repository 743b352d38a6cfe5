package pcam.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a dataset lives, as given on the command line: the images (a folder of {@code <id>.tif}
 * or an HDF5 file) and the labels (an {@code id,label} CSV, an HDF5 file, or none for scoring).
 * The kind follows from the paths, so config.json keeps its two fields.
 *
 * @param images folder of TIFF patches, or PCam's {@code *_x.h5}
 * @param labels {@code id,label} CSV for a folder, PCam's {@code *_y.h5} for an HDF5 file, or null
 * @param ids for an unlabelled folder: a CSV whose id column picks and orders the files; else null
 */
public record SourceSpec(Path images, Path labels, Path ids) {
  public static SourceSpec kaggle(Path labelsCsv, Path imagesDir) {
    return new SourceSpec(imagesDir, labelsCsv, null);
  }

  public boolean isHdf5() {
    return Hdf5Source.isHdf5Name(images);
  }

  public PatchSource open() {
    if (isHdf5()) {
      return Hdf5Source.open(images, labels);
    }
    if (labels != null) {
      return TiffSource.labelled(labels, images);
    }
    return TiffSource.unlabelled(images, ids);
  }

  /** What to call the images in messages. */
  public String describe() {
    return labels == null || Files.isDirectory(labels) ? images.toString() : images + " (labels " + labels + ")";
  }
}
