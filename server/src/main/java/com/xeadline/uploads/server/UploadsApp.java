package com.xeadline.uploads.server;

import com.xeadline.uploads.config.UploadsConfig;
import com.xeadline.uploads.tus.Database;
import com.xeadline.uploads.tus.FileConcatenation;
import com.xeadline.uploads.tus.SqlUploadStorage;
import com.xeadline.uploads.tus.UploadFiles;
import com.xeadline.uploads.tus.LockLeases;
import com.xeadline.uploads.tus.UploadLocks;
import com.xeadline.uploads.server.limits.Buckets;
import com.xeadline.uploads.tus.UploadSessions;
import com.xeadline.uploads.gcs.GcsStorageFactory;
import com.xeadline.uploads.server.api.ApiHandlerFactory;
import com.xeadline.uploads.server.auth.AuthHandler;
import com.xeadline.uploads.server.auth.NextAuthSessions;
import com.xeadline.uploads.server.auth.OriginCheck;
import com.xeadline.uploads.server.auth.SessionTable;
import com.xeadline.uploads.server.auth.GrantAccess;
import com.xeadline.uploads.server.auth.JwtVerifier;
import com.xeadline.uploads.server.hooks.HttpHooks;
import com.xeadline.uploads.server.limits.RateLimitHandler;
import com.xeadline.uploads.server.metrics.MetricsServlet;
import com.xeadline.uploads.server.metrics.UploadMetrics;
import io.micrometer.core.instrument.binder.jetty.JettyConnectionMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import com.xeadline.uploads.server.storage.LocalStorageProvider;
import com.xeadline.uploads.server.resumable.DraftCreations;
import com.xeadline.uploads.server.resumable.DraftUploads;
import com.xeadline.uploads.server.resumable.ResumableUploadFilter;
import com.xeadline.uploads.storage.FinalsPublisher;
import com.xeadline.uploads.storage.StorageProviders;
import java.util.List;
import com.xeadline.uploads.server.api.StorageResource;
import com.xeadline.uploads.server.api.UploadsResource;
import com.xeadline.uploads.server.api.FinalUrls;
import com.xeadline.uploads.server.api.UsageResource;
import com.xeadline.uploads.server.api.VideosResource;
import com.xeadline.uploads.server.jobs.CleanupJob;
import com.xeadline.uploads.server.jobs.JobHandler;
import java.util.HashMap;
import java.util.Map;
import com.xeadline.uploads.server.jobs.JobQueue;
import com.xeadline.uploads.server.jobs.JobWorkers;
import com.xeadline.uploads.server.video.VideoMetadataStore;
import com.xeadline.uploads.server.video.VideoPipeline;
import com.xeadline.uploads.server.video.VideoStatus;
import com.xeadline.uploads.server.video.VideoTools;
import com.xeadline.uploads.tus.KeyFile;
import com.xeadline.uploads.tus.UploadGrants;
import com.xeadline.uploads.tus.UploadRules;
import com.xeadline.uploads.tus.legacy.ChunkStore;
import com.xeadline.uploads.tus.legacy.ChunkedUploads;
import com.xeadline.uploads.tus.legacy.UploadChunks;
import com.xeadline.uploads.tus.protocol.PublicUrls;
import com.xeadline.uploads.tus.protocol.TusService;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.util.EnumSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import me.desair.tus.server.upload.UuidUploadIdFactory;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** The composition root: builds every part from the configuration, by hand, and runs them. */
public final class UploadsApp implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UploadsApp.class);
  static final String UPLOAD_PATH = "/files";

  private final Database database;
  private final Server server;
  private final ScheduledExecutorService housekeeping;
  private final JobWorkers workers;
  private final UploadLocks locks;

  private UploadsApp(
      Database database, Server server, ScheduledExecutorService housekeeping, JobWorkers workers, UploadLocks locks) {
    this.locks = locks;
    this.database = database;
    this.server = server;
    this.housekeeping = housekeeping;
    this.workers = workers;
  }

  public static UploadsApp start(UploadsConfig config, Clock clock) throws Exception {
    return start(config, clock, storageProviders(config));
  }

  /** As {@link #start(UploadsConfig, Clock)}, with the storage providers given (tests). */
  public static UploadsApp start(UploadsConfig config, Clock clock, StorageProviders providers) throws Exception {
    // Jersey logs through java.util.logging: route it to the same JSON lines.
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
    Files.createDirectories(config.storage().dataDir());
    if (config.auth().open()) {
      log.atWarn().log("auth.mode=none: anyone who reaches this server can upload, read and delete");
    }
    String node = config.cluster().nodeId();
    if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logback) {
      logback.putProperty("node", node);
    }
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    metrics.config().commonTags("node", node);
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmGcMetrics().bindTo(metrics);
    new JvmThreadMetrics().bindTo(metrics);
    new ProcessorMetrics().bindTo(metrics);
    new UptimeMetrics().bindTo(metrics);
    Database database = Database.open(config.database(), metrics);
    try {
      UploadSessions sessions = new UploadSessions(database.jdbi());
      UploadFiles files = new UploadFiles(config.storage().uploadDir());
      UuidUploadIdFactory ids = new UuidUploadIdFactory();
      ids.setUploadUri(UPLOAD_PATH);
      SqlUploadStorage storage =
          new SqlUploadStorage(
              sessions,
              files,
              clock,
              config.tus(),
              config.storage().fsync(),
              config.rules().verifyContent(),
              config.limits(),
              ids);
      // On PostgreSQL other nodes may share the uploads: write locks are leases in the database.
      UploadLocks locks =
          config.database().isPostgres()
              ? new UploadLocks(new LockLeases(database.jdbi()), node, config.cluster().lockLease(), clock)
              : new UploadLocks();
      UploadRules rules = new UploadRules(config.tus().maxSize(), config.rules().allowedTypes());
      UploadChunks chunks = new UploadChunks(database.jdbi());
      chunks.releaseAllWriting();
      UploadGrants grants =
          new UploadGrants(KeyFile.loadOrCreate(config.storage().dataDir().resolve("keys").resolve("grant.key")), clock);
      FileConcatenation concatenation = new FileConcatenation(storage, locks);
      storage.addFinishedListener(concatenation);
      FinalsPublisher publisher = new FinalsPublisher(storage, providers);
      storage.addFinishedListener(publisher);
      storage.addTerminationListener(publisher);
      UploadMetrics uploadMetrics = new UploadMetrics(metrics);
      storage.addEvents(uploadMetrics);
      storage.addFinishedListener(uploadMetrics);
      storage.addTerminationListener(uploadMetrics);
      VideoTools videoTools = VideoTools.resolve(config.video(), config.storage().dataDir());
      VideoMetadataStore videos = new VideoMetadataStore(database.jdbi());
      JobQueue jobs = new JobQueue(database.jdbi());
      java.nio.file.Path jobsDir = config.storage().dataDir().resolve("tmp").resolve("jobs");
      VideoPipeline pipeline =
          new VideoPipeline(config.video(), videoTools, sessions, storage, providers, videos, jobs, jobsDir, clock);
      storage.addFinishedListener(pipeline);
      storage.addTerminationListener(pipeline);
      CleanupJob cleanup =
          new CleanupJob(storage, jobs, sessions, locks, providers, jobsDir, clock, config.tus().expiration(), metrics);
      Map<String, JobHandler> handlers = new HashMap<>(pipeline.handlers());
      handlers.put(CleanupJob.KIND, (job, progress) -> cleanup.run());
      JobWorkers workers =
          new JobWorkers(
              jobs,
              handlers,
              node + "/" + java.util.UUID.randomUUID(),
              clock,
              config.video().workers(),
              config.video().jobLease(),
              config.video().retryBackoff());
      pipeline.attach(workers);
      io.micrometer.core.instrument.Gauge.builder("jobs_queued", jobs, JobQueue::queued)
          .description("Background jobs (probe, transcode) waiting to run")
          .register(metrics);
      HttpHooks hooks = new HttpHooks(config.hooks());
      Map<String, java.nio.file.Path> written = new java.util.LinkedHashMap<>();
      written.put("data", config.storage().dataDir());
      written.put("uploads", config.storage().uploadDir());
      written.put("finals", config.storage().dataDir().resolve("finals"));
      FreeSpace freeSpace = new FreeSpace(written, config.server().minFreeSpace());
      storage.setCreationGate(
          request -> {
            freeSpace.check(request);
            hooks.check(request);
          });
      storage.addEvents(hooks);
      storage.addFinishedListener(hooks);
      storage.addTerminationListener(hooks);
      storage.reconcile(locks);
      int republished = publisher.repairPending(locks);
      if (republished > 0) {
        log.atInfo().addKeyValue("uploads", republished).log("storage.publishes_repaired");
      }
      int missed = pipeline.queueMissedProbes();
      if (missed > 0) {
        log.atInfo().addKeyValue("queued", missed).log("video.missed_probes_queued");
      }
      TusService tus =
          new TusService(
              storage,
              concatenation,
              locks,
              ids,
              new PublicUrls(config.server().trustProxy(), UPLOAD_PATH),
              rules,
              providers,
              config.tus().lockWait(),
              config.storage().publicFinals());
      ChunkedUploads chunked =
          new ChunkedUploads(
              storage,
              sessions,
              chunks,
              locks,
              config.tus().lockWait(),
              rules,
              config.rules().maxChunkSize(),
              config.tus().expiration(),
              ChunkStore.onDisk(files, sessions, config.rules().maxChunkSize(), config.storage().fsync()),
              clock);
      FinalUrls finalUrls = new FinalUrls(config.storage().publicFinals(), grants);
      Handler api =
          ApiHandlerFactory.create(
              new StorageResource(
                  chunked, providers, grants, files.dir(), config.rules().maxChunkSize(), new VideoStatus(videos, jobs), finalUrls),
              new UsageResource(sessions, config.limits(), clock),
              new UploadsResource(sessions, chunked, storage, locks, config.tus().lockWait(), finalUrls),
              new VideosResource(videos, providers, finalUrls));

      ServletContextHandler context = new ServletContextHandler("/");
      context.addFilter(new FilterHolder(new RequestLogFilter()), "/*", EnumSet.of(DispatcherType.REQUEST));
      GrantAccess grantAccess = new GrantAccess(grants, storage);
      context.addServlet(new ServletHolder("tus", new TusServlet(tus, grantAccess)), UPLOAD_PATH + "/*");
      // Requests of the IETF resumable-upload draft are answered here, on the same uploads, before tus.
      PublicUrls draftUrls = new PublicUrls(config.server().trustProxy(), UPLOAD_PATH);
      DraftCreations draftCreations = new DraftCreations(storage, rules, draftUrls);
      DraftUploads draftUploads = new DraftUploads(storage, locks, draftCreations, draftUrls, config.tus().lockWait());
      context.addFilter(
          new FilterHolder(new ResumableUploadFilter(draftUploads, draftCreations)),
          UPLOAD_PATH + "/*",
          EnumSet.of(DispatcherType.REQUEST));
      context.addServlet(new ServletHolder("health", new HealthServlet(database.jdbi())), "/healthz");
      context.addServlet(
          new ServletHolder(
              "ready",
              new ReadyServlet(database.jdbi(), config.storage().dataDir(), freeSpace, providers)),
          "/readyz");
      context.addServlet(new ServletHolder("metrics", new MetricsServlet(metrics)), "/metrics");
      UploadPageServlet page = new UploadPageServlet();
      context.addServlet(new ServletHolder("page", page), "/");
      if (config.server().benchEndpoint()) {
        context.addServlet(new ServletHolder("discard", new DiscardServlet(config.storage().uploadDir())), "/bench/discard");
      }
      // On PostgreSQL the budgets are cluster-wide: N requests means N across every node.
      Buckets buckets = config.database().isPostgres() ? Buckets.inPostgres(database.dataSource()) : Buckets.inProcess();
      RateLimitHandler limited = new RateLimitHandler(config.limits(), buckets, metrics, new ApiRouter(api, context));
      Handler application = config.auth().open() ? limited : authHandler(config, grantAccess, clock, limited);
      if (config.storage().fsync()) {
        application = new DurableResponses(application, database::syncToDisk);
      }
      Server server = HttpServerFactory.create(config, application);
      server.start();
      JettyConnectionMetrics.addToAllConnectors(server, metrics);

      ScheduledExecutorService housekeeping =
          Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("housekeeping").factory());
      long everySeconds = config.video().cleanupInterval().toSeconds();
      housekeeping.scheduleWithFixedDelay(
          () -> queueCleanup(jobs, workers, clock, everySeconds), Math.min(60, everySeconds), everySeconds, TimeUnit.SECONDS);
      housekeeping.scheduleWithFixedDelay(() -> forgetIdleBuckets(limited), 1, 1, TimeUnit.MINUTES);
      housekeeping.scheduleWithFixedDelay(() -> retryPublishing(publisher), 1, 5, TimeUnit.MINUTES);

      workers.start();
      UploadsApp app = new UploadsApp(database, server, housekeeping, workers, locks);
      log.atInfo()
          .addKeyValue("url", app.baseUri().resolve(UPLOAD_PATH + "/").toString())
          .addKeyValue("data_dir", config.storage().dataDir().toString())
          .addKeyValue("upload_dir", config.storage().uploadDir().toString())
          .addKeyValue("database", config.database().isPostgres() ? "postgresql" : "h2")
          .addKeyValue("node", node)
          .addKeyValue("max_size", config.tus().maxSize())
          .addKeyValue("upload_page", page.hasUploader() ? "built" : "missing: build with Node.js and npm to enable it")
          .log("Xeadline Uploads listening on {}files/ with data in {}", app.baseUri(), config.storage().dataDir());
      return app;
    } catch (Exception e) {
      database.close();
      throw e;
    }
  }

  /** The configured provider for new finals; local disk stays readable for older ones. */
  private static StorageProviders storageProviders(UploadsConfig config) throws IOException {
    LocalStorageProvider local = new LocalStorageProvider(config.storage().dataDir().resolve("finals"));
    UploadsConfig.Gcs gcs = config.storage().gcs();
    if (gcs == null) {
      return new StorageProviders(local, List.of());
    }
    return new StorageProviders(GcsStorageFactory.create(gcs.bucket(), gcs.prefix(), gcs.credentialsFile(), gcs.endpoint()), List.of(local));
  }

  private static AuthHandler authHandler(UploadsConfig config, GrantAccess grants, Clock clock, Handler next) throws Exception {
    UploadsConfig.Auth auth = config.auth();
    SessionTable table = auth.nextAuthSessions() == null ? null : new SessionTable(auth.nextAuthSessions(), clock);
    String secret = auth.nextAuthSecret().isEmpty() ? null : auth.nextAuthSecret().value();
    NextAuthSessions nextAuth =
        secret == null && table == null ? null : new NextAuthSessions(secret, table, auth.clockSkew(), clock);
    AuthHandler handler =
        new AuthHandler(
            verifier(config), grants, config.storage().publicFinals(), nextAuth, new OriginCheck(config.cors().allowedOrigins()), next);
    if (table != null) {
      handler.addManaged(table); // its pool opens and closes with the server
    }
    return handler;
  }

  /** The JWT verifier for the configured key: a JWKS file, a secret, or a generated secret. */
  private static JwtVerifier verifier(UploadsConfig config) throws Exception {
    UploadsConfig.Auth auth = config.auth();
    if (auth.jwksFile() != null) {
      return JwtVerifier.jwks(auth, auth.jwksFile());
    }
    return JwtVerifier.hmac(auth, hmacSecret(config));
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
    String host = ((NetworkConnector) server.getConnectors()[0]).getHost();
    if (host == null || host.equals("0.0.0.0") || host.equals("::")) {
      host = "localhost";
    }
    return URI.create("http://" + host + ":" + port() + "/");
  }

  public void join() throws InterruptedException {
    server.join();
  }

  @Override
  public void close() throws Exception {
    housekeeping.shutdownNow();
    server.stop();
    workers.close();
    locks.close();
    database.close();
  }

}
