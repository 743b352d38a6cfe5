package pcam.util;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
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

  /** Disk-full and permission errors get a readable cause instead of a bare path. */
  public static String describe(IOException e) {
    String m = String.valueOf(e.getMessage());
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied: " + m;
    }
    if (m.contains("No space left")) {
      return "disk full";
    }
    return e.getClass().getSimpleName() + ": " + m;
  }
}
