package pcam.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the pcam command line in-process, capturing stdout and stderr. */
record CliRun(int exitCode, String out, String err) {
  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Commands.create(new PrintWriter(out), new PrintWriter(err)).execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }
}
