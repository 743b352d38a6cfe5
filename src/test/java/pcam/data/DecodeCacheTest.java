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
    decoded = PatchDecoder.decode(source, rows, false);
    cache = new DecodeCache(tmp.resolve("cache"));
  }

  @Test
  void roundTripsPixelsAndBadEntries() {
    Path entry = cache.entryFor(source, rows);
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
    Path entry = cache.entryFor(source, rows);
    assertThat(cache.entryFor(source, rows)).isEqualTo(entry);
    assertThat(cache.entryFor(source, new int[] {0, 1, 2, 3, 4})).isNotEqualTo(entry);
    assertThat(cache.entryFor(source, new int[] {5, 4, 3, 2, 1, 0})).isNotEqualTo(entry);
    Files.setLastModifiedTime(files.get(0), FileTime.fromMillis(1_000_000));
    assertThat(cache.entryFor(source, rows)).isNotEqualTo(entry);
  }

  @Test
  void truncatedEntryIsIgnoredAndDeleted() throws IOException {
    Path entry = cache.entryFor(source, rows);
    cache.store(entry, decoded);
    byte[] bytes = Files.readAllBytes(entry);
    Files.write(entry, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertThat(cache.load(entry, files.size())).isEmpty();
    assertThat(entry).doesNotExist();
  }

  @Test
  void flippedByteIsCaughtByTheChecksum() throws IOException {
    Path entry = cache.entryFor(source, rows);
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
    Path entry = broken.entryFor(source, rows);
    broken.store(entry, decoded); // logs a warning, does not throw
    assertThat(broken.load(entry, files.size())).isEmpty();
  }
}
