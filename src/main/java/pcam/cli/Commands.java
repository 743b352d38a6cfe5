package pcam.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import java.nio.file.AccessDeniedException;
import java.util.Locale;
import pcam.util.ExplainedFailure;
import pcam.util.InputException;
import pcam.util.PathGuard;

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
    cmd.setCaseInsensitiveEnumValuesAllowed(true); // enum options take their lower-case names (--model cnn9)
    cmd.setExecutionStrategy(Commands::executeWithLogging);
    cmd.setExecutionExceptionHandler(Commands::handleFailure);
    cmd.setParameterExceptionHandler(Commands::handleUsageError);
    cmd.setExitCodeExceptionMapper(
        e -> e instanceof InputException || e instanceof CommandLine.ParameterException ? ExitCodes.BAD_INPUT : ExitCodes.FAILURE);
    return cmd;
  }

  private static int executeWithLogging(CommandLine.ParseResult parseResult) {
    PcamCommand root = parseResult.commandSpec().root().userObject() instanceof PcamCommand p ? p : null;
    Logging.configure(root != null && root.verbose());
    CommandLine.ParseResult leaf = parseResult;
    while (leaf.hasSubcommand()) {
      leaf = leaf.subcommand();
    }
    if (leaf.commandSpec().userObject() instanceof UsesFiles command && !leaf.isUsageHelpRequested() && !leaf.isVersionHelpRequested()) {
      try {
        PathGuard.requireApart(command.inputs(), command.outputs());
      } catch (RuntimeException e) {
        throw new CommandLine.ExecutionException(leaf.commandSpec().commandLine(), e.getMessage(), e);
      }
    }
    return new CommandLine.RunLast().execute(parseResult);
  }

  /**
   * A usage error (unknown option, missing or malformed value): the error and where to read more,
   * not the whole usage text (24 to 115 lines, with the error scrolled off the top).
   */
  private static int handleUsageError(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("pcam: " + firstLine(e.getMessage()));
    err.println("see `" + cmd.getCommandSpec().qualifiedName() + " --help`");
    err.flush();
    return ExitCodes.BAD_INPUT;
  }

  /** One line on stderr naming the cause; the stack trace only with --verbose. */
  private static int handleFailure(Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
    boolean verbose = cmd.getCommandSpec().root().userObject() instanceof PcamCommand p && p.verbose();
    PrintWriter err = cmd.getErr();
    OutOfMemoryError oom = cause(e, OutOfMemoryError.class);
    boolean denied = cause(e, AccessDeniedException.class) != null;
    boolean explained = e instanceof InputException || e instanceof ExplainedFailure || oom != null || denied;
    if (oom != null) {
      err.println("pcam: " + outOfMemory(oom));
    } else if (explained) {
      err.println("pcam: " + withPermission(e, firstLine(e.getMessage())));
    } else {
      err.println("pcam: failed: " + withPermission(e, describe(e)));
    }
    if (verbose) {
      e.printStackTrace(err);
    } else if (!explained) {
      err.println("(run with -v for the stack trace)");
    }
    err.flush();
    // A refused file access is the user's to fix (a path or a permission), wherever it surfaced.
    return e instanceof InputException || denied ? ExitCodes.BAD_INPUT : ExitCodes.FAILURE;
  }

  /** The one line for running out of heap, with both fixes; used for any thread's OutOfMemoryError. */
  static String outOfMemory(OutOfMemoryError e) {
    long max = Runtime.getRuntime().maxMemory();
    return String.format(Locale.ROOT,
        "out of memory (%s; Java heap limit %d MB): give Java more, e.g. PCAM_JAVA_OPTS=-Xmx%dg, or lower --batch-size",
        firstLine(e.getMessage()), max >> 20, Math.max(2, (long) Math.ceil(2 * max / 1e9)));
  }

  /** A refused file access is named as such, whichever layer reported it. */
  private static String withPermission(Throwable e, String message) {
    AccessDeniedException denied = cause(e, AccessDeniedException.class);
    if (denied == null || message.toLowerCase(Locale.ROOT).contains("permission denied")) {
      return message;
    }
    return message + " (permission denied: " + denied.getFile() + ")";
  }

  private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
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
