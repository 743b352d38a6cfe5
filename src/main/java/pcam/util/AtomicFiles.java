package pcam.util;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes files and folders so that a reader sees either the old content or the complete new
 * content, never a half-written one: write to a sibling temp path, then rename over the target.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Something that writes a complete file or folder at the given (temporary) path. */
  @FunctionalInterface
  public interface Writer {
    void writeTo(Path tmp) throws IOException;
  }

  public static void write(Path target, Writer writer) {
    Path parent = target.toAbsolutePath().getParent();
    Path tmp = parent.resolve("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    try {
      Files.createDirectories(parent);
      deleteRecursively(tmp);
      writer.writeTo(tmp);
      replace(tmp, target);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new UncheckedIOException("cannot write " + target + ": " + describe(e), e);
    } catch (RuntimeException e) {
      deleteQuietly(tmp);
      throw e;
    }
  }

  public static void writeString(Path target, String content) {
    write(target, tmp -> Files.writeString(tmp, content, StandardCharsets.UTF_8));
  }

  private static void replace(Path tmp, Path target) throws IOException {
    if (Files.isDirectory(target)) {
      // A folder cannot be renamed over a non-empty folder: move the old one aside first.
      Path old = target.resolveSibling("." + target.getFileName() + ".old-" + ProcessHandle.current().pid());
      deleteRecursively(old);
      Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      deleteRecursively(old);
      return;
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  public static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      deleteRecursively(path);
    } catch (IOException ignored) {
      // Best effort: the original error is the one worth reporting.
    }
  }

  /**
   * Disk-full and permission errors get a readable cause instead of a bare path or an exception
   * class name, so the CLI's one-line message says what to fix.
   */
  public static String describe(IOException e) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("No space left")) {
      return "disk full";
    }
    if (m.contains("Disk quota exceeded")) {
      return "disk quota exceeded";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied: " + m;
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or folder: " + m;
    }
    if (e instanceof FileAlreadyExistsException) {
      return "already exists: " + m;
    }
    if (e instanceof FileSystemException) {
      return m; // "<file>: <reason>", e.g. "Not a directory" or "Read-only file system"
    }
    return e.getClass().getSimpleName() + ": " + m;
  }

  /**
   * Checks, before any work, that {@code target} (a file to write, or a folder to write into) can
   * be written: an existing folder must be writable, otherwise its nearest existing ancestor must be
   * a writable folder. An {@link InputException} naming {@code flag} otherwise, so a bad --out fails
   * in a second instead of after hours of work.
   */
  public static void requireCreatable(Path target, String flag) {
    Path absolute = target.toAbsolutePath().normalize();
    Path ancestor = Files.isDirectory(absolute) ? absolute : absolute.getParent();
    while (ancestor != null && !Files.exists(ancestor)) {
      ancestor = ancestor.getParent();
    }
    if (ancestor == null) {
      return;
    }
    if (!Files.isDirectory(ancestor)) {
      throw new InputException(flag + " " + target + ": " + ancestor + " is a file, not a folder");
    }
    if (!Files.isWritable(ancestor)) {
      throw new InputException(flag + " " + target + ": cannot write in " + ancestor + " (permission denied or read-only)");
    }
  }

  /**
   * Cleans up after a writer of {@code target} that was killed (for a process resuming its own
   * outputs, e.g. a training run): a folder replacement interrupted between its two renames (see
   * {@link #write}) left {@code target} missing and the complete previous version parked beside
   * it, which is put back; half-written temp copies are deleted.
   */
  public static void recover(Path target) {
    Path parent = target.toAbsolutePath().getParent();
    if (!Files.isDirectory(parent)) {
      return;
    }
    String name = "." + target.getFileName();
    try (Stream<Path> siblings = Files.list(parent)) {
      for (Path sibling : siblings.toList()) {
        String s = sibling.getFileName().toString();
        if (s.startsWith(name + ".old-") && !Files.exists(target)) {
          Files.move(sibling, target, StandardCopyOption.ATOMIC_MOVE);
        } else if (s.startsWith(name + ".tmp-") || s.startsWith(name + ".old-")) {
          deleteRecursively(sibling);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot recover " + target + ": " + describe(e), e);
    }
  }
}
