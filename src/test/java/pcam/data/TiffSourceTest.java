package pcam.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.TestPatches;
import pcam.util.InputException;

/** The unlabelled folder source (predict, bench): which ids, in which order, and what it refuses. */
class TiffSourceTest {
  @Test
  void idsComeFromTheCsvInItsOrderOrFromTheSortedFolder(@TempDir Path tmp) throws Exception {
    Path images = tmp.resolve("images");
    TestPatches.writeFolder(images, 3);
    Files.writeString(images.resolve("notes.txt"), "ignored");
    assertThat(TiffSource.unlabelled(images, null).ids()).containsExactly("id000", "id001", "id002");
    Path csv = tmp.resolve("ids.csv");
    Files.writeString(csv, "id,label\nid002,0\nid000,0\n");
    assertThat(TiffSource.unlabelled(images, csv).ids()).containsExactly("id002", "id000");
  }

  @Test
  void idsCsvMustBeCompleteAndUnique(@TempDir Path tmp) throws Exception {
    Path images = tmp.resolve("images");
    TestPatches.writeFolder(images, 2);
    Path csv = tmp.resolve("ids.csv");
    Files.writeString(csv, "id,label\nid000,0\nid999,0\n");
    assertThatThrownBy(() -> TiffSource.unlabelled(images, csv).ids())
        .isInstanceOf(InputException.class)
        .hasMessageContaining("1 of 2 ids have no image")
        .hasMessageContaining("id999.tif");
    Files.writeString(csv, "id,label\nid000,0\nid000,0\n");
    assertThatThrownBy(() -> TiffSource.unlabelled(images, csv).ids())
        .isInstanceOf(InputException.class)
        .hasMessageContaining("line 3: duplicate id id000");
    Files.writeString(csv, "name,label\nid000,0\n");
    assertThatThrownBy(() -> TiffSource.unlabelled(images, csv).ids()).hasMessageContaining("expected 'id' as the first column");
    assertThatThrownBy(() -> TiffSource.unlabelled(tmp.resolve("nope"), null)).isInstanceOf(InputException.class);
  }
}
