package pcam.train;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/** Copies pcam's log lines into the run's train.log (appending, so a resumed run continues it). */
final class TrainLog implements AutoCloseable {
  private final Logger logger;
  private final FileAppender<ILoggingEvent> appender;

  private TrainLog(Logger logger, FileAppender<ILoggingEvent> appender) {
    this.logger = logger;
    this.appender = appender;
  }

  static TrainLog open(Path file) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%d{ISO8601} %-5level %logger{0} - %msg%n");
    encoder.start();
    FileAppender<ILoggingEvent> appender = new FileAppender<>();
    appender.setContext(context);
    appender.setName("train-log-" + file);
    appender.setFile(file.toString());
    appender.setAppend(true);
    appender.setEncoder(encoder);
    appender.start();
    Logger logger = context.getLogger("pcam");
    logger.addAppender(appender);
    return new TrainLog(logger, appender);
  }

  /** Records {@code message} in train.log only (the CLI prints it on stderr itself). */
  void note(String message) {
    appender.doAppend(new ch.qos.logback.classic.spi.LoggingEvent(
        Trainer.class.getName(), logger.getLoggerContext().getLogger(Trainer.class), ch.qos.logback.classic.Level.ERROR, message,
        null, null));
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
