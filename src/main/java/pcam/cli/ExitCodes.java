package pcam.cli;

/** Process exit codes, documented in the root command's help. */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int FAILURE = 1;
  public static final int BAD_INPUT = 2;

  private ExitCodes() {}
}
