package com.xeadline.uploads.server;

import com.xeadline.uploads.config.ConfigException;
import com.xeadline.uploads.config.ConfigLoader;
import com.xeadline.uploads.config.HelpText;
import com.xeadline.uploads.config.OldEnvironment;
import com.xeadline.uploads.config.UploadsConfig;
import com.xeadline.uploads.server.cli.UploadCommand;
import java.time.Clock;
import java.util.List;
import org.slf4j.LoggerFactory;

/** {@code java -jar xeadline-uploads.jar [serve] [--key=value ...]}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    StartupPhases phases = new StartupPhases();
    List<String> arguments = List.of(args);
    boolean serving = serves(arguments);
    if (serving) {
      // Jetty's MimeTypes, which the Server's constructor needs, lists every locale the JDK knows in
      // its static initializer (~100 ms of CPU on a fresh JVM); the JDK keeps the list once made, so
      // it is made on another core from here on.
      Thread.ofPlatform().daemon().name("locales").start(java.util.Locale::getAvailableLocales);
    }
    JsonLogProvider.select();
    if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logback
        && !JsonLogging.installed(logback)) {
      JsonLogging.install(logback); // SLF4J was set up before Main, with logback's own provider
    }
    // After SLF4J is set up: Jetty classes the warm-up initializes get loggers, and a logging call
    // made while SLF4J is still being set up is replayed with a warning on stderr.
    if (serving) {
      Thread.ofPlatform().daemon().name("warm-up").start(Main::warmUp);
    }
    phases.end("logging");
    if (!arguments.isEmpty() && arguments.get(0).equals("upload")) {
      System.exit(new UploadCommand(System.out, System.err).run(arguments.subList(1, arguments.size())));
      return;
    }
    if (!arguments.isEmpty() && arguments.get(0).equals("token")) {
      System.exit(TokenCommand.run(arguments.subList(1, arguments.size()), System.getenv()));
      return;
    }
    if (!arguments.isEmpty() && arguments.get(0).equals("serve")) {
      arguments = arguments.subList(1, arguments.size());
    }
    if (arguments.contains("--help") || arguments.contains("-h")) {
      System.out.println(usage());
      return;
    }
    UploadsConfig config;
    try {
      config = new ConfigLoader(System.getenv()).load(arguments);
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.err.println("Run with --help to list every option.");
      System.exit(2);
      return;
    }
    phases.end("config");
    skipJettyMBeanServer();
    for (OldEnvironment.Ignored old : OldEnvironment.setIn(System.getenv())) {
      LoggerFactory.getLogger(Main.class)
          .atWarn()
          .addKeyValue("variable", old.variable())
          .addKeyValue("replaced_by", old.replacement())
          .log("config.old_variable_ignored");
    }
    // The port answers from here on; the rest of the server is made in the background.
    UploadsApp app;
    try {
      app = UploadsApp.begin(config, Clock.systemUTC(), () -> UploadsApp.storageProviders(config), phases);
    } catch (Exception | Error e) {
      flushLogs();
      throw e;
    }
    Thread shutdown =
        new Thread(
            () -> {
              try {
                app.close(); // a start under way finishes first; the database closes last
              } catch (Exception e) {
                flushLogs();
                System.err.println("shutdown: " + e);
                Runtime.getRuntime().halt(1);
              }
              flushLogs();
              // A clean stop on SIGTERM is a success, not the JVM's default 143.
              Runtime.getRuntime().halt(0);
            },
            "shutdown");
    Runtime.getRuntime().addShutdownHook(shutdown);
    try {
      app.awaitReady();
    } catch (Exception | Error e) {
      // A failed start is a failure (exit 1), not the clean stop the hook reports.
      Runtime.getRuntime().removeShutdownHook(shutdown);
      flushLogs();
      throw e;
    }
    app.join();
  }

  /** Whether these arguments start the server (not a command-line tool or the help). */
  private static boolean serves(List<String> arguments) {
    boolean tool = !arguments.isEmpty() && (arguments.get(0).equals("upload") || arguments.get(0).equals("token"));
    return !tool && !arguments.contains("--help") && !arguments.contains("-h");
  }

  /**
   * One-time state the JDK and Jetty make on first use, on the way to the first answers: the jar's
   * index (classes come from the start-up cache, so the first resource asked for, Jetty's MIME
   * table, opens the 24,000-entry jar), the SecureRandom behind request ids, the calendar data
   * behind the Date header, the virtual threads' scheduler. Each was on the first request's path.
   */
  private static void warmUp() {
    Main.class.getResource("/META-INF/MANIFEST.MF");
    java.util.UUID.randomUUID();
    org.eclipse.jetty.http.DateGenerator.formatDate(System.currentTimeMillis());
    Thread.ofVirtual().start(() -> {});
  }

  /**
   * Jetty sizes its queues' padding from the platform MBean server unless this property is set:
   * starting JMX (and the JFR diagnostic commands it registers, ~400 classes) was on the way to the
   * bound port. 16 references of 4 bytes per 64-byte cache line: compressed references, which
   * every heap under 32 GiB has; a wrong value would only change padding, never behaviour.
   */
  private static void skipJettyMBeanServer() {
    String property = "org.eclipse.jetty.util.referencesPerCacheLine";
    if (System.getProperty(property) == null) {
      System.setProperty(property, Runtime.getRuntime().maxMemory() < (32L << 30) ? "16" : "8");
    }
  }

  /** Log lines are written by logback's AsyncAppender (JsonLogging): stopping logback writes what is queued. */
  static void flushLogs() {
    if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logback) {
      logback.stop();
    }
  }

  static String usage() {
    return """
        Xeadline Uploads: a resumable upload server (tus 1.0.0) for large video files.

        Usage: java -jar xeadline-uploads.jar [serve] [--key=value ...]
               java -jar xeadline-uploads.jar token --user ID [--ttl 1h] [--key=value ...]
               java -jar xeadline-uploads.jar upload FILE --endpoint URL [--token T] [--chunk-size 8MiB] [--state-dir DIR]
               java -jar xeadline-uploads.jar --help

        """
        + HelpText.options();
  }
}
