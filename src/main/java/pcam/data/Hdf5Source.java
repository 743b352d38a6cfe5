package pcam.data;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import io.jhdf.api.dataset.ChunkedDataset;
import io.jhdf.dataset.DatasetBase;
import io.jhdf.exceptions.HdfException;
import io.jhdf.object.datatype.FixedPoint;
import java.io.IOException;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pcam.util.InputException;

/**
 * PatchCamelyon's original HDF5 files: images {@code x} uint8 [N,96,96,3] and labels {@code y}
 * uint8 [N,1,1,1] (any shape with N values), chunked (gzip or not) or contiguous, read with jhdf
 * (pure Java). Reads go through hyperslabs of whole rows, so a range never pulls more than its
 * chunks into memory; the 262,144-patch train split is never read whole. Ids are row indices.
 *
 * <p>If PCam's {@code *_meta.csv} sits next to the images file (same name with {@code _meta.csv}
 * for {@code _x.h5}), its {@code wsi}, {@code coord_y} and {@code coord_x} columns become
 * {@link #meta()}.
 */
public final class Hdf5Source implements PatchSource {
  private static final Logger LOG = LoggerFactory.getLogger(Hdf5Source.class);
  static final List<String> META_COLUMNS = List.of("wsi", "coord_y", "coord_x");

  private final Path imagesFile;
  private final HdfFile images;
  private final DatasetBase x;
  private final byte[] labels;
  private final int n;
  private final List<String> ids;
  private final Meta meta;
  private final boolean labelled;
  /** Rows per chunk of a chunked dataset, else 1. */
  private final int chunkRows;
  private byte[] cached;
  private int cachedFirst = -1;

  private Hdf5Source(Path imagesFile, HdfFile images, DatasetBase x, byte[] labels, boolean labelled, Meta meta) {
    this.labelled = labelled;
    this.chunkRows = x instanceof ChunkedDataset c ? Math.max(1, c.getChunkDimensions()[0]) : 1;
    this.imagesFile = imagesFile;
    this.images = images;
    this.x = x;
    this.labels = labels;
    this.n = x.getDimensions()[0];
    this.ids = new RowIds(n);
    this.meta = meta;
  }

  /** True for a name ending in {@code .h5}, {@code .hdf5} or {@code .h5.gz}. */
  public static boolean isHdf5Name(Path path) {
    String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase();
    return name.endsWith(".h5") || name.endsWith(".hdf5") || name.endsWith(".h5.gz");
  }

  /**
   * Opens {@code imagesFile} ({@code x}) and, unless null, {@code labelsFile} ({@code y}); both are
   * checked (shape, type, matching length, labels 0/1) before anything is read.
   */
  public static Hdf5Source open(Path imagesFile, Path labelsFile) {
    HdfFile file = openFile(imagesFile);
    try {
      DatasetBase x = dataset(file, imagesFile, "x");
      int[] dims = x.getDimensions();
      if (dims.length != 4 || dims[1] != PatchReader.SIZE || dims[2] != PatchReader.SIZE || dims[3] != 3) {
        throw new InputException(imagesFile + ": dataset " + x.getPath() + " has shape " + Arrays.toString(dims)
            + ", expected [N, 96, 96, 3] (PatchCamelyon patches)");
      }
      requireUint8(imagesFile, x);
      byte[] labels = labelsFile == null ? null : readLabels(labelsFile, dims[0]);
      boolean labelled = labels != null;
      if (labels == null) {
        labels = new byte[dims[0]];
        Arrays.fill(labels, PatchSet.UNLABELLED);
      }
      Meta meta = readMeta(imagesFile, dims[0]);
      LOG.info("HDF5 {}: {} patches ({}{}){}", imagesFile, dims[0], x.getDataLayout().name().toLowerCase(),
          x.getFilters().isEmpty() ? "" : ", " + x.getFilters().get(0).getName(),
          labelsFile == null ? "" : ", labels " + labelsFile);
      return new Hdf5Source(imagesFile, file, x, labels, labelled, meta);
    } catch (RuntimeException e) {
      file.close();
      throw e;
    }
  }

  private static HdfFile openFile(Path path) {
    String name = path.getFileName().toString();
    if (name.toLowerCase().endsWith(".gz")) {
      throw new InputException(path + ": still gzip-compressed as downloaded; decompress it first (gunzip -k " + path + ")");
    }
    if (!Files.isRegularFile(path)) {
      Path gz = path.resolveSibling(name + ".gz");
      if (Files.isRegularFile(gz)) {
        throw new InputException(path + ": not found, but " + gz + " is; decompress it first (gunzip -k " + gz + ")");
      }
      throw new InputException(path + ": HDF5 file not found");
    }
    try {
      return new HdfFile(path);
    } catch (HdfException | IllegalArgumentException e) {
      throw new InputException(path + ": not a readable HDF5 file (" + e.getMessage() + ")", e);
    }
  }

  /** The dataset named {@code preferred} at the root, else the root's only dataset. */
  private static DatasetBase dataset(HdfFile file, Path path, String preferred) {
    Map<String, Node> children = file.getChildren();
    Node node = children.get(preferred);
    if (node == null) {
      List<Node> datasets = children.values().stream().filter(c -> c instanceof Dataset).toList();
      if (datasets.size() != 1) {
        throw new InputException(path + ": no dataset '" + preferred + "' and " + datasets.size()
            + " other datasets at the root " + children.keySet() + "; expected PCam's layout");
      }
      node = datasets.get(0);
    }
    if (!(node instanceof DatasetBase dataset)) {
      throw new InputException(path + ": '" + node.getPath() + "' is not a dataset");
    }
    return dataset;
  }

  private static void requireUint8(Path path, Dataset d) {
    if (!(d.getDataType() instanceof FixedPoint fp) || fp.getSize() != 1) {
      throw new InputException(path + ": dataset " + d.getPath() + " holds " + d.getDataType().getClass().getSimpleName()
          + " of " + d.getDataType().getSize() + " byte(s), expected uint8");
    }
  }

  private static byte[] readLabels(Path path, int expected) {
    try (HdfFile file = openFile(path)) {
      DatasetBase y = dataset(file, path, "y");
      requireUint8(path, y);
      long count = y.getSize();
      if (count != expected || y.getDimensions()[0] != expected) {
        throw new InputException(path + ": " + count + " labels (shape " + Arrays.toString(y.getDimensions())
            + ") for " + expected + " images; expected one per image");
      }
      ByteBuffer buffer = y.getDataBuffer();
      byte[] labels = new byte[expected];
      buffer.get(labels);
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] != 0 && labels[i] != 1) {
          throw new InputException(path + ": label " + Byte.toUnsignedInt(labels[i]) + " at row " + i + ", expected 0 or 1");
        }
      }
      return labels;
    } catch (HdfException e) {
      throw new InputException(path + ": cannot read labels (" + e.getMessage() + ")", e);
    }
  }

  /** PCam's {@code *_meta.csv} beside {@code *_x.h5}; absent or unusable -> null (with a warning). */
  private static Meta readMeta(Path imagesFile, int expected) {
    String name = imagesFile.getFileName().toString();
    if (!name.endsWith("_x.h5")) {
      return null;
    }
    Path csv = imagesFile.resolveSibling(name.substring(0, name.length() - "_x.h5".length()) + "_meta.csv");
    if (!Files.isRegularFile(csv)) {
      return null;
    }
    try (Reader in = Files.newBufferedReader(csv);
        CSVParser parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
            .setAllowMissingColumnNames(true).get().parse(in)) {
      if (!parser.getHeaderNames().containsAll(META_COLUMNS)) {
        LOG.warn("{}: no {} columns (has {}); predictions get no metadata", csv, META_COLUMNS, parser.getHeaderNames());
        return null;
      }
      List<List<String>> rows = new ArrayList<>(expected);
      for (CSVRecord r : parser) {
        rows.add(META_COLUMNS.stream().map(r::get).toList());
      }
      if (rows.size() != expected) {
        LOG.warn("{}: {} rows for {} patches; predictions get no metadata", csv, rows.size(), expected);
        return null;
      }
      LOG.info("metadata {}: {} added to predictions", csv, META_COLUMNS);
      return new Meta(META_COLUMNS, rows);
    } catch (IOException | RuntimeException e) {
      LOG.warn("{}: cannot read ({}); predictions get no metadata", csv, e.getMessage());
      return null;
    }
  }

  @Override
  public String describe() {
    return imagesFile.toString();
  }

  @Override
  public List<String> ids() {
    return ids;
  }

  @Override
  public int size() {
    return n;
  }

  @Override
  public boolean labelled() {
    return labelled;
  }

  @Override
  public int label(int i) {
    return labels[i];
  }

  /**
   * One row. A chunked dataset is decompressed a whole chunk at a time, so the chunk holding the
   * row is kept for the next call: rows read in order cost one decompression per chunk.
   */
  @Override
  public byte[] read(int i) {
    if (chunkRows <= 1) {
      byte[] pixels = new byte[PatchReader.BYTES];
      readRange(i, 1, pixels, 0);
      return pixels;
    }
    synchronized (this) {
      int first = i / chunkRows * chunkRows;
      if (cachedFirst != first) {
        int count = Math.min(chunkRows, n - first);
        byte[] block = cached != null && cached.length == count * PatchReader.BYTES ? cached : new byte[count * PatchReader.BYTES];
        cachedFirst = -1;
        readRange(first, count, block, 0);
        cached = block;
        cachedFirst = first;
      }
      int at = (i - first) * PatchReader.BYTES;
      return Arrays.copyOfRange(cached, at, at + PatchReader.BYTES);
    }
  }

  /** One hyperslab of whole rows; jhdf's readers are not documented thread-safe, so reads take turns. */
  @Override
  public void readRange(int from, int count, byte[] dst, int offset) {
    if (from < 0 || count < 0 || from + count > n) {
      throw new IndexOutOfBoundsException("rows " + from + "+" + count + " of " + n);
    }
    if (count == 0) {
      return;
    }
    try {
      synchronized (this) {
        ByteBuffer slice = x.getSliceDataBuffer(
            new long[] {from, 0, 0, 0}, new int[] {count, PatchReader.SIZE, PatchReader.SIZE, 3});
        slice.get(dst, offset, count * PatchReader.BYTES);
      }
    } catch (HdfException e) {
      throw new InputException(imagesFile + ": cannot read rows " + from + ".." + (from + count - 1) + " (" + e.getMessage() + ")", e);
    }
  }

  @Override
  public boolean readsInBlocks() {
    return true;
  }

  @Override
  public String nameOf(int i) {
    return imagesFile + " row " + i;
  }

  @Override
  public void fingerprint(MessageDigest digest, int[] rows) {
    TiffSource.update(digest, "hdf5 " + imagesFile.toAbsolutePath().normalize() + "|" + x.getPath() + "|"
        + TiffSource.basicStamp(imagesFile) + "|" + TiffSource.unixStamp(imagesFile));
    StringBuilder sb = new StringBuilder(rows.length * 7);
    for (int row : rows) {
      sb.append(row).append(',');
    }
    TiffSource.update(digest, sb.toString());
  }

  @Override
  public Optional<Meta> meta() {
    return Optional.ofNullable(meta);
  }

  @Override
  public void close() {
    images.close();
  }

  /** "0", "1", ... without holding N strings. */
  private static final class RowIds extends AbstractList<String> {
    private final int n;

    RowIds(int n) {
      this.n = n;
    }

    @Override
    public String get(int i) {
      if (i < 0 || i >= n) {
        throw new IndexOutOfBoundsException(i);
      }
      return Integer.toString(i);
    }

    @Override
    public int size() {
      return n;
    }
  }
}
