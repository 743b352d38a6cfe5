package pcam.util;

/**
 * A failure that is not the user's input but whose one-line message already says what happened
 * and what to do (training diverged, out of memory). The CLI prints just that line and exits 1;
 * no "run with -v" hint, since a stack trace would add nothing.
 */
public class ExplainedFailure extends RuntimeException {
  public ExplainedFailure(String message) {
    super(message);
  }

  public ExplainedFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
