package pcam.data;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pcam.data.BadPatchException.Problem;
import pcam.data.PatchDecoder.BadPatch;
import pcam.data.PatchDecoder.Decoded;
import pcam.util.AtomicFiles;
import pcam.util.InputException;

/**
 * Decoded patches on disk, so that the next load of the same files skips TIFF decoding.
 *
 * <p>The key hashes the absolute images folder and, for every file loaded, in load order, its
 * name, size, modification time, device, inode and <em>status-change time</em> ({@code unix:ctime}).
 * A changed, added, removed or reordered file, or a different row selection, gives a different
 * key, so a stale entry is never served. The ctime is what makes it safe: size, mtime and inode
 * survive {@code cp -p} over a file (or archive extraction with a shared mtime), but the kernel
 * sets ctime on every write and no tool can set it back. Measured on the 4000-file sample: the
 * ctime stat costs about 36 ms per 4000 files warm (plain stat: 11 ms), hashing every file's
 * content 290 ms (CRC32C) to 390 ms (SHA-256) warm, and a full extra read of the data cold; so
 * content is hashed only where there is no {@code unix} attribute view (then the key would
 * otherwise be stale-prone). Entries are written
 * atomically and end with a CRC32C; an entry that does not check out is ignored (and decoded
 * again) with a warning.
 *
 * <p>Location: system property {@code pcam.cache.dir}, else {@code $PCAM_CACHE_DIR}, else
 * {@code ~/.cache/pcam}. Entries are uint8 pixels (27 KB per patch; 6.1 GB for the full Kaggle
 * train set) and are never evicted: delete the folder to reclaim the space.
 */
final class DecodeCache {
  private static final Logger LOG = LoggerFactory.getLogger(DecodeCache.class);
  private static final long MAGIC = 0x5043414d44433031L; // "PCAMDC01"
  private static final int BUFFER = 1 << 20;
  private static final byte OK = 0;
  private static final byte BAD = 1;

  private final Path dir;

  DecodeCache(Path dir) {
    this.dir = dir;
  }

  static DecodeCache atDefaultLocation() {
    return new DecodeCache(pcam.util.CacheDir.root());
  }

  /** Where the entry for these files lives; stats every file (size, mtime) to build the key. */
  Path entryFor(Path imagesDir, List<Path> files) {
    MessageDigest digest = sha256();
    update(digest, "pcam decode cache v2 " + PatchReader.SIZE);
    update(digest, imagesDir.toAbsolutePath().normalize().toString());
    boolean unix = UNIX_ATTRIBUTES;
    for (Path file : files) {
      update(digest, file.getFileName() + "|" + (unix ? unixStamp(file) : basicStamp(file) + "|" + contentHash(file)));
    }
    return dir.resolve(HexFormat.of().formatHex(digest.digest()) + ".patches");
  }

  /** The cached decode, or empty if there is none or it is damaged (then it is deleted). */
  Optional<Decoded> load(Path entry, int n) {
    if (!Files.isRegularFile(entry)) {
      return Optional.empty();
    }
    long start = System.nanoTime();
    CRC32C crc = new CRC32C();
    try (DataInputStream in =
        new DataInputStream(new CheckedInputStream(new BufferedInputStream(Files.newInputStream(entry), BUFFER), crc))) {
      if (in.readLong() != MAGIC || in.readInt() != n || in.readInt() != PatchReader.BYTES) {
        throw new IOException("header does not match");
      }
      byte[][] pixels = new byte[n][];
      List<BadPatch> bad = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        byte status = in.readByte();
        if (status == OK) {
          pixels[i] = new byte[PatchReader.BYTES];
          in.readFully(pixels[i]);
        } else if (status == BAD) {
          bad.add(new BadPatch(i, Problem.values()[in.readByte()], in.readUTF()));
        } else {
          throw new IOException("bad record marker " + status + " at patch " + i);
        }
      }
      long expected = crc.getValue();
      if (in.readLong() != expected) {
        throw new IOException("checksum mismatch");
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      LOG.info(String.format("read %d decoded patches from cache in %.2f s (%.0f img/s): %s", n, seconds, n / seconds, entry));
      return Optional.of(new Decoded(pixels, bad));
    } catch (IOException | RuntimeException e) {
      String reason = e instanceof EOFException ? "truncated" : e.getMessage();
      LOG.warn("ignoring damaged decode cache entry {} ({}); decoding again", entry, reason);
      try {
        Files.deleteIfExists(entry);
      } catch (IOException ignored) {
        // A new entry will replace it anyway.
      }
      return Optional.empty();
    }
  }

  /** Writes the entry atomically; a failure (disk full, read-only home) only costs the speed-up. */
  void store(Path entry, Decoded decoded) {
    try {
      AtomicFiles.write(entry, tmp -> write(tmp, decoded));
      LOG.debug("wrote decode cache entry {}", entry);
    } catch (UncheckedIOException e) {
      LOG.warn("could not write decode cache entry ({}); the next load will decode again", e.getMessage());
    }
  }

  private static void write(Path tmp, Decoded decoded) throws IOException {
    CRC32C crc = new CRC32C();
    byte[][] pixels = decoded.pixels();
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), BUFFER))) {
      DataOutputStream checked = new DataOutputStream(new CheckedOutputStream(out, crc));
      checked.writeLong(MAGIC);
      checked.writeInt(pixels.length);
      checked.writeInt(PatchReader.BYTES);
      int nextBad = 0;
      for (int i = 0; i < pixels.length; i++) {
        if (pixels[i] != null) {
          checked.writeByte(OK);
          checked.write(pixels[i]);
        } else {
          BadPatch bad = decoded.bad().get(nextBad++);
          checked.writeByte(BAD);
          checked.writeByte(bad.problem().ordinal());
          checked.writeUTF(bad.detail());
        }
      }
      checked.flush();
      out.writeLong(crc.getValue());
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

  private static String basicStamp(Path file) {
    BasicFileAttributes attributes = attributes(file);
    return attributes.size() + "|" + attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS) + "|" + attributes.fileKey();
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

  private static BasicFileAttributes attributes(Path file) {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new InputException(file + ": file not found (removed while loading?)", e);
    } catch (IOException e) {
      throw new InputException(file + ": cannot read file attributes (" + AtomicFiles.describe(e) + ")", e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }

  private static void update(MessageDigest digest, String s) {
    digest.update(s.getBytes(StandardCharsets.UTF_8));
    digest.update((byte) '\n');
  }
}
