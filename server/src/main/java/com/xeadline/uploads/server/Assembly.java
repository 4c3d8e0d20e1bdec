package com.xeadline.uploads.server;

import static com.xeadline.uploads.server.UploadsApp.UPLOAD_PATH;

import com.xeadline.uploads.config.UploadsConfig;
import com.xeadline.uploads.server.api.ApiHandlerFactory;
import com.xeadline.uploads.server.api.FinalUrls;
import com.xeadline.uploads.server.api.StorageResource;
import com.xeadline.uploads.server.api.UploadsResource;
import com.xeadline.uploads.server.api.UsageResource;
import com.xeadline.uploads.server.api.VideosResource;
import com.xeadline.uploads.server.http.JettyBodySource;
import com.xeadline.uploads.server.auth.AuthHandler;
import com.xeadline.uploads.server.auth.GrantAccess;
import com.xeadline.uploads.server.auth.JwtVerifier;
import com.xeadline.uploads.server.auth.NextAuthSessions;
import com.xeadline.uploads.server.auth.OriginCheck;
import com.xeadline.uploads.server.auth.SessionTable;
import com.xeadline.uploads.server.hooks.HttpHooks;
import com.xeadline.uploads.server.jobs.CleanupJob;
import com.xeadline.uploads.server.jobs.JobHandler;
import com.xeadline.uploads.server.jobs.JobQueue;
import com.xeadline.uploads.server.jobs.JobWorkers;
import com.xeadline.uploads.server.limits.Buckets;
import com.xeadline.uploads.server.limits.RateLimitHandler;
import com.xeadline.uploads.server.metrics.MetricsServlet;
import com.xeadline.uploads.server.metrics.UploadMetrics;
import com.xeadline.uploads.server.resumable.DraftCreations;
import com.xeadline.uploads.server.resumable.DraftUploads;
import com.xeadline.uploads.server.resumable.ResumableUploadFilter;
import com.xeadline.uploads.server.video.VideoMetadataStore;
import com.xeadline.uploads.server.video.VideoPipeline;
import com.xeadline.uploads.server.video.VideoStatus;
import com.xeadline.uploads.server.video.VideoTools;
import com.xeadline.uploads.tus.publish.FinalsPublisher;
import com.xeadline.uploads.storage.StorageProviders;
import com.xeadline.uploads.tus.db.Database;
import com.xeadline.uploads.tus.repair.ExpirySweep;
import com.xeadline.uploads.tus.upload.FileConcatenation;
import com.xeadline.uploads.server.auth.KeyFile;
import com.xeadline.uploads.tus.upload.LockLeases;
import com.xeadline.uploads.tus.repair.Reconciliation;
import com.xeadline.uploads.tus.upload.UploadFiles;
import com.xeadline.uploads.server.auth.UploadGrants;
import com.xeadline.uploads.tus.upload.UploadLocks;
import com.xeadline.uploads.tus.rows.UploadQuotas;
import com.xeadline.uploads.tus.upload.UploadRules;
import com.xeadline.uploads.tus.upload.UploadService;
import com.xeadline.uploads.tus.rows.UploadSessions;
import com.xeadline.uploads.storage.UploadParts;
import com.xeadline.uploads.tus.rows.UploadPartRows;
import com.xeadline.uploads.tus.upload.InProgressParts;
import com.xeadline.uploads.tus.upload.LocalUploadBytes;
import com.xeadline.uploads.tus.upload.UploadBytes;
import com.xeadline.uploads.tus.legacy.ChunkStore;
import com.xeadline.uploads.tus.legacy.LegacyChunkService;
import com.xeadline.uploads.tus.legacy.ChunkRows;
import com.xeadline.uploads.tus.protocol.PublicUrls;
import com.xeadline.uploads.tus.protocol.TusService;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.time.Clock;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import me.desair.tus.server.upload.UuidUploadIdFactory;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link UploadsApp}'s wiring, one section per method, called in order by {@code start}: the
 * uploads and their rows, what happens after an upload finishes (listeners, jobs), the repair at
 * start-up, and the HTTP routes. Each section keeps what the later ones need in a field.
 */
final class Assembly {
  private static final Logger log = LoggerFactory.getLogger(UploadsApp.class);

  private final UploadsConfig config;
  private final Clock clock;
  private final StorageProviders providers;
  private final PrometheusMeterRegistry metrics;
  private final Database database;
  private final String node;

  // uploads()
  UploadSessions sessions;
  UploadFiles files;
  /** Non-null with storage.in-progress=gcs: unfinished uploads as part objects in the bucket. */
  InProgressParts inBucket;
  UploadBytes bytes;
  UuidUploadIdFactory ids;
  UploadService storage;
  UploadLocks locks;
  UploadRules rules;
  ChunkRows chunks;
  UploadGrants grants;
  // afterFinish()
  FileConcatenation concatenation;
  FinalsPublisher publisher;
  VideoMetadataStore videos;
  JobQueue jobs;
  JobWorkers workers;
  VideoPipeline pipeline;
  FreeSpace freeSpace;
  // routes()
  UploadPageServlet page;
  RateLimitHandler limited;
  PendingHandler jsonApi;

  Assembly(UploadsConfig config, Clock clock, StorageProviders providers, PrometheusMeterRegistry metrics, Database database) {
    this.config = config;
    this.clock = clock;
    this.providers = providers;
    this.metrics = metrics;
    this.database = database;
    this.node = config.cluster().nodeId();
  }

  /** The upload service over its rows and files, its locks and rules, the legacy chunk rows, the grants. */
  void uploads() throws IOException {
    sessions = new UploadSessions(database.jdbi(), database.lookups(), database.statusReads());
    files = new UploadFiles(config.storage().uploadDir());
    inBucket = inProgressParts();
    bytes = inBucket != null ? inBucket : new LocalUploadBytes(files);
    ids = new UuidUploadIdFactory();
    ids.setUploadUri(UPLOAD_PATH);
    storage =
        new UploadService(
            sessions,
            files,
            bytes,
            clock,
            config.tus(),
            config.storage().fsync(),
            config.rules().verifyContent(),
            config.limits(),
            ids);
    // On PostgreSQL other nodes may share the uploads: write locks are leases in the database.
    locks =
        config.database().isPostgres()
            ? new UploadLocks(new LockLeases(database.jdbi()), node, config.cluster().lockLease(), clock)
            : new UploadLocks();
    rules = new UploadRules(config.tus().maxSize(), config.rules().allowedTypes());
    chunks = new ChunkRows(database.jdbi());
    chunks.releaseAllWriting();
    grants = new UploadGrants(KeyFile.loadOrCreate(config.storage().dataDir().resolve("keys").resolve("grant.key")), clock);
  }

  /** What happens once an upload holds all its bytes (and before one is created): listeners and jobs. */
  void afterFinish(VideoTools videoTools) throws IOException {
    concatenation = new FileConcatenation(storage, locks);
    publisher = new FinalsPublisher(storage, providers);
    UploadMetrics uploadMetrics = new UploadMetrics(metrics);
    videos = new VideoMetadataStore(database.jdbi());
    jobs = new JobQueue(database.jdbi());
    java.nio.file.Path jobsDir = config.storage().dataDir().resolve("tmp").resolve("jobs");
    pipeline = new VideoPipeline(config.video(), videoTools, sessions, storage, providers, videos, jobs, jobsDir, clock);
    CleanupJob cleanup =
        new CleanupJob(
            storage,
            new ExpirySweep(sessions, bytes, clock, config.tus().expiration()),
            jobs, sessions, locks, providers, jobsDir, clock, config.tus().expiration(), metrics);
    Map<String, JobHandler> handlers = new HashMap<>(pipeline.handlers());
    handlers.put(CleanupJob.KIND, (job, progress) -> cleanup.run());
    workers =
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
    freeSpace = new FreeSpace(written, config.server().minFreeSpace());
    storage.listeners().setCreationGate(
        request -> {
          freeSpace.check(request);
          hooks.check(request);
        });
    // In this order: a finished part completes the finals waiting for it before anything else
    // sees it; a final is published before it is counted, probed or announced to hooks.
    storage.listeners().add(concatenation, publisher, uploadMetrics, pipeline, hooks);
  }

  /** Repairs what a crash left (files against rows, interrupted publishes, missed probes) before serving. */
  void repairAtStart() throws IOException {
    if (inBucket == null) {
      // Parts need none: only recorded parts count, and they move with the offset in one commit.
      new Reconciliation(sessions, files, clock, config.storage().fsync()).run(locks);
    }
    int republished = publisher.repairPending(locks);
    if (republished > 0) {
      log.atInfo().addKeyValue("uploads", republished).log("storage.publishes_repaired");
    }
    int missed = pipeline.queueMissedProbes();
    if (missed > 0) {
      log.atInfo().addKeyValue("queued", missed).log("video.missed_probes_queued");
    }
  }

  /**
   * The JSON API: the legacy storage routes, usage, uploads and videos. Made beside {@link #routes()}
   * (after {@link #afterFinish}), which route to it once {@link #openJsonApi} puts it in place.
   */
  Handler jsonApiHandler() {
    return api(chunkedUploads());
  }

  /** Lets the JSON API's requests, which waited since the routes opened, through to {@code api}. */
  void openJsonApi(Handler api) throws Exception {
    jsonApi.open(api);
  }

  /** The start failed: the JSON API's waiting requests are refused at once (none when there are no routes yet). */
  void failJsonApi() {
    if (jsonApi != null) {
      jsonApi.fail();
    }
  }

  private Handler api(LegacyChunkService chunked) {
    FinalUrls finalUrls = new FinalUrls(config.storage().publicFinals(), grants);
    return ApiHandlerFactory.create(
        new StorageResource(
            chunked, providers, grants, files.dir(), config.rules().maxChunkSize(), new VideoStatus(videos, jobs), finalUrls),
        new UsageResource(new UploadQuotas(sessions), config.limits(), clock),
        new UploadsResource(sessions, chunked, storage, locks, config.tus().lockWait(), finalUrls),
        new VideosResource(videos, providers, finalUrls));
  }

  private LegacyChunkService chunkedUploads() {
    return new LegacyChunkService(
        storage,
        sessions,
        chunks,
        locks,
        config.tus().lockWait(),
        rules,
        config.rules().maxChunkSize(),
        config.tus().expiration(),
        inBucket != null
            ? ChunkStore.asParts(inBucket, chunks, spoolDir(), config.rules().maxChunkSize())
            : ChunkStore.onDisk(files, sessions, config.rules().maxChunkSize(), config.storage().fsync()),
        clock);
  }

  /**
   * With storage.in-progress=gcs, unfinished uploads' bytes as part objects in the provider's
   * bucket; null for local files. This node's leftover spool (a crash mid-request) goes first.
   */
  private InProgressParts inProgressParts() throws IOException {
    if (config.storage().gcs() == null || !config.storage().gcs().inProgress()) {
      return null;
    }
    UploadParts parts =
        providers.current().uploadParts().orElseThrow(
            () -> new IllegalStateException("storage.in-progress=gcs: the storage provider " + providers.current().name() + " has no part objects"));
    java.nio.file.Path spool = spoolDir();
    if (java.nio.file.Files.isDirectory(spool)) {
      try (var stale = java.nio.file.Files.list(spool)) {
        for (java.nio.file.Path file : stale.toList()) {
          java.nio.file.Files.deleteIfExists(file);
        }
      }
    }
    return new InProgressParts(parts, new UploadPartRows(database.jdbi()), spool);
  }

  /** This node's own directory for request bytes not yet written as a part (never shared). */
  private java.nio.file.Path spoolDir() {
    return config.storage().dataDir().resolve("tmp").resolve("spool");
  }

  private TusService tus() {
    return new TusService(
        storage,
        concatenation,
        locks,
        ids,
        new PublicUrls(config.server().trustProxy(), UPLOAD_PATH),
        rules,
        providers,
        config.tus().lockWait(),
        config.storage().publicFinals(),
        JettyBodySource::of);
  }

  /**
   * Every route, behind rate limits, auth and (with fsync) durable responses; the JSON API's
   * requests wait until {@link #openJsonApi}.
   */
  Handler routes() throws Exception {
    TusService tus = tus();
    jsonApi = new PendingHandler(config.server().startWait());
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
            new ReadyServlet(database.jdbi(), config.storage().dataDir(), freeSpace, providers, jsonApi::isOpen)),
        "/readyz");
    context.addServlet(new ServletHolder("metrics", new MetricsServlet(metrics)), "/metrics");
    page = new UploadPageServlet();
    context.addServlet(new ServletHolder("page", page), "/");
    if (config.server().benchEndpoint()) {
      context.addServlet(new ServletHolder("discard", new DiscardServlet(config.storage().uploadDir())), "/bench/discard");
    }
    // On PostgreSQL the budgets are cluster-wide: N requests means N across every node.
    Buckets buckets = config.database().isPostgres() ? Buckets.inPostgres(database.dataSource()) : Buckets.inProcess();
    limited = new RateLimitHandler(config.limits(), buckets, metrics, new ApiRouter(new UnreadBodyCloses(jsonApi), context));
    Handler application = config.auth().open() ? limited : authHandler(grantAccess, limited);
    if (config.storage().fsync()) {
      application = new DurableResponses(application, database::syncToDisk);
    }
    return application;
  }

  private AuthHandler authHandler(GrantAccess grants, Handler next) throws Exception {
    UploadsConfig.Auth auth = config.auth();
    SessionTable table = auth.nextAuthSessions() == null ? null : new SessionTable(auth.nextAuthSessions(), clock);
    String secret = auth.nextAuthSecret().isEmpty() ? null : auth.nextAuthSecret().value();
    NextAuthSessions nextAuth =
        secret == null && table == null ? null : new NextAuthSessions(secret, table, auth.clockSkew(), clock);
    AuthHandler handler =
        new AuthHandler(
            verifier(), grants, config.storage().publicFinals(), nextAuth, new OriginCheck(config.cors().allowedOrigins()), next);
    if (table != null) {
      handler.addManaged(table); // its pool opens and closes with the server
    }
    return handler;
  }

  /** The JWT verifier for the configured key: a JWKS file, a secret, or a generated secret. */
  private JwtVerifier verifier() throws Exception {
    UploadsConfig.Auth auth = config.auth();
    if (auth.jwksFile() != null) {
      return JwtVerifier.jwks(auth, auth.jwksFile());
    }
    return JwtVerifier.hmac(auth, UploadsApp.hmacSecret(config));
  }
}
