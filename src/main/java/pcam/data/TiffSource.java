package pcam.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pcam.util.AtomicFiles;
import pcam.util.InputException;

/**
 * A folder of {@code <id>.tif} patches: Kaggle's layout (ids and labels from an {@code id,label}
 * CSV) or an unlabelled folder for scoring (ids from a CSV such as sample_submission.csv, or every
 * {@code *.tif}, sorted). The folder is listed once; {@link #present} needs no file system call.
 * Rows are read on demand; nothing is held but the ids.
 */
public final class TiffSource implements PatchSource {
  private static final Logger LOG = LoggerFactory.getLogger(TiffSource.class);
  public static final String EXTENSION = ".tif";

  private final Path dir;
  private final List<String> ids;
  private final byte[] labels;
  private final boolean labelled;
  private final Set<String> files;

  private TiffSource(Path dir, List<String> ids, byte[] labels, boolean labelled, Set<String> files) {
    this.dir = dir;
    this.ids = ids;
    this.labels = labels;
    this.labelled = labelled;
    this.files = files;
  }

  /** Kaggle: the CSV's rows in order; ids without an image are reported by {@link #present}. */
  public static TiffSource labelled(Path labelsCsv, Path imagesDir) {
    List<LabelsCsv.Row> rows = LabelsCsv.readLabels(labelsCsv);
    if (rows.isEmpty()) {
      throw new InputException(labelsCsv + ": no rows after the header");
    }
    Set<String> files = listImages(imagesDir);
    byte[] labels = new byte[rows.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = rows.get(i).label();
    }
    return new TiffSource(imagesDir, rows.stream().map(LabelsCsv.Row::id).toList(), labels, true, files);
  }

  /**
   * Unlabelled: with an ids CSV, its ids in its order, each of which must have an image; without,
   * every {@code *.tif} in the folder, sorted by name.
   */
  public static TiffSource unlabelled(Path imagesDir, Path idsCsvOrNull) {
    Set<String> files = listImages(imagesDir);
    List<String> ids;
    if (idsCsvOrNull != null) {
      ids = LabelsCsv.readIds(idsCsvOrNull);
      if (ids.isEmpty()) {
        throw new InputException(idsCsvOrNull + ": no ids after the header");
      }
      List<String> missing = ids.stream().filter(id -> !files.contains(id + EXTENSION)).toList();
      if (!missing.isEmpty()) {
        throw new InputException(idsCsvOrNull + ": " + missing.size() + " of " + ids.size() + " ids have no image in "
            + imagesDir + " (first: " + missing.get(0) + EXTENSION + ")");
      }
      int extra = files.size() - ids.size();
      if (extra > 0) {
        LOG.info("{} images in {} are not listed in {} and are not scored", extra, imagesDir, idsCsvOrNull);
      }
    } else {
      ids = files.stream().sorted().map(name -> name.substring(0, name.length() - EXTENSION.length())).toList();
      if (ids.isEmpty()) {
        throw new InputException(imagesDir + ": no " + EXTENSION + " images in this folder");
      }
    }
    byte[] labels = new byte[ids.size()];
    Arrays.fill(labels, PatchSet.UNLABELLED);
    return new TiffSource(imagesDir, ids, labels, false, files);
  }

  /** Unlabelled, these ids in this order, already checked by the caller (no listing). */
  public static TiffSource ofIds(Path imagesDir, List<String> ids) {
    byte[] labels = new byte[ids.size()];
    Arrays.fill(labels, PatchSet.UNLABELLED);
    return new TiffSource(imagesDir, List.copyOf(ids), labels, false, null);
  }

  public Path dir() {
    return dir;
  }

  @Override
  public String describe() {
    return dir.toString();
  }

  @Override
  public List<String> ids() {
    return ids;
  }

  @Override
  public boolean labelled() {
    return labelled;
  }

  @Override
  public int label(int i) {
    return labels[i];
  }

  @Override
  public boolean present(int i) {
    return files == null || files.contains(ids.get(i) + EXTENSION);
  }

  @Override
  public byte[] read(int i) {
    return PatchReader.read(file(i));
  }

  @Override
  public String nameOf(int i) {
    return file(i).toString();
  }

  public Path file(int i) {
    return dir.resolve(ids.get(i) + EXTENSION);
  }

  /**
   * Every file's name, size, modification time, device, inode and <em>status-change time</em>
   * ({@code unix:ctime}). The ctime is what makes it safe: size, mtime and inode survive
   * {@code cp -p} over a file (or archive extraction with a shared mtime), but the kernel sets
   * ctime on every write and no tool can set it back. Measured on the 4000-file sample: the ctime
   * stat costs about 36 ms per 4000 files warm (plain stat: 11 ms), hashing every file's content
   * 290 ms (CRC32C) to 390 ms (SHA-256) warm, and a full extra read of the data cold; so content is
   * hashed only where there is no {@code unix} attribute view.
   */
  @Override
  public void fingerprint(MessageDigest digest, int[] rows) {
    update(digest, "tiff " + dir.toAbsolutePath().normalize());
    for (int row : rows) {
      Path file = file(row);
      update(digest, file.getFileName() + "|" + (UNIX_ATTRIBUTES ? unixStamp(file) : basicStamp(file) + "|" + contentHash(file)));
    }
  }

  private static final boolean UNIX_ATTRIBUTES = FileSystems.getDefault().supportedFileAttributeViews().contains("unix");

  /** size, mtime (ns), device, inode and ctime (ns): changes with every write, whatever the writer preserves. */
  static String unixStamp(Path file) {
    Map<String, Object> a;
    try {
      a = Files.readAttributes(file, "unix:size,lastModifiedTime,dev,ino,ctime");
    } catch (NoSuchFileException e) {
      throw new InputException(file + ": file not found (removed while loading?)", e);
    } catch (IOException e) {
      throw new InputException(file + ": cannot read file attributes (" + AtomicFiles.describe(e) + ")", e);
    }
    return a.get("size") + "|" + ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS) + "|" + a.get("dev") + "|"
        + a.get("ino") + "|" + ((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS);
  }

  /** The file's stamp without ctime: size, mtime, file key. */
  static String basicStamp(Path file) {
    BasicFileAttributes a = attributes(file);
    return a.size() + "|" + a.lastModifiedTime().to(TimeUnit.NANOSECONDS) + "|" + a.fileKey();
  }

  /** Without ctime: the content itself (capped like every image read), CRC32C. */
  private static long contentHash(Path file) {
    CRC32C crc = new CRC32C();
    try {
      crc.update(PatchReader.readBytes(file));
    } catch (BadPatchException e) {
      crc.update(e.getMessage().getBytes(StandardCharsets.UTF_8)); // decoding reports it; the key only needs to be stable
    }
    return crc.getValue();
  }

  /** {@code <id>.tif} with a non-empty id: a file named just {@code .tif} is no patch of anything. */
  public static boolean isPatchFileName(String name) {
    return name.endsWith(EXTENSION) && name.length() > EXTENSION.length();
  }

  static void update(MessageDigest digest, String s) {
    digest.update(s.getBytes(StandardCharsets.UTF_8));
    digest.update((byte) '\n');
  }

  static BasicFileAttributes attributes(Path file) {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new InputException(file + ": file not found (removed while loading?)", e);
    } catch (IOException e) {
      throw new InputException(file + ": cannot read file attributes (" + AtomicFiles.describe(e) + ")", e);
    }
  }

  /** Names of the {@code *.tif} entries of the folder: one directory listing, not a stat per id. */
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
}
