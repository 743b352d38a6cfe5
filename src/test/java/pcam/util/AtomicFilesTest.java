package pcam.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path tmp;

  @Test
  void aFailingWriterLeavesThePreviousFileAndNoTempFile() throws IOException {
    Path file = Files.writeString(tmp.resolve("submission.csv"), "id,label\na,0.5\n");

    assertThatThrownBy(() -> AtomicFiles.write(file, t -> {
      Files.writeString(t, "id,label\n");
      throw new IOException("No space left on device");
    })).isInstanceOf(UncheckedIOException.class).hasMessage("cannot write " + file + ": disk full");

    assertThat(file).hasContent("id,label\na,0.5\n");
    assertThat(names(tmp)).containsExactly("submission.csv");
  }

  @Test
  void aWriterFailingWithARuntimeErrorLeavesThePreviousFolder() throws IOException {
    Path model = Files.createDirectories(tmp.resolve("model"));
    Files.writeString(model.resolve("saved_model.pb"), "old");

    assertThatThrownBy(() -> AtomicFiles.write(model, t -> {
      Files.createDirectories(t);
      Files.writeString(t.resolve("saved_model.pb"), "new, half");
      throw new IllegalStateException("TensorFlow export failed");
    })).isInstanceOf(IllegalStateException.class);

    assertThat(model.resolve("saved_model.pb")).hasContent("old");
    assertThat(names(tmp)).containsExactly("model");
  }

  @Test
  void aFolderIsReplacedWhole() throws IOException {
    Path last = Files.createDirectories(tmp.resolve("last"));
    Files.writeString(last.resolve("stale"), "x");

    AtomicFiles.write(last, t -> {
      Files.createDirectories(t);
      Files.writeString(t.resolve("ckpt.index"), "new");
    });

    assertThat(names(last)).containsExactly("ckpt.index");
    assertThat(names(tmp)).containsExactly("last");
  }

  /** The state a kill between the two renames of a folder replacement leaves behind. */
  @Test
  void recoverPutsBackTheParkedPreviousFolderAndDropsTempCopies() throws IOException {
    Path parked = Files.createDirectories(tmp.resolve(".last.old-4242"));
    Files.writeString(parked.resolve("state.json"), "{\"epoch\":2}");
    Files.createDirectories(tmp.resolve(".last.tmp-4242"));
    Files.createDirectories(tmp.resolve(".best.tmp-4242"));

    AtomicFiles.recover(tmp.resolve("last"));

    assertThat(tmp.resolve("last").resolve("state.json")).hasContent("{\"epoch\":2}");
    assertThat(names(tmp)).containsExactlyInAnyOrder("last", ".best.tmp-4242");
  }

  @Test
  void recoverKeepsAnIntactTargetAndDropsLeftovers() throws IOException {
    Path last = Files.createDirectories(tmp.resolve("last"));
    Files.writeString(last.resolve("state.json"), "current");
    Files.createDirectories(tmp.resolve(".last.old-1"));
    Files.createDirectories(tmp.resolve(".last.tmp-2"));

    AtomicFiles.recover(last);

    assertThat(last.resolve("state.json")).hasContent("current");
    assertThat(names(tmp)).containsExactly("last");
  }

  @Test
  void describeGivesTheCauseNotTheExceptionClass() {
    assertThat(AtomicFiles.describe(new FileSystemException("/data/run/metrics.json", null, "No space left on device")))
        .isEqualTo("disk full");
    assertThat(AtomicFiles.describe(new IOException("Disk quota exceeded"))).isEqualTo("disk quota exceeded");
    assertThat(AtomicFiles.describe(new AccessDeniedException("/ro/run"))).isEqualTo("permission denied: /ro/run");
    assertThat(AtomicFiles.describe(new NoSuchFileException("/gone"))).isEqualTo("no such file or folder: /gone");
    assertThat(AtomicFiles.describe(new FileSystemException("/f/run", null, "Not a directory"))).isEqualTo("/f/run: Not a directory");
  }

  @Test
  void requireCreatableRejectsAPathUnderAFile() throws IOException {
    Path file = Files.writeString(tmp.resolve("notes.txt"), "x");

    assertThatThrownBy(() -> AtomicFiles.requireCreatable(file.resolve("run").resolve("model"), "--out"))
        .isInstanceOf(InputException.class)
        .hasMessage("--out " + file.resolve("run").resolve("model") + ": " + file + " is a file, not a folder");
    AtomicFiles.requireCreatable(tmp.resolve("a").resolve("b"), "--out");
    AtomicFiles.requireCreatable(file, "--out"); // an existing file to replace: its folder counts
    AtomicFiles.requireCreatable(tmp, "--out");
  }

  private static java.util.List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).toList();
    }
  }
}
