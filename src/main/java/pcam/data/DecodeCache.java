package pcam.data;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pcam.data.BadPatchException.Problem;
import pcam.data.PatchDecoder.BadPatch;
import pcam.data.PatchDecoder.Decoded;
import pcam.util.AtomicFiles;

/**
 * Decoded patches on disk, memory-mapped: the pixel store of every loaded dataset. The first load
 * decodes straight into a new entry (no pixel ever sits on the heap); the next load of the same
 * files maps the entry and decodes nothing.
 *
 * <p>The key hashes what identifies the pixels (see {@link PatchSource#fingerprint}): for TIFF
 * folders, every file's name, size, modification time and inode, in load order; for HDF5, the
 * file's and the row selection. A changed, added, removed or reordered file, or a different row
 * selection, gives a different key, so a stale entry is never served. Entries are written
 * atomically and end with a CRC32C, checked on every load; an entry that does not check out is
 * deleted (and decoded again) with a warning.
 *
 * <p>Layout: a {@value #HEADER}-byte header (magic, n, bytes per patch, trailer offset), the
 * pixels back to back (a bad row is zeros), then the bad rows (index, problem, detail) and the
 * checksum of everything before it.
 *
 * <p>Location: system property {@code pcam.cache.dir}, else {@code $PCAM_CACHE_DIR}, else
 * {@code ~/.cache/pcam}. Entries are 27 KB per patch (6.1 GB for the full Kaggle train set) and
 * are never evicted: delete the folder to reclaim the space. With the cache off, the store is an
 * unnamed scratch file (deleted as soon as it is mapped).
 */
final class DecodeCache {
  private static final Logger LOG = LoggerFactory.getLogger(DecodeCache.class);
  private static final long MAGIC = 0x5043414d44433032L; // "PCAMDC02"
  static final int HEADER = 4096;

  private final Path dir;

  DecodeCache(Path dir) {
    this.dir = dir;
  }

  static DecodeCache atDefaultLocation() {
    return new DecodeCache(pcam.util.CacheDir.root());
  }

  Path dir() {
    return dir;
  }

  /** Where the entry for these rows of the source lives; stats every file to build the key. */
  Path entryFor(PatchSource source, int[] rows) {
    MessageDigest digest = sha256();
    TiffSource.update(digest, "pcam decode cache v3 " + PatchReader.SIZE);
    source.fingerprint(digest, rows);
    return dir.resolve(HexFormat.of().formatHex(digest.digest()) + ".patches");
  }

  /** The cached decode, mapped, or empty if there is none or it is damaged (then it is deleted). */
  Optional<Decoded> load(Path entry, int n) {
    if (!Files.isRegularFile(entry)) {
      return Optional.empty();
    }
    long start = System.nanoTime();
    try (FileChannel channel = FileChannel.open(entry, StandardOpenOption.READ)) {
      long size = channel.size();
      ByteBuffer header = readFully(channel, 0, HEADER, size);
      long trailerAt = HEADER + (long) n * PatchReader.BYTES;
      if (header.getLong(0) != MAGIC || header.getInt(8) != n || header.getInt(12) != PatchReader.BYTES
          || header.getLong(16) != trailerAt || size < trailerAt + 12) {
        throw new IOException(size < trailerAt + 12 ? "truncated" : "header does not match");
      }
      ByteBuffer trailer = readFully(channel, trailerAt, (int) (size - trailerAt), size);
      MappedPixels pixels = MappedPixels.map(channel, MapMode.READ_ONLY, HEADER, n, PatchReader.BYTES);
      CRC32C crc = new CRC32C();
      crc.update(header.position(0));
      for (ByteBuffer segment : pixels.views()) {
        crc.update(segment);
      }
      crc.update(trailer.slice(0, trailer.limit() - 8));
      if (trailer.getLong(trailer.limit() - 8) != crc.getValue()) {
        throw new IOException("checksum mismatch");
      }
      List<BadPatch> bad = readBad(trailer);
      double seconds = (System.nanoTime() - start) / 1e9;
      LOG.info(String.format("mapped %d decoded patches from cache (checked in %.2f s): %s", n, seconds, entry));
      return Optional.of(new Decoded(pixels, bad));
    } catch (IOException | RuntimeException e) {
      LOG.warn("ignoring damaged decode cache entry {} ({}); decoding again", entry, e.getMessage());
      try {
        Files.deleteIfExists(entry);
      } catch (IOException ignored) {
        // A new entry will replace it anyway.
      }
      return Optional.empty();
    }
  }

  /**
   * Decodes the rows straight into a new entry, written atomically, and returns it mapped. Empty
   * when the entry cannot be written (disk full, read-only home): that only costs the speed-up.
   * A bad patch under {@code failFast} propagates and leaves no entry.
   */
  Optional<Decoded> decodeInto(Path entry, PatchSource source, int[] rows, boolean failFast) {
    Decoded[] result = new Decoded[1];
    try {
      AtomicFiles.write(entry, tmp -> {
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
            StandardOpenOption.WRITE)) {
          result[0] = decodeInto(channel, source, rows, failFast);
        }
      });
      LOG.debug("wrote decode cache entry {}", entry);
      return Optional.of(result[0]);
    } catch (UncheckedIOException e) {
      LOG.warn("could not write decode cache entry ({}); decoding into a scratch file", e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Decodes into an unnamed scratch file in {@code dir} (created, mapped, then unlinked: the
   * mapping keeps the pages until the process ends). Empty if {@code dir} is not writable.
   */
  static Optional<Decoded> decodeScratch(Path dir, PatchSource source, int[] rows, boolean failFast) {
    Path tmp;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, ".pcam-pixels-", ".tmp");
    } catch (IOException e) {
      LOG.debug("no scratch file in {}: {}", dir, e.getMessage());
      return Optional.empty();
    }
    try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.READ, StandardOpenOption.WRITE,
        StandardOpenOption.DELETE_ON_CLOSE)) {
      return Optional.of(decodeInto(channel, source, rows, failFast));
    } catch (IOException e) {
      LOG.debug("scratch file {} failed: {}", tmp, e.getMessage());
      return Optional.empty();
    }
  }

  private static Decoded decodeInto(FileChannel channel, PatchSource source, int[] rows, boolean failFast) throws IOException {
    int n = rows.length;
    long trailerAt = HEADER + (long) n * PatchReader.BYTES;
    ByteBuffer header = ByteBuffer.allocate(HEADER);
    header.putLong(0, MAGIC).putInt(8, n).putInt(12, PatchReader.BYTES).putLong(16, trailerAt);
    writeFully(channel, header, 0);
    MappedPixels pixels = MappedPixels.map(channel, MapMode.READ_WRITE, HEADER, n, PatchReader.BYTES);
    List<BadPatch> bad = PatchDecoder.decode(source, rows, failFast, pixels::put);
    pixels.force();
    CRC32C crc = new CRC32C();
    crc.update(header.position(0));
    for (ByteBuffer segment : pixels.views()) {
      crc.update(segment);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(bad.size());
      for (BadPatch b : bad) {
        out.writeInt(b.index());
        out.writeByte(b.problem().ordinal());
        out.writeUTF(b.detail());
      }
    }
    byte[] trailer = bytes.toByteArray();
    crc.update(trailer);
    ByteBuffer tail = ByteBuffer.allocate(trailer.length + 8).put(trailer).putLong(crc.getValue()).flip();
    writeFully(channel, tail, trailerAt);
    channel.force(false);
    return new Decoded(pixels, bad);
  }

  private static List<BadPatch> readBad(ByteBuffer trailer) throws IOException {
    byte[] bytes = new byte[trailer.limit() - 8];
    trailer.get(0, bytes);
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int count = in.readInt();
      List<BadPatch> bad = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        bad.add(new BadPatch(in.readInt(), Problem.values()[in.readByte()], in.readUTF()));
      }
      return bad;
    }
  }

  private static ByteBuffer readFully(FileChannel channel, long at, int length, long size) throws IOException {
    if (at + length > size) {
      throw new IOException("truncated");
    }
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, at + buffer.position()) < 0) {
        throw new IOException("truncated");
      }
    }
    return buffer.flip();
  }

  private static void writeFully(FileChannel channel, ByteBuffer buffer, long at) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer, at + buffer.position());
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }
}
