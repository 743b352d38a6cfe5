package pcam.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.data.BadPatchException.Problem;
import pcam.data.PatchDecoder.BadPatch;
import pcam.data.PatchDecoder.Decoded;

class DecodeCacheTest {
  @TempDir Path tmp;
  private Path images;
  private List<Path> files;
  private DecodeCache cache;
  private Decoded decoded;

  @BeforeEach
  void setUp() throws IOException {
    SyntheticPatches.write(tmp.resolve("d"), 6, 0, 1, false);
    images = tmp.resolve("d").resolve("train");
    try (var list = Files.list(images)) {
      files = list.sorted().toList();
    }
    Files.writeString(files.get(4), "junk");
    decoded = PatchDecoder.decode(files, false);
    cache = new DecodeCache(tmp.resolve("cache"));
  }

  @Test
  void roundTripsPixelsAndBadEntries() {
    Path entry = cache.entryFor(images, files);
    assertThat(cache.load(entry, files.size())).isEmpty();
    cache.store(entry, decoded);
    Decoded back = cache.load(entry, files.size()).orElseThrow();
    for (int i = 0; i < files.size(); i++) {
      assertThat(back.pixels()[i]).isEqualTo(decoded.pixels()[i]);
    }
    assertThat(back.pixels()[4]).isNull();
    assertThat(back.bad()).containsExactly(new BadPatch(4, Problem.UNREADABLE, decoded.bad().get(0).detail()));
  }

  @Test
  void keyDependsOnSelectionOrderAndFileState() throws IOException {
    Path entry = cache.entryFor(images, files);
    assertThat(cache.entryFor(images, files)).isEqualTo(entry);
    assertThat(cache.entryFor(images, files.subList(0, 5))).isNotEqualTo(entry);
    assertThat(cache.entryFor(images, reversed(files))).isNotEqualTo(entry);
    Files.setLastModifiedTime(files.get(0), FileTime.fromMillis(1_000_000));
    assertThat(cache.entryFor(images, files)).isNotEqualTo(entry);
  }

  /**
   * What {@code cp -p} over a file does: new content of the same size into the same inode, with
   * the old mtime put back. Only the ctime (set by the kernel on the write, settable by no one)
   * tells; the key must change and the old pixels must not be served.
   */
  @Test
  void aSameSizeSameMtimeSameInodeReplacementChangesTheKey() throws Exception {
    Path file = files.get(0);
    byte[] other = Files.readAllBytes(files.get(1));
    assertThat(other).hasSize((int) Files.size(file)).isNotEqualTo(Files.readAllBytes(file));
    Path entry = cache.entryFor(images, files);
    cache.store(entry, decoded);
    FileTime mtime = Files.getLastModifiedTime(file);
    Object inode = Files.getAttribute(file, "unix:ino");
    Thread.sleep(20); // past the kernel's coarse timestamp granularity (a few ms), as any later copy is

    Files.write(file, other); // truncate and rewrite in place: same inode
    Files.setLastModifiedTime(file, mtime);

    assertThat(Files.getAttribute(file, "unix:ino")).isEqualTo(inode);
    assertThat(Files.getLastModifiedTime(file)).isEqualTo(mtime);
    assertThat(Files.size(file)).isEqualTo(other.length);
    Path after = cache.entryFor(images, files);
    assertThat(after).isNotEqualTo(entry);
    assertThat(cache.load(after, files.size())).isEmpty(); // decoded again, from the new bytes
    assertThat(PatchDecoder.decode(files, false).pixels()[0]).isEqualTo(decoded.pixels()[1]);
  }

  @Test
  void truncatedEntryIsIgnoredAndDeleted() throws IOException {
    Path entry = cache.entryFor(images, files);
    cache.store(entry, decoded);
    byte[] bytes = Files.readAllBytes(entry);
    Files.write(entry, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertThat(cache.load(entry, files.size())).isEmpty();
    assertThat(entry).doesNotExist();
  }

  @Test
  void flippedByteIsCaughtByTheChecksum() throws IOException {
    Path entry = cache.entryFor(images, files);
    cache.store(entry, decoded);
    byte[] bytes = Files.readAllBytes(entry);
    bytes[1000] ^= 1;
    Files.write(entry, bytes);
    Optional<Decoded> loaded = cache.load(entry, files.size());
    assertThat(loaded).isEmpty();
  }

  @Test
  void unwritableCacheOnlyCostsTheSpeedUp() throws IOException {
    Path blocked = Files.writeString(tmp.resolve("file-not-folder"), "x");
    DecodeCache broken = new DecodeCache(blocked);
    Path entry = broken.entryFor(images, files);
    broken.store(entry, decoded); // logs a warning, does not throw
    assertThat(broken.load(entry, files.size())).isEmpty();
  }

  private static List<Path> reversed(List<Path> list) {
    List<Path> copy = new java.util.ArrayList<>(list);
    java.util.Collections.reverse(copy);
    return copy;
  }
}
