package pcam.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Outputs never overwrite inputs: the one check every command's paths go through. Paths are
 * compared by real path (links resolved, also for outputs that do not exist yet, through their
 * nearest existing ancestor). An output clashes with an input when they are the same, or when
 * one lies inside the other: an output file inside an input folder (a submission written among
 * the images), or an output folder holding an input (an evaluation written over its own run).
 */
public final class PathGuard {
  /** A path a command reads or writes, with the flag that named it (for the message). */
  public record Role(String flag, Path path) {
    public static Role of(String flag, Path path) {
      return new Role(flag, path);
    }
  }

  private PathGuard() {}

  /** An {@link InputException} naming both paths when any output clashes with any input. Null paths are skipped. */
  public static void requireApart(List<Role> inputs, List<Role> outputs) {
    for (Role out : outputs) {
      if (out.path() == null) {
        continue;
      }
      Path o = real(out.path());
      for (Role in : inputs) {
        if (in.path() == null) {
          continue;
        }
        Path i = real(in.path());
        String how = o.equals(i) ? "is" : i.startsWith(o) ? "contains" : o.startsWith(i) ? "is inside" : null;
        if (how != null) {
          throw new InputException(out.flag() + " " + out.path() + " " + how + " the input " + in.flag() + " " + in.path()
              + (o.equals(i) && !out.path().equals(in.path()) ? " (same file after resolving links: " + o + ")" : "")
              + "; pcam never writes over its inputs, choose another " + out.flag());
        }
      }
    }
  }

  /**
   * The real path of {@code path}: for an existing path its {@link Path#toRealPath}; otherwise
   * the real path of its nearest existing ancestor with the missing names appended (a dangling
   * link counts as the place it points to, since that is where a write would land).
   */
  public static Path real(Path path) {
    return real(path, 0);
  }

  private static Path real(Path path, int depth) {
    Path absolute = path.toAbsolutePath().normalize();
    Path existing = absolute;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return absolute;
    }
    Path rest = existing.relativize(absolute);
    try {
      if (Files.isSymbolicLink(existing) && !Files.exists(existing) && depth < 40) {
        Path target = existing.resolveSibling(Files.readSymbolicLink(existing));
        return real(target.resolve(rest), depth + 1);
      }
      return existing.toRealPath().resolve(rest);
    } catch (IOException e) {
      return absolute;
    }
  }
}
