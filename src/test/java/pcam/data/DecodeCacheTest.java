package pcam.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
  private TiffSource source;
  private int[] rows;

  @BeforeEach
  void setUp() throws IOException {
    SyntheticPatches.write(tmp.resolve("d"), 6, 0, 1, false);
    images = tmp.resolve("d").resolve("train");
    try (var list = Files.list(images)) {
      files = list.sorted().toList();
    }
    Files.writeString(files.get(4), "junk");
    source = TiffSource.unlabelled(images, null);
    rows = Datasets.range(files.size());
    cache = new DecodeCache(tmp.resolve("cache"));
  }

  @Test
  void decodesIntoAMappedEntryThatTheNextLoadMapsWithTheSamePixelsAndBadRows() {
    Path entry = cache.entryFor(source, rows);
    assertThat(cache.load(entry, files.size())).isEmpty();
    Decoded written = cache.decodeInto(entry, source, rows, false).orElseThrow();
    assertThat(written.pixels()).isInstanceOf(MappedPixels.class);
    Decoded back = cache.load(entry, files.size()).orElseThrow();
    assertThat(back.pixels()).isInstanceOf(MappedPixels.class);
    for (int i = 0; i < files.size(); i++) {
      if (i != 4) {
        byte[] expected = PatchReader.read(files.get(i));
        assertThat(written.pixels().get(i)).isEqualTo(expected);
        assertThat(back.pixels().get(i)).isEqualTo(expected);
      }
    }
    assertThat(back.bad()).containsExactly(new BadPatch(4, Problem.UNREADABLE, written.bad().get(0).detail()));
    assertThat(entry).hasSize(DecodeCache.HEADER + 6L * PatchReader.BYTES + 4 + 4 + 1 + 2
        + written.bad().get(0).detail().length() + 8);
  }

  @Test
  void aBadPatchUnderFailFastLeavesNoEntry() {
    Path entry = cache.entryFor(source, rows);
    assertThatThrownBy(() -> cache.decodeInto(entry, source, rows, true)).isInstanceOf(BadPatchException.class);
    assertThat(entry).doesNotExist();
    assertThat(tmp.resolve("cache")).isEmptyDirectory();
  }

  @Test
  void scratchStoreLeavesNoFileBehind() throws IOException {
    Path scratch = Files.createDirectory(tmp.resolve("scratch"));
    Decoded d = DecodeCache.decodeScratch(scratch, source, new int[] {0, 1, 2}, true).orElseThrow();
    assertThat(d.pixels().get(2)).isEqualTo(PatchReader.read(files.get(2)));
    assertThat(scratch).isEmptyDirectory();
  }

  @Test
  void keyDependsOnSelectionOrderAndFileState() throws IOException {
    Path entry = cache.entryFor(source, rows);
    assertThat(cache.entryFor(source, rows)).isEqualTo(entry);
    assertThat(cache.entryFor(source, new int[] {0, 1, 2, 3, 4})).isNotEqualTo(entry);
    assertThat(cache.entryFor(source, new int[] {5, 4, 3, 2, 1, 0})).isNotEqualTo(entry);
    Files.setLastModifiedTime(files.get(0), FileTime.fromMillis(1_000_000));
    assertThat(cache.entryFor(source, rows)).isNotEqualTo(entry);
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
    Path entry = cache.entryFor(source, rows);
    Decoded decoded = cache.decodeInto(entry, source, rows, false).orElseThrow();
    byte[] secondPatch = decoded.pixels().get(1);
    FileTime mtime = Files.getLastModifiedTime(file);
    Object inode = Files.getAttribute(file, "unix:ino");
    Thread.sleep(20); // past the kernel's coarse timestamp granularity (a few ms), as any later copy is

    Files.write(file, other); // truncate and rewrite in place: same inode
    Files.setLastModifiedTime(file, mtime);

    assertThat(Files.getAttribute(file, "unix:ino")).isEqualTo(inode);
    assertThat(Files.getLastModifiedTime(file)).isEqualTo(mtime);
    assertThat(Files.size(file)).isEqualTo(other.length);
    Path after = cache.entryFor(source, rows);
    assertThat(after).isNotEqualTo(entry);
    assertThat(cache.load(after, files.size())).isEmpty(); // decoded again, from the new bytes
    assertThat(cache.decodeInto(after, source, rows, false).orElseThrow().pixels().get(0)).isEqualTo(secondPatch);
  }

  @Test
  void truncatedEntryIsIgnoredAndDeleted() throws IOException {
    Path entry = cache.entryFor(source, rows);
    cache.decodeInto(entry, source, rows, false).orElseThrow();
    byte[] bytes = Files.readAllBytes(entry);
    Files.write(entry, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertThat(cache.load(entry, files.size())).isEmpty();
    assertThat(entry).doesNotExist();
  }

  @Test
  void flippedByteIsCaughtByTheChecksum() throws IOException {
    Path entry = cache.entryFor(source, rows);
    cache.decodeInto(entry, source, rows, false).orElseThrow();
    for (int at : new int[] {1000, DecodeCache.HEADER + 3 * PatchReader.BYTES + 77}) {
      byte[] bytes = Files.readAllBytes(entry);
      bytes[at] ^= 1;
      Files.write(entry, bytes);
      Optional<Decoded> loaded = cache.load(entry, files.size());
      assertThat(loaded).as("byte %d flipped", at).isEmpty();
      cache.decodeInto(entry, source, rows, false).orElseThrow();
    }
  }

  @Test
  void unwritableCacheOnlyCostsTheSpeedUp() throws IOException {
    Path blocked = Files.writeString(tmp.resolve("file-not-folder"), "x");
    DecodeCache broken = new DecodeCache(blocked);
    Path entry = broken.entryFor(source, rows);
    assertThat(broken.decodeInto(entry, source, rows, false)).isEmpty(); // logs a warning, does not throw
    assertThat(broken.load(entry, files.size())).isEmpty();
  }
}
