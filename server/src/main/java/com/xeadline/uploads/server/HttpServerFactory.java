package com.xeadline.uploads.server;

import com.xeadline.uploads.config.UploadsConfig;
import com.xeadline.uploads.server.resumable.ResumableUploadFilter;
import com.xeadline.uploads.tus.db.Database;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.CrossOriginHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** Jetty with virtual threads, one HTTP connector and CORS in front of the given handler. */
final class HttpServerFactory {
  static final Set<String> TUS_REQUEST_HEADERS =
      Set.of(
          "Authorization",
          "Content-Type",
          "Tus-Resumable",
          "Upload-Length",
          "Upload-Metadata",
          "Upload-Offset",
          "Upload-Defer-Length",
          "Upload-Concat",
          "Upload-Checksum",
          "X-HTTP-Method-Override",
          "X-Requested-With",
          "X-Request-Id",
          "Range",
          "If-Range",
          "If-None-Match");

  static final Set<String> TUS_RESPONSE_HEADERS =
      Set.of(
          "Location",
          "Upload-Offset",
          "Upload-Length",
          "Upload-Metadata",
          "Upload-Expires",
          "Upload-Defer-Length",
          "Upload-Concat",
          "Tus-Resumable",
          "Tus-Version",
          "Tus-Extension",
          "Tus-Max-Size",
          "Tus-Checksum-Algorithm",
          "Content-Range",
          "Content-Disposition",
          "Accept-Ranges",
          "ETag",
          "X-Request-Id",
          "X-RateLimit-Limit",
          "X-RateLimit-Remaining",
          "X-RateLimit-Reset",
          "Retry-After");

  static final int ACCEPT_QUEUE = 1024;
  static final int INPUT_BUFFER = 16 * 1024;
  /** Jetty's default pool keeps buffers up to 64 KiB; larger ones would be allocated per read. */
  static final int MAX_INPUT_BUFFER = 64 * 1024;
  /** Platform threads for HEAD (LookupsFirst), one per connection of Database#statusReads. */
  static final int LOOKUP_THREADS = Database.STATUS_READ_CONNECTIONS;

  private HttpServerFactory() {}

  static Server create(UploadsConfig config, Handler application) {
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName("http");
    // Blocking request handling runs on virtual threads: one cheap thread per upload in flight.
    // Made with the JDK's own builder: Jetty's helper finds it by reflection, on the way to the bound port.
    Executor uploadThreads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("upload-", 0).factory());
    threads.setVirtualThreadsExecutor(uploadThreads);
    Server server = new Server(threads);
    QueuedThreadPool lookupThreads = new QueuedThreadPool(LOOKUP_THREADS, 1);
    lookupThreads.setName("lookup");
    lookupThreads.setReservedThreads(0);
    server.addBean(lookupThreads);

    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendDateHeader(true);
    http.setRequestHeaderSize(64 * 1024);
    // Jetty's per-connection cache of header fields is a trie of about 78 KiB (char arrays) on
    // every connection: 39 MiB of heap under 500 slow uploads, which send headers once each.
    http.setHeaderCacheSize(0);
    if (config.server().trustProxy()) {
      http.addCustomizer(new ForwardedRequestCustomizer());
    }
    // Bodies are written to disk straight from these buffers (JettyBodySource), batched into
    // writes of up to 1 MiB whatever their size. Each connection with a body in flight keeps one:
    // 64 KiB each came to 32 MiB of direct memory under 500 slow uploads, so a connection starts
    // at 16 KiB and only a body whose reads come back full gets larger ones, up to 64 KiB: one
    // fast 1 GiB PATCH makes 16,400 socket reads instead of 66,000 and, measured side by side,
    // costs the server a quarter to a third less CPU (most of it is the kernel's, per read).
    HttpConnectionFactory http1 = new PacedReadConnectionFactory(http, INPUT_BUFFER, MAX_INPUT_BUFFER);
    ServerConnector connector = new ServerConnector(server, http1);
    connector.setHost(config.server().host());
    connector.setPort(config.server().port());
    connector.setIdleTimeout(config.server().idleTimeout().toMillis());
    // The JDK's default listen backlog is 50: a burst of a thousand clients reconnecting after a
    // network blip overflows it and sees resets. The kernel caps this at net.core.somaxconn.
    connector.setAcceptQueueSize(ACCEPT_QUEUE);
    connector.addBean(new HeaderDeadline(connector.getScheduler(), config.server().headerTimeout()));
    server.addConnector(connector);

    CrossOriginHandler cors = new CrossOriginHandler();
    cors.setAllowedOriginPatterns(originPatterns(config.cors()));
    cors.setAllowedMethods(Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"));
    cors.setAllowedHeaders(union(TUS_REQUEST_HEADERS, ResumableUploadFilter.CORS_REQUEST_HEADERS));
    cors.setExposedHeaders(union(TUS_RESPONSE_HEADERS, ResumableUploadFilter.CORS_RESPONSE_HEADERS));
    cors.setAllowCredentials(false);
    cors.setPreflightMaxAge(Duration.ofDays(1));
    cors.setHandler(new MinBodyRate(config.server().minBodyRate(), config.server().idleTimeout(), application));
    // Stopping waits for requests in flight (up to the stop timeout) instead of cutting them.
    GracefulHandler graceful = new GracefulHandler(new LookupsFirst(cors, uploadThreads, lookupThreads));
    server.setHandler(graceful);
    server.setStopTimeout(config.server().shutdownTimeout().toMillis());
    return server;
  }

  private static Set<String> union(Set<String> tus, Set<String> draft) {
    return java.util.stream.Stream.concat(tus.stream(), draft.stream()).collect(Collectors.toSet());
  }

  private static Set<String> originPatterns(UploadsConfig.Cors cors) {
    if (cors.anyOrigin()) {
      return Set.of(".*");
    }
    return cors.allowedOrigins().stream().map(Pattern::quote).collect(Collectors.toSet());
  }
}
