package pcam.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import pcam.util.InputException;

/**
 * The one CommandLine factory, shared by {@link Main} and the tests, so that both see the same
 * exit codes and error handling.
 */
public final class Commands {
  private Commands() {}

  public static CommandLine create() {
    return configure(new CommandLine(new PcamCommand()));
  }

  /** Same as {@link #create()} but with captured streams, for tests. */
  public static CommandLine create(PrintWriter out, PrintWriter err) {
    CommandLine cmd = create();
    cmd.setOut(out);
    cmd.setErr(err);
    return cmd;
  }

  private static CommandLine configure(CommandLine cmd) {
    cmd.setExecutionStrategy(Commands::executeWithLogging);
    cmd.setExecutionExceptionHandler(Commands::handleFailure);
    cmd.setExitCodeExceptionMapper(
        e -> e instanceof InputException || e instanceof CommandLine.ParameterException ? ExitCodes.BAD_INPUT : ExitCodes.FAILURE);
    return cmd;
  }

  private static int executeWithLogging(CommandLine.ParseResult parseResult) {
    PcamCommand root = parseResult.commandSpec().root().userObject() instanceof PcamCommand p ? p : null;
    Logging.configure(root != null && root.verbose());
    return new CommandLine.RunLast().execute(parseResult);
  }

  /** One line on stderr naming the cause; the stack trace only with --verbose. */
  private static int handleFailure(Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
    boolean verbose = cmd.getCommandSpec().root().userObject() instanceof PcamCommand p && p.verbose();
    PrintWriter err = cmd.getErr();
    if (e instanceof InputException) {
      err.println("pcam: " + firstLine(e.getMessage()));
    } else {
      err.println("pcam: failed: " + describe(e));
    }
    if (verbose) {
      e.printStackTrace(err);
    } else if (!(e instanceof InputException)) {
      err.println("(run with -v for the stack trace)");
    }
    err.flush();
    return e instanceof InputException ? ExitCodes.BAD_INPUT : ExitCodes.FAILURE;
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : firstLine(message);
  }

  /** The promise is one line; a library's multi-line message (TensorFlow's) keeps its first. */
  private static String firstLine(String message) {
    return String.valueOf(message).lines().findFirst().orElse("");
  }
}
