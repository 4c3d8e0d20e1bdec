package com.xeadline.uploads.server;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.util.Map;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The server's log set-up, made in code rather than parsed from a logback.xml (the XML parser and
 * logback's configuration model were a third of the time before the port was bound): one
 * {@link JsonLineEncoder} line per event on stdout, INFO and up, written by one thread. An
 * operator's own file still wins: with {@code -Dlogback.configurationFile=...} nothing is changed.
 */
final class JsonLogging {
  static final String OWN_FILE_PROPERTY = "logback.configurationFile";
  private static final String ASYNC = "ASYNC";

  /** Libraries that say too much at INFO, and the level they are kept at. */
  private static final Map<String, Level> QUIET =
      Map.of(
          "org.eclipse.jetty", Level.WARN,
          "com.zaxxer.hikari", Level.WARN,
          "org.flywaydb", Level.WARN,
          "me.desair.tus", Level.ERROR,
          // Every ffprobe and ffmpeg command line; the server logs the video events itself.
          "net.bramp.ffmpeg", Level.WARN,
          // Jersey warns that resource instances are not providers, which they need not be.
          "org.glassfish.jersey.internal.inject.Providers", Level.ERROR);

  private JsonLogging() {}

  /** Replaces whatever logback set up by default with the JSON lines, unless the operator gave a file. */
  static void install(LoggerContext context) {
    if (System.getProperty(OWN_FILE_PROPERTY) != null) {
      return;
    }
    context.reset();
    // A client that stopped reading is logged at INFO (http.client_gone), not as Jersey's error.
    ClientDisconnectLogFilter clientGone = new ClientDisconnectLogFilter();
    clientGone.setContext(context);
    clientGone.start();
    context.addTurboFilter(clientGone);

    JsonLineEncoder encoder = new JsonLineEncoder();
    encoder.setContext(context);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stdout = new ConsoleAppender<>();
    stdout.setName("STDOUT");
    stdout.setContext(context);
    stdout.setEncoder(encoder);
    stdout.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(async(context, stdout));
    QUIET.forEach((name, level) -> context.getLogger(name).setLevel(level));
  }

  /** Whether {@link #install} has set up this context. */
  static boolean installed(LoggerContext context) {
    return context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(ASYNC) != null;
  }

  /**
   * Routes java.util.logging (Jersey's) into the same lines, its levels kept equal to logback's so
   * that what logback would drop is not even made. Apart from {@link #install}: java.util.logging's
   * own set-up need not be on the way to the bound port.
   */
  static void bridgeJavaUtilLogging(LoggerContext context) {
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
    if (context.getCopyOfListenerList().stream().noneMatch(LevelChangePropagator.class::isInstance)) {
      LevelChangePropagator julLevels = new LevelChangePropagator();
      julLevels.setContext(context);
      julLevels.start();
      context.addListener(julLevels);
    }
  }

  /**
   * The lines are encoded and written by one thread: encoded where they are logged, every virtual
   * thread (one per request) kept an encoder's buffers of its own until it was collected. No line
   * is dropped: no discarding threshold, and a full queue makes the logging thread wait. Main stops
   * logback before the JVM exits, which writes what is still queued.
   */
  private static AsyncAppender async(LoggerContext context, ConsoleAppender<ILoggingEvent> stdout) {
    AsyncAppender async = new AsyncAppender();
    async.setName(ASYNC);
    async.setContext(context);
    async.setQueueSize(1024);
    async.setDiscardingThreshold(0);
    async.setNeverBlock(false);
    async.setMaxFlushTime(5000);
    async.addAppender(stdout);
    async.start();
    return async;
  }
}
