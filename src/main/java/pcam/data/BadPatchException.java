package pcam.data;

import java.nio.file.Path;
import pcam.util.InputException;

/** A patch file that cannot be used; {@link #problem()} says why, for reports that count by kind. */
public final class BadPatchException extends InputException {
  /** The kinds of bad patch that {@code pcam data stats} counts separately. */
  public enum Problem {
    /** Cannot be opened, is not a TIFF, or is truncated or corrupt. */
    UNREADABLE,
    /** Decodes, but is not 96x96. */
    WRONG_SIZE,
    /** Decodes, but is not 8-bit RGB (grayscale, palette, alpha, 16-bit...). */
    NOT_RGB
  }

  private final transient Path file;
  private final Problem problem;
  private final String detail;

  public BadPatchException(Path file, Problem problem, String detail) {
    this(file, problem, detail, null);
  }

  public BadPatchException(Path file, Problem problem, String detail, Throwable cause) {
    super(file + ": " + detail, cause);
    this.file = file;
    this.problem = problem;
    this.detail = detail;
  }

  public Path file() {
    return file;
  }

  public Problem problem() {
    return problem;
  }

  /** The message without the file name. */
  public String detail() {
    return detail;
  }
}
