package com.xeadline.uploads.server;

import com.xeadline.uploads.config.UploadsConfig;
import com.xeadline.uploads.tus.db.Database;
import com.xeadline.uploads.tus.upload.UploadLocks;
import com.xeadline.uploads.gcs.GcsStorageFactory;
import com.xeadline.uploads.server.limits.RateLimitHandler;
import io.micrometer.core.instrument.binder.jetty.JettyConnectionMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import com.xeadline.uploads.server.storage.LocalStorageProvider;
import com.xeadline.uploads.tus.publish.FinalsPublisher;
import com.xeadline.uploads.storage.StorageProviders;
import java.util.List;
import com.xeadline.uploads.server.jobs.CleanupJob;
import com.xeadline.uploads.server.jobs.JobQueue;
import com.xeadline.uploads.server.jobs.JobWorkers;
import com.xeadline.uploads.server.auth.KeyFile;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import com.xeadline.uploads.server.video.VideoTools;
import com.xeadline.uploads.tus.protocol.TusDiscovery;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The composition root: builds every part from the configuration, by hand, and runs them. */
public final class UploadsApp implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UploadsApp.class);
  static final String UPLOAD_PATH = "/files";

  private final Server server;
  private final StartupGate gate;
  private final CompletableFuture<Running> running = new CompletableFuture<>();

  /** What the background start made, closed in reverse order. */
  private record Running(Database database, ScheduledExecutorService housekeeping, JobWorkers workers, UploadLocks locks) {}

  private UploadsApp(Server server, StartupGate gate) {
    this.server = server;
    this.gate = gate;
  }

  /** Starts and returns once every part is up and requests are served (tests, tools). */
  public static UploadsApp start(UploadsConfig config, Clock clock) throws Exception {
    return started(begin(config, clock, () -> storageProviders(config), new StartupPhases()));
  }

  /** As {@link #start(UploadsConfig, Clock)}, with the storage providers given (tests). */
  public static UploadsApp start(UploadsConfig config, Clock clock, StorageProviders providers) throws Exception {
    return started(begin(config, clock, () -> providers, new StartupPhases()));
  }

  private static UploadsApp started(UploadsApp app) throws Exception {
    app.awaitReady();
    return app;
  }

  /**
   * Binds the port and returns at once: tus discovery and /livez are answered from then on (see
   * {@link StartupGate}) while the database, the start-up repair and the routes are made on
   * background threads; {@link #awaitReady} waits for them. {@code providers} is called there too
   * (a cloud provider's client is slow to make).
   */
  static UploadsApp begin(UploadsConfig config, Clock clock, Callable<StorageProviders> providers, StartupPhases phases)
      throws Exception {
    prepare(config);
    phases.end("prepare");
    StartupGate gate = new StartupGate(new TusDiscovery(config.tus().maxSize()), config.server().startWait());
    Server server = HttpServerFactory.create(config, gate);
    server.start();
    phases.end("http");
    UploadsApp app = new UploadsApp(server, gate);
    // Platform threads: the requests answered meanwhile run on virtual threads, whose two carriers
    // (one per core) these CPU-bound sections would otherwise hold.
    Thread.ofPlatform().name("startup").start(() -> {
      try {
        app.running.complete(build(config, clock, providers, server, gate, phases));
      } catch (Throwable e) {
        app.running.completeExceptionally(e);
      }
    });
    return app;
  }

  /** Waits for the background start; on its failure stops the server and throws what failed. */
  public void awaitReady() throws Exception {
    try {
      running.get();
    } catch (ExecutionException e) {
      server.stop();
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  /**
   * The database, the parts, the repair, then the routes, with what does not need the database
   * (the storage providers, the video tools) made beside it, and the JSON API's Jersey beside the
   * repair and the routes. The gate opens only after the repair: no upload request is served before
   * it. The JSON API's requests wait for Jersey (PendingHandler); the start is done with it.
   */
  private static Running build(
      UploadsConfig config, Clock clock, Callable<StorageProviders> providers, Server server, StartupGate gate, StartupPhases phases)
      throws Exception {
    StartupPhases.Forks forks = phases.forks();
    StartupPhases.Fork<StorageProviders> storage = forks.fork("providers", providers);
    Database database = null;
    Assembly assembled = null;
    try {
      prepareInBackground(config);
      PrometheusMeterRegistry metrics = meterRegistry(config.cluster().nodeId());
      phases.end("metrics");
      database = Database.open(config.database(), metrics);
      phases.end("database");
      // Only now, beside the assembly and the routes: checking the video tools runs ffprobe (about
      // 0.2 s of CPU loading its libraries), which at once would compete with the first requests
      // the gate answers while the database opens, on a machine with few cores.
      StartupPhases.Fork<VideoTools> tools =
          forks.fork("video_tools", () -> VideoTools.resolve(config.video(), config.storage().dataDir()));
      StartupPhases.Fork<Void> jvmMetrics = forks.fork("jvm_metrics", () -> bindJvmMetrics(metrics));
      Assembly parts = new Assembly(config, clock, storage.join(), metrics, database);
      assembled = parts;
      parts.uploads();
      parts.afterFinish(tools.join());
      phases.end("assembly");
      // Jersey (~0.15 s) beside the repair and the routes: the gate opens without waiting for it.
      StartupPhases.Fork<Handler> jsonApi = forks.fork("json_api", parts::jsonApiHandler);
      StartupPhases.Fork<Void> repair = forks.fork("repair", () -> {
        parts.repairAtStart();
        return null;
      });
      Handler routes = parts.routes();
      phases.end("routes");
      repair.join();
      jvmMetrics.join();
      gate.open(routes);
      phases.end("open");
      parts.openJsonApi(jsonApi.join());
      phases.end("api_open");
      JettyConnectionMetrics.addToAllConnectors(server, metrics);
      ScheduledExecutorService housekeeping = scheduleHousekeeping(config, clock, parts);
      parts.workers.start();
      logStarted(config, server, parts, phases);
      return new Running(database, housekeeping, parts.workers, parts.locks);
    } catch (Exception | Error e) {
      if (assembled != null) {
        assembled.failJsonApi();
      }
      if (gate.isOpen()) {
        stopServing(server, e); // the routes were open: no request may reach the database closed below
      }
      forks.close(); // nothing of the start may still use the database
      if (database != null) {
        database.close();
      }
      throw e;
    }
  }

  private static void stopServing(Server server, Throwable failure) {
    try {
      server.stop();
    } catch (Exception stop) {
      failure.addSuppressed(stop);
    }
  }

  private static void logStarted(UploadsConfig config, Server server, Assembly parts, StartupPhases phases) {
    URI base = baseUri(server);
    var line = log.atInfo()
        .addKeyValue("url", base.resolve(UPLOAD_PATH + "/").toString())
        .addKeyValue("data_dir", config.storage().dataDir().toString())
        .addKeyValue("upload_dir", config.storage().uploadDir().toString())
        .addKeyValue("database", config.database().isPostgres() ? "postgresql" : "h2")
        .addKeyValue("max_size", config.tus().maxSize())
        .addKeyValue("upload_page", parts.page.hasUploader() ? "built" : "missing: build with Node.js and npm to enable it");
    phases.addTo(line);
    line.log("server.started");
  }

  /** The node's name in every log line, the data directory. */
  private static void prepare(UploadsConfig config) throws IOException {
    if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logback) {
      logback.putProperty("node", config.cluster().nodeId());
    }
    Files.createDirectories(config.storage().dataDir());
  }

  /** Off the way to the bound port: java.util.logging's set-up, the open-auth warning. */
  private static void prepareInBackground(UploadsConfig config) {
    // Jersey logs through java.util.logging: route it to the same JSON lines.
    if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logback) {
      JsonLogging.bridgeJavaUtilLogging(logback);
    }
    if (config.auth().open()) {
      log.atWarn().log("auth.mode=none: anyone who reaches this server can upload, read and delete");
    }
  }

  private static PrometheusMeterRegistry meterRegistry(String node) {
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    metrics.config().commonTags("node", node);
    return metrics;
  }

  /** The JVM's own meters (java.management): made beside the rest of the start. */
  private static Void bindJvmMetrics(PrometheusMeterRegistry metrics) {
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmGcMetrics().bindTo(metrics);
    new JvmThreadMetrics().bindTo(metrics);
    new ProcessorMetrics().bindTo(metrics);
    new UptimeMetrics().bindTo(metrics);
    return null;
  }

  /** The periodic cleanup job, forgetting idle rate-limit buckets, retrying failed publishes. */
  private static ScheduledExecutorService scheduleHousekeeping(UploadsConfig config, Clock clock, Assembly parts) {
    ScheduledExecutorService housekeeping =
        Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("housekeeping").factory());
    long everySeconds = config.video().cleanupInterval().toSeconds();
    JobQueue jobs = parts.jobs;
    JobWorkers workers = parts.workers;
    RateLimitHandler limited = parts.limited;
    FinalsPublisher publisher = parts.publisher;
    housekeeping.scheduleWithFixedDelay(
        () -> queueCleanup(jobs, workers, clock, everySeconds), Math.min(60, everySeconds), everySeconds, TimeUnit.SECONDS);
    housekeeping.scheduleWithFixedDelay(() -> forgetIdleBuckets(limited), 1, 1, TimeUnit.MINUTES);
    housekeeping.scheduleWithFixedDelay(() -> retryPublishing(publisher), 1, 5, TimeUnit.MINUTES);
    return housekeeping;
  }

  /** The configured provider for new finals; local disk stays readable for older ones. */
  static StorageProviders storageProviders(UploadsConfig config) throws IOException {
    LocalStorageProvider local = new LocalStorageProvider(config.storage().dataDir().resolve("finals"));
    UploadsConfig.Gcs gcs = config.storage().gcs();
    if (gcs == null) {
      return new StorageProviders(local, List.of());
    }
    return new StorageProviders(GcsStorageFactory.create(gcs.bucket(), gcs.prefix(), gcs.credentialsFile(), gcs.endpoint()), List.of(local));
  }

  /** The configured HMAC secret, or the one generated into the data directory on first start. */
  static byte[] hmacSecret(UploadsConfig config) throws IOException {
    if (!config.auth().hmacSecret().isEmpty()) {
      return config.auth().hmacSecret().value().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    java.nio.file.Path file = config.storage().dataDir().resolve("keys").resolve("jwt.secret");
    boolean created = !Files.exists(file);
    byte[] secret = KeyFile.loadOrCreate(file);
    if (created) {
      log.atWarn()
          .addKeyValue("secret_file", file.toString())
          .log("auth.secret_generated: mint a token with: java -jar xeadline-uploads.jar token --user alice --ttl 1h");
    }
    return secret;
  }

  private static void retryPublishing(FinalsPublisher publisher) {
    try {
      int published = publisher.retryFailed();
      if (published > 0) {
        log.atInfo().addKeyValue("published", published).log("housekeeping.finals_republished");
      }
    } catch (RuntimeException e) {
      log.atWarn().setCause(e).log("housekeeping.failed");
    }
  }

  /** A failure must not end the schedule (the database may be away for a while). */
  private static void forgetIdleBuckets(RateLimitHandler limited) {
    try {
      limited.forgetIdleBuckets();
    } catch (RuntimeException e) {
      log.atWarn().setCause(e).log("housekeeping.failed");
    }
  }

  /**
   * Every node queues the cleanup of the current period; the jobs table keeps one such job per
   * period, so across a cluster it runs once.
   */
  private static void queueCleanup(JobQueue jobs, JobWorkers workers, Clock clock, long everySeconds) {
    try {
      String period = Long.toString(clock.instant().getEpochSecond() / Math.max(1, everySeconds));
      if (jobs.enqueue(CleanupJob.KIND, CleanupJob.NO_UPLOAD, period, 1, clock.instant())) {
        workers.wake();
      }
    } catch (RuntimeException e) {
      log.atWarn().setCause(e).log("cleanup.queue_failed");
    }
  }

  public int port() {
    return ((NetworkConnector) server.getConnectors()[0]).getLocalPort();
  }

  /** {@code http://host:port/} as seen from this machine. */
  public URI baseUri() {
    return baseUri(server);
  }

  private static URI baseUri(Server server) {
    NetworkConnector connector = (NetworkConnector) server.getConnectors()[0];
    String host = connector.getHost();
    if (host == null || host.equals("0.0.0.0") || host.equals("::")) {
      host = "localhost";
    }
    return URI.create("http://" + host + ":" + connector.getLocalPort() + "/");
  }

  public void join() throws InterruptedException {
    server.join();
  }

  /**
   * Drains and stops. A start still under way is let finish first: the repair holds upload locks
   * and fixes rows, and the database closes last.
   */
  @Override
  public void close() throws Exception {
    Running parts;
    try {
      parts = running.get();
    } catch (ExecutionException failed) {
      server.stop(); // the start cleaned up after itself
      return;
    }
    parts.housekeeping().shutdownNow();
    server.stop();
    parts.workers().close();
    parts.locks().close();
    parts.database().close();
  }
}
