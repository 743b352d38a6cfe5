package pcam.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Test helper: runs pcam in-process with captured stdout/stderr. */
record CliRun(int exitCode, String out, String err) {
  static CliRun run(String... args) {
    return run(Commands.create(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())), args);
  }

  /** Runs {@code cmd} (from {@link Commands}, possibly with extra test subcommands) capturing its streams. */
  static CliRun run(CommandLine cmd, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }
}
