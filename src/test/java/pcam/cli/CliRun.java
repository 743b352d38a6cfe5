package pcam.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

  /** The messages pcam logs while {@code action} runs. */
  static List<String> logLines(Runnable action) {
    ch.qos.logback.classic.Logger pcam = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("pcam");
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new ch.qos.logback.core.read.ListAppender<>();
    appender.start();
    pcam.addAppender(appender);
    try {
      action.run();
    } finally {
      pcam.detachAppender(appender);
    }
    return appender.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
  }

  /**
   * Leaves {@code runDir} as a kill during its first epoch would: only config.json, pcam's marker
   * and the files named in {@code alsoKept}.
   */
  static void leaveAsKilled(Path runDir, String... alsoKept) throws IOException {
    List<String> kept = new ArrayList<>(List.of("config.json", ".pcam.lock"));
    kept.addAll(List.of(alsoKept));
    try (var files = Files.list(runDir)) {
      for (Path f : files.toList()) {
        if (!kept.contains(f.getFileName().toString())) {
          pcam.util.AtomicFiles.deleteRecursively(f);
        }
      }
    }
  }
}
