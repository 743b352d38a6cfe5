package pcam.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import pcam.util.AtomicFiles;
import pcam.util.InputException;

/**
 * A run folder: the one place that knows its layout, whether it is finished or resumable, how to
 * clean up after a killed writer, and who owns it.
 *
 * <pre>
 * config.json  history.csv  train.log  metrics.json  predictions.csv  model/  report.html
 * roc.png  confusion.png  curves-*.png  (chart names owned by the report that draws them)
 * checkpoints/last/  weights + optimizer state + state.json (where in the run it was taken)
 * checkpoints/best/  weights + metrics.json of that epoch
 * .pcam.lock   pcam's marker and the OS file lock of the process writing the folder
 * </pre>
 *
 * Ownership: a writer holds an OS lock ({@link FileChannel#tryLock}) on {@code .pcam.lock} for as
 * long as it writes, so a second writer fails at once naming the process that holds it; the lock
 * dies with its process, so a killed run never leaves a stale one. The lock file stays as pcam's
 * marker: a folder that holds it (or a {@code config.json}) was made by pcam.
 *
 * <p>evaluate's output folder uses the same names for what it writes (metrics.json,
 * predictions.csv, report.html), so {@link pcam.eval.RunReport} reads either through this type.
 */
public final class RunDirectory {
  public static final String CONFIG = "config.json";
  public static final String HISTORY = "history.csv";
  public static final String LOG = "train.log";
  public static final String METRICS = "metrics.json";
  public static final String PREDICTIONS = "predictions.csv";
  public static final String MODEL = "model";
  public static final String CHECKPOINTS = "checkpoints";
  /** In checkpoints/last/: where in the run it was taken ({@link Trainer.State}). */
  public static final String STATE = "state.json";
  public static final String REPORT = "report.html";
  public static final String LOCK = ".pcam.lock";

  /** What {@code AtomicFiles} leaves beside a target when its writer is killed: {@code .NAME.tmp-PID} or {@code .NAME.old-PID}. */
  private static final Pattern LEFTOVER = Pattern.compile("\\..+\\.(tmp|old)-\\d+");

  private final Path root;

  private RunDirectory(Path root) {
    this.root = root;
  }

  /** The layout of the run folder at {@code root} (nothing is checked or created). */
  public static RunDirectory at(Path root) {
    return new RunDirectory(root);
  }

  public Path root() {
    return root;
  }

  public Path config() {
    return root.resolve(CONFIG);
  }

  public Path history() {
    return root.resolve(HISTORY);
  }

  public Path log() {
    return root.resolve(LOG);
  }

  public Path metrics() {
    return root.resolve(METRICS);
  }

  public Path predictions() {
    return root.resolve(PREDICTIONS);
  }

  public Path model() {
    return root.resolve(MODEL);
  }

  public Path report() {
    return root.resolve(REPORT);
  }

  public Path checkpoints() {
    return root.resolve(CHECKPOINTS);
  }

  public Path lastCheckpoint() {
    return checkpoints().resolve("last");
  }

  public Path bestCheckpoint() {
    return checkpoints().resolve("best");
  }

  public Path lockFile() {
    return root.resolve(LOCK);
  }

  /** Training ended: the model is exported and the final metrics written. */
  public boolean isFinished() {
    return Files.isRegularFile(metrics()) && Files.isRegularFile(model().resolve("saved_model.pb"));
  }

  /**
   * The folder holds a run that {@code --resume} can continue: its config was saved. Without a
   * last checkpoint (killed during its first epoch) the resume starts again from epoch 1.
   */
  public boolean isResumable() {
    return Files.isRegularFile(config());
  }

  public boolean hasCheckpoint() {
    return Files.isDirectory(lastCheckpoint());
  }

  /** Made by pcam: it carries pcam's marker, or (runs from before the marker) a config.json. */
  public boolean isPcamFolder() {
    return Files.isRegularFile(lockFile()) || Files.isRegularFile(config());
  }

  /**
   * Cleans up after a writer that was killed: a folder replacement interrupted between its two
   * renames is put back, and the temp files of half-done writes ({@code .roc.png.tmp-PID} and the
   * like, in the run folder and in checkpoints/) are deleted. Only names pcam's own writers use
   * are touched.
   */
  public void recover() {
    AtomicFiles.recover(lastCheckpoint());
    AtomicFiles.recover(bestCheckpoint());
    AtomicFiles.recover(model());
    for (Path folder : List.of(root, checkpoints())) {
      if (!Files.isDirectory(folder)) {
        continue;
      }
      try (Stream<Path> files = Files.list(folder)) {
        for (Path f : files.toList()) {
          if (LEFTOVER.matcher(f.getFileName().toString()).matches()) {
            AtomicFiles.deleteRecursively(f);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot clean up " + folder + ": " + AtomicFiles.describe(e), e);
      }
    }
  }

  /**
   * Claims a folder for a new run: {@code flag}'s folder must not exist, be empty, or hold only
   * pcam's marker (a run killed before it saved its config). Creates it and takes the lock.
   * Close the returned lock when done; if nothing was written (a failed start), closing removes
   * the folder again when this call created it, so a failed start leaves nothing behind.
   */
  public Lock claimNew(String flag) {
    if (Files.exists(root) && !Files.isDirectory(root)) {
      throw new InputException(flag + " " + root + " is an existing file, expected a new folder");
    }
    if (isResumable()) {
      throw new InputException(flag + " " + root + " already holds a run; continue it with --resume " + root + " or choose another " + flag);
    }
    if (Files.isDirectory(root) && !holdsOnlyMarker()) {
      throw new InputException(flag + " " + root + " is a folder that pcam did not create and is not empty; give a new or empty folder");
    }
    AtomicFiles.requireCreatable(root, flag);
    boolean created = !Files.exists(root);
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new InputException("cannot create " + flag + " " + root + ": " + AtomicFiles.describe(e), e);
    }
    boolean marked = Files.exists(lockFile());
    Lock lock = lock();
    lock.removeDirIfUnused = created;
    lock.removeMarkerIfUnused = !marked;
    recover();
    return lock;
  }

  /**
   * Claims a folder that pcam keeps writing into over several sessions (a sweep): new, empty, or
   * made by pcam before (it carries the marker). Creates it, takes the lock and cleans up after a
   * killed writer.
   */
  public Lock claimFolder(String flag) {
    if (Files.exists(root) && !Files.isDirectory(root)) {
      throw new InputException(flag + " " + root + " is an existing file, expected a folder");
    }
    if (isResumable()) {
      throw new InputException(flag + " " + root + " is a training run; its files are not this command's to replace, choose another " + flag);
    }
    if (Files.isDirectory(root) && !Files.isRegularFile(lockFile()) && !isEmpty()) {
      throw new InputException(flag + " " + root + " is a folder that pcam did not create and is not empty; give a new or empty folder");
    }
    AtomicFiles.requireCreatable(root, flag);
    boolean created = !Files.exists(root);
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new InputException("cannot create " + flag + " " + root + ": " + AtomicFiles.describe(e), e);
    }
    boolean marked = Files.exists(lockFile());
    Lock lock = lock();
    lock.removeDirIfUnused = created;
    lock.removeMarkerIfUnused = !marked;
    recover();
    return lock;
  }

  private boolean isEmpty() {
    try (Stream<Path> files = Files.list(root)) {
      return files.findAny().isEmpty();
    } catch (IOException e) {
      throw new InputException(root + ": cannot list: " + AtomicFiles.describe(e), e);
    }
  }

  /** Claims an existing run for {@code --resume}: it must be resumable; takes the lock and cleans up after a killed writer. */
  public Lock claimExisting() {
    if (!Files.isDirectory(root)) {
      throw new InputException(root + ": no such run folder");
    }
    if (!isResumable()) {
      throw new InputException(root + ": not a resumable run (no " + CONFIG + "; not a pcam run folder)");
    }
    Lock lock = lock();
    recover();
    return lock;
  }

  private boolean holdsOnlyMarker() {
    try (Stream<Path> files = Files.list(root)) {
      return files.allMatch(f -> f.getFileName().toString().equals(LOCK));
    } catch (IOException e) {
      throw new InputException(root + ": cannot list: " + AtomicFiles.describe(e), e);
    }
  }

  /**
   * Takes the OS lock on this folder's marker file, or fails with exit-2 input error naming the
   * folder and the process holding it.
   */
  public Lock lock() {
    Path file = lockFile();
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new InputException("cannot lock " + root + ": " + AtomicFiles.describe(e), e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // this process holds it already (another command in the same JVM)
    } catch (IOException e) {
      closeQuietly(channel);
      throw new InputException("cannot lock " + root + ": " + AtomicFiles.describe(e), e);
    }
    if (lock == null) {
      String holder = readHolder(channel);
      closeQuietly(channel);
      throw new InputException(root + " is in use by another pcam process" + (holder.isEmpty() ? "" : " (pid " + holder + ")")
          + "; wait for it to finish or choose another folder");
    }
    try {
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
      channel.force(false);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException("cannot write " + file + ": " + AtomicFiles.describe(e), e);
    }
    return new Lock(this, channel);
  }

  private static String readHolder(FileChannel channel) {
    try {
      ByteBuffer buffer = ByteBuffer.allocate(32);
      channel.read(buffer, 0);
      return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
    } catch (IOException e) {
      return "";
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // Closing releases the lock; nothing more to do.
    }
  }

  /** The held ownership of a run folder; closing releases it. */
  public static final class Lock implements AutoCloseable {
    private final RunDirectory dir;
    private final FileChannel channel;
    private boolean removeDirIfUnused;
    private boolean removeMarkerIfUnused;

    private Lock(RunDirectory dir, FileChannel channel) {
      this.dir = dir;
      this.channel = channel;
    }

    public RunDirectory dir() {
      return dir;
    }

    @Override
    public void close() {
      boolean unused;
      try {
        unused = removeMarkerIfUnused && dir.holdsOnlyMarker();
      } catch (InputException gone) {
        unused = false;
      }
      closeQuietly(channel);
      if (unused) { // a failed start: take back exactly what the claim added
        try {
          Files.deleteIfExists(dir.lockFile());
          if (removeDirIfUnused) {
            Files.deleteIfExists(dir.root());
          }
        } catch (IOException ignored) {
          // Something else appeared in the folder meanwhile: it stays.
        }
      }
    }
  }
}
