package pcam.cli;

/** Process entry point: builds the command line, runs it, exits with its code. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    int code;
    try {
      code = Commands.create().execute(args);
    } catch (OutOfMemoryError e) {
      // picocli hands Errors through; the heap is free again once the work that filled it unwound.
      System.err.println("pcam: " + Commands.outOfMemory(e));
      code = ExitCodes.FAILURE;
    }
    System.exit(code);
  }
}
