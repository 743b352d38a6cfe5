package pcam.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs pcam in-process with captured stdout/stderr. */
record CliRun(int exitCode, String out, String err) {
  static CliRun run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Commands.create(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }
}
