package pcam.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Switches pcam's log level at start-up; the appender (stderr) is set in logback.xml. */
final class Logging {
  private Logging() {}

  static void configure(boolean verbose) {
    Logger pcam = (Logger) LoggerFactory.getLogger("pcam");
    pcam.setLevel(verbose ? Level.DEBUG : Level.INFO);
  }
}
