package pcam.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.util.InputException;

/** Ownership, layout and clean-up of a run folder. */
public class RunDirectoryTest {
  @TempDir Path tmp;

  /** Holds the lock of the folder given as argument in its own process until stdin closes. */
  public static final class Holder {
    public static void main(String[] args) throws Exception {
      try (RunDirectory.Lock lock = RunDirectory.at(Path.of(args[0])).claimFolder("--out")) {
        System.out.println("locked");
        System.out.flush();
        System.in.read();
      }
    }
  }

  @Test
  void aSecondWriterFailsNamingTheFolderAndTheProcessHoldingIt() throws Exception {
    Path run = tmp.resolve("run");
    Process holder = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
            Holder.class.getName(), run.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).isEqualTo("locked");
      assertThatThrownBy(() -> RunDirectory.at(run).claimFolder("--out"))
          .isInstanceOf(InputException.class)
          .hasMessageContaining(run.toString())
          .hasMessageContaining("in use by another pcam process (pid " + holder.pid() + ")");
    } finally {
      holder.getOutputStream().close();
      holder.waitFor(30, TimeUnit.SECONDS);
      holder.destroyForcibly();
    }
    // The lock died with its process: the folder can be claimed again.
    try (RunDirectory.Lock again = RunDirectory.at(run).claimFolder("--out")) {
      assertThat(Files.readString(run.resolve(RunDirectory.LOCK)).trim()).isEqualTo("" + ProcessHandle.current().pid());
    }
  }

  @Test
  void aSecondWriterInTheSameProcessFailsToo() {
    Path run = tmp.resolve("run");
    try (RunDirectory.Lock first = RunDirectory.at(run).claimNew("--out")) {
      assertThatThrownBy(() -> RunDirectory.at(run).claimNew("--out")).hasMessageContaining("in use by another pcam process");
    }
  }

  @Test
  void aNewRunNeedsANewOrEmptyFolderAndNeverTouchesForeignFiles() throws Exception {
    Path foreign = Files.createDirectories(tmp.resolve("foreign"));
    Files.createDirectories(foreign.resolve("model"));
    Files.writeString(foreign.resolve("model").resolve("saved_model.pb"), "someone else's model");
    assertThatThrownBy(() -> RunDirectory.at(foreign).claimNew("--out"))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("--out " + foreign + " is a folder that pcam did not create and is not empty");
    assertThat(Files.readString(foreign.resolve("model").resolve("saved_model.pb"))).isEqualTo("someone else's model");
    assertThat(foreign.resolve(RunDirectory.LOCK)).doesNotExist();

    Path file = Files.writeString(tmp.resolve("file"), "x");
    assertThatThrownBy(() -> RunDirectory.at(file).claimNew("--out")).hasMessageContaining("is an existing file");

    Path empty = Files.createDirectories(tmp.resolve("empty"));
    try (RunDirectory.Lock lock = RunDirectory.at(empty).claimNew("--out")) {
      assertThat(lock.dir().root()).isEqualTo(empty);
    }
    assertThat(empty).isDirectory(); // the user's folder stays, even though the run never started

    Path run = tmp.resolve("run");
    Files.createDirectories(run);
    Files.writeString(run.resolve(RunDirectory.CONFIG), "{}");
    assertThatThrownBy(() -> RunDirectory.at(run).claimNew("--out")).hasMessageContaining("already holds a run; continue it with --resume");
  }

  @Test
  void aRunThatNeverSavedItsConfigLeavesNothingBehindAndAMarkerOnlyFolderIsReusable() throws Exception {
    Path run = tmp.resolve("run");
    try (RunDirectory.Lock lock = RunDirectory.at(run).claimNew("--out")) {
      assertThat(run.resolve(RunDirectory.LOCK)).exists();
    }
    assertThat(run).doesNotExist();

    // Killed (no close) before the config: only the marker is left, and a new run accepts the folder.
    Files.createDirectories(run);
    Files.writeString(run.resolve(RunDirectory.LOCK), "12345\n");
    try (RunDirectory.Lock lock = RunDirectory.at(run).claimNew("--out")) {
      Files.writeString(lock.dir().config(), "{}");
    }
    assertThat(RunDirectory.at(run).isResumable()).isTrue();
    assertThat(RunDirectory.at(run).hasCheckpoint()).isFalse();
  }

  @Test
  void recoverCleansTempFilesOfAKilledWriterAndNothingElse() throws Exception {
    Path run = Files.createDirectories(tmp.resolve("run"));
    RunDirectory dir = RunDirectory.at(run);
    Files.writeString(dir.config(), "{}");
    Files.writeString(run.resolve(".roc.png.tmp-4242"), "half a png");
    Files.createDirectories(run.resolve(".model.tmp-77"));
    Files.createDirectories(dir.checkpoints().resolve(".last.tmp-9"));
    Files.createDirectories(dir.checkpoints().resolve(".best.old-9"));
    Files.writeString(dir.checkpoints().resolve(".best.old-9").resolve("weights"), "w");
    Files.writeString(run.resolve("notes.txt"), "mine");
    Files.writeString(run.resolve(".roc.png.tmp-notapid"), "not pcam's pattern");

    try (RunDirectory.Lock lock = dir.claimExisting()) {
      assertThat(run.resolve(".roc.png.tmp-4242")).doesNotExist();
      assertThat(run.resolve(".model.tmp-77")).doesNotExist();
      assertThat(dir.checkpoints().resolve(".last.tmp-9")).doesNotExist();
      // An interrupted folder replacement is put back rather than deleted.
      assertThat(dir.bestCheckpoint().resolve("weights")).hasContent("w");
      assertThat(run.resolve("notes.txt")).hasContent("mine");
      assertThat(run.resolve(".roc.png.tmp-notapid")).exists();
    }
  }

  @Test
  void finishedAndResumableFollowTheFiles() throws Exception {
    RunDirectory dir = RunDirectory.at(Files.createDirectories(tmp.resolve("run")));
    assertThat(dir.isResumable()).isFalse();
    assertThat(dir.isPcamFolder()).isFalse();
    Files.writeString(dir.config(), "{}");
    assertThat(dir.isResumable()).isTrue();
    assertThat(dir.isFinished()).isFalse();
    Files.createDirectories(dir.model());
    Files.writeString(dir.model().resolve("saved_model.pb"), "pb");
    assertThat(dir.isFinished()).isFalse();
    Files.writeString(dir.metrics(), "{}");
    assertThat(dir.isFinished()).isTrue();
    assertThat(dir.lastCheckpoint()).isEqualTo(dir.root().resolve("checkpoints").resolve("last"));
  }
}
