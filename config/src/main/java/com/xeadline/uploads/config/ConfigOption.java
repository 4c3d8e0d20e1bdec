package com.xeadline.uploads.config;

import java.util.List;

/**
 * One configuration option: its key (properties file and {@code --key=value} flag), its
 * environment variable, its default and what it means. {@link #ALL} is the single list the loader,
 * {@code --help} and the README table are made from.
 */
public record ConfigOption(String key, String env, String defaultValue, String description) {

  public static final String DATA_DIR_PLACEHOLDER = "${storage.data-dir}";

  public static final ConfigOption HOST =
      new ConfigOption("server.host", "UPLOADS_HOST", "0.0.0.0", "Interface to listen on");
  public static final ConfigOption PORT =
      new ConfigOption("server.port", "UPLOADS_PORT", "1080", "HTTP port (0 picks a free one)");
  public static final ConfigOption IDLE_TIMEOUT =
      new ConfigOption(
          "server.idle-timeout",
          "UPLOADS_IDLE_TIMEOUT",
          "30s",
          "A request body that sends nothing for this long is cut off, which frees its upload's lock");
  public static final ConfigOption HEADER_TIMEOUT =
      new ConfigOption(
          "server.header-timeout",
          "UPLOADS_HEADER_TIMEOUT",
          "10s",
          "A new connection whose request line and headers have not all arrived this long after it opened is closed (slow-header clients), whatever it trickles");
  public static final ConfigOption START_WAIT =
      new ConfigOption(
          "server.start-wait",
          "UPLOADS_START_WAIT",
          "30s",
          "While the server is starting (the port answers at once), how long a request that needs the rest waits for it before a 503 with Retry-After");
  public static final ConfigOption MIN_BODY_RATE =
      new ConfigOption(
          "server.min-body-rate",
          "UPLOADS_MIN_BODY_RATE",
          "1KiB",
          "Bytes per second a request body must average once it has run for server.idle-timeout; a slower one is cut (what arrived is kept). 0 turns the floor off");
  public static final ConfigOption TRUST_PROXY =
      new ConfigOption(
          "server.trust-proxy",
          "UPLOADS_TRUST_PROXY",
          "false",
          "Build URLs from Forwarded / X-Forwarded-Proto, -Host, -Port, -Prefix (only behind a proxy you run)");
  public static final ConfigOption BENCH_ENDPOINT =
      new ConfigOption(
          "server.bench-endpoint",
          "UPLOADS_BENCH_ENDPOINT",
          "false",
          "Serve PATCH /bench/discard, which reads and drops a body (benchmark ceiling only)");
  public static final ConfigOption SHUTDOWN_TIMEOUT =
      new ConfigOption(
          "server.shutdown-timeout",
          "UPLOADS_SHUTDOWN_TIMEOUT",
          "20s",
          "On SIGTERM, how long requests in flight may take to finish before they are cut (their received bytes are kept)");
  public static final ConfigOption MIN_FREE_SPACE =
      new ConfigOption(
          "server.min-free-space",
          "UPLOADS_MIN_FREE_SPACE",
          "512MiB",
          "Below this much free space on any directory the server writes (data, upload dir, finals), /readyz fails and new uploads get 507");
  public static final ConfigOption DATA_DIR =
      new ConfigOption(
          "storage.data-dir", "UPLOADS_DATA_DIR", "./data", "Directory for the database and files");
  public static final ConfigOption UPLOAD_DIR =
      new ConfigOption(
          "storage.upload-dir",
          "UPLOAD_TMP_DIR",
          DATA_DIR_PLACEHOLDER + "/uploads",
          "Directory for the bytes of uploads");
  public static final ConfigOption FSYNC =
      new ConfigOption(
          "storage.fsync",
          "UPLOADS_FSYNC",
          "true",
          "Force bytes to disk before an offset is acknowledged");
  public static final ConfigOption STORAGE_PROVIDER =
      new ConfigOption(
          "storage.provider",
          "UPLOADS_STORAGE_PROVIDER",
          "local",
          "Where finished uploads go: local (<data-dir>/finals) or gcs");
  public static final ConfigOption IN_PROGRESS =
      new ConfigOption(
          "storage.in-progress",
          "UPLOADS_IN_PROGRESS",
          "local",
          "Where the bytes of unfinished uploads live: local (storage.upload-dir; several nodes need it shared) or gcs (part objects in the bucket, no shared directory; needs storage.provider=gcs)");
  public static final ConfigOption PUBLIC_FINALS =
      new ConfigOption(
          "storage.public-finals",
          "UPLOADS_PUBLIC_FINALS",
          "true",
          "Let anyone GET a completed upload at /files/<id> and its renditions without credentials, cacheable, as the old service's public blobs (false: owner only)");
  public static final ConfigOption GCS_BUCKET =
      new ConfigOption("gcs.bucket", "UPLOADS_GCS_BUCKET", "", "GCS bucket, with storage.provider=gcs");
  public static final ConfigOption GCS_PREFIX =
      new ConfigOption("gcs.prefix", "UPLOADS_GCS_PREFIX", "", "Object name prefix in the bucket");
  public static final ConfigOption GCS_CREDENTIALS =
      new ConfigOption(
          "gcs.credentials-file",
          "GOOGLE_APPLICATION_CREDENTIALS",
          "",
          "Service-account key file; application-default credentials when empty");
  public static final ConfigOption GCS_ENDPOINT =
      new ConfigOption(
          "gcs.endpoint",
          "UPLOADS_GCS_ENDPOINT",
          "",
          "JSON API host of a GCS emulator or test server (http://host:port), sent no credentials; Google's when empty");
  public static final ConfigOption DATABASE_URL =
      new ConfigOption(
          "database.url",
          "DATABASE_URL",
          "jdbc:h2:file:" + DATA_DIR_PLACEHOLDER + "/db/uploads;WRITE_DELAY=0",
          "JDBC URL: jdbc:h2:... (default, embedded), jdbc:postgresql://host/db, or postgres(ql)://user:password@host/db (Prisma's form; its ?schema= is the app's and ignored)");
  public static final ConfigOption DATABASE_SCHEMA =
      new ConfigOption(
          "database.schema",
          "UPLOADS_DATABASE_SCHEMA",
          "xeadline_uploads",
          "Schema holding all of the server's tables (created, and migrated by Flyway, there); nothing outside it is written, so the app's database can be shared");
  public static final ConfigOption DATABASE_USER =
      new ConfigOption("database.user", "DATABASE_USER", "", "Database user");
  public static final ConfigOption DATABASE_PASSWORD =
      new ConfigOption(
          "database.password", "DATABASE_PASSWORD", "", "Database password (never logged)");
  public static final ConfigOption DATABASE_POOL_SIZE =
      new ConfigOption(
          "database.pool-size", "DATABASE_POOL_SIZE", "10", "Maximum database connections (and 4 more: 2 for lookups by id, 2 for HEAD alone, so that HEAD never waits behind writes nor other lookups)");
  public static final ConfigOption MAX_SIZE =
      new ConfigOption(
          "tus.max-size", "UPLOADS_MAX_SIZE", "500MiB", "Largest upload accepted (Tus-Max-Size)");
  public static final ConfigOption EXPIRATION =
      new ConfigOption(
          "tus.expiration",
          "UPLOADS_EXPIRATION",
          "24h",
          "An unfinished upload idle for this long expires (Upload-Expires) and is removed");
  public static final ConfigOption LOCK_WAIT =
      new ConfigOption(
          "tus.lock-wait",
          "UPLOADS_LOCK_WAIT",
          "2s",
          "How long a PATCH or DELETE waits for another request on the same upload before 423");
  public static final ConfigOption CHECKPOINT =
      new ConfigOption(
          "tus.checkpoint",
          "UPLOADS_CHECKPOINT",
          "64MiB",
          "Within one PATCH, make the offset durable every so many bytes (a crash makes a client re-send at most twice this)");
  public static final ConfigOption ALLOWED_TYPES =
      new ConfigOption(
          "uploads.allowed-types",
          "UPLOADS_ALLOWED_TYPES",
          "video/mp4,video/quicktime,video/webm",
          "Comma-separated media types an upload may declare (tus filetype, JSON contentType)");
  public static final ConfigOption VERIFY_CONTENT =
      new ConfigOption(
          "uploads.verify-content",
          "UPLOADS_VERIFY_CONTENT",
          "true",
          "Check an upload's first bytes against its declared video type (ftyp box, EBML header)");
  public static final ConfigOption MAX_CHUNK =
      new ConfigOption(
          "api.max-chunk-size",
          "UPLOADS_MAX_CHUNK_SIZE",
          "50MiB",
          "Largest chunk the JSON API's upload-chunk accepts");
  public static final ConfigOption AUTH_MODE =
      new ConfigOption(
          "auth.mode",
          "UPLOADS_AUTH_MODE",
          "jwt",
          "jwt: every route but probes and health needs a Bearer token; none: open (local demos only)");
  public static final ConfigOption AUTH_SECRET =
      new ConfigOption(
          "auth.hmac-secret",
          "UPLOADS_AUTH_SECRET",
          "",
          "HMAC secret for HS256/384/512 tokens (at least 32 bytes); generated into the data directory when neither this nor a JWKS file is set");
  public static final ConfigOption AUTH_JWKS =
      new ConfigOption(
          "auth.jwks-file", "UPLOADS_AUTH_JWKS_FILE", "", "Local JWKS file of public keys for RS256 / ES256 / EdDSA tokens");
  public static final ConfigOption AUTH_ISSUER =
      new ConfigOption("auth.issuer", "UPLOADS_AUTH_ISSUER", "", "Required iss claim, when set");
  public static final ConfigOption AUTH_AUDIENCE =
      new ConfigOption("auth.audience", "UPLOADS_AUTH_AUDIENCE", "", "Required aud claim, when set");
  public static final ConfigOption AUTH_SKEW =
      new ConfigOption(
          "auth.clock-skew", "UPLOADS_AUTH_CLOCK_SKEW", "30s", "Tolerance for exp and nbf");
  public static final ConfigOption NEXTAUTH_SECRET =
      new ConfigOption(
          "auth.nextauth-secret",
          "NEXTAUTH_SECRET",
          "",
          "The app's NEXTAUTH_SECRET: accept its next-auth v4 / Auth.js v5 session cookies (and the same tokens as Bearer); the user id is their sub");
  public static final ConfigOption NEXTAUTH_SESSIONS_URL =
      new ConfigOption(
          "auth.nextauth-sessions-url",
          "UPLOADS_NEXTAUTH_SESSIONS_URL",
          "",
          "For next-auth's database sessions: the app's PostgreSQL (postgresql://user:password@host/db?schema=public, or jdbc:postgresql:), whose Session table is read (never written)");
  public static final ConfigOption QUOTA_UPLOADS =
      new ConfigOption(
          "quota.uploads-per-day",
          "UPLOADS_QUOTA_PER_DAY",
          "10",
          "Uploads a signed-in user may create per UTC day");
  public static final ConfigOption QUOTA_BYTES =
      new ConfigOption(
          "quota.bytes",
          "UPLOADS_QUOTA_BYTES",
          "1GiB",
          "Bytes a signed-in user may hold: finished uploads plus the declared length of unfinished ones");
  public static final ConfigOption LIMIT_CREATIONS =
      new ConfigOption(
          "limits.creations",
          "UPLOADS_LIMIT_CREATIONS",
          "30/1m",
          "Upload creations (tus POST, init-chunked-upload, get-direct-upload-url) per user or client IP, as count/period");
  public static final ConfigOption LIMIT_WRITES =
      new ConfigOption(
          "limits.writes",
          "UPLOADS_LIMIT_WRITES",
          "1200/1m",
          "PATCH and upload-chunk requests per user or client IP");
  public static final ConfigOption LIMIT_PROBES =
      new ConfigOption(
          "limits.probes", "UPLOADS_LIMIT_PROBES", "60/1m", "Network probes per user or client IP");
  public static final ConfigOption HOOKS_URL =
      new ConfigOption(
          "hooks.url",
          "UPLOADS_HOOKS_URL",
          "",
          "HTTP endpoint POSTed a JSON event for each enabled hook (off when empty)");
  public static final ConfigOption HOOKS_EVENTS =
      new ConfigOption(
          "hooks.events",
          "UPLOADS_HOOKS_EVENTS",
          "pre-create,post-receive,post-finish,post-terminate",
          "Hooks to send: pre-create (may refuse), post-receive (throttled), post-finish, post-terminate");
  public static final ConfigOption HOOKS_TIMEOUT =
      new ConfigOption(
          "hooks.timeout", "UPLOADS_HOOKS_TIMEOUT", "5s", "Longest wait for the hook endpoint, per attempt");
  public static final ConfigOption HOOKS_RETRIES =
      new ConfigOption(
          "hooks.retries", "UPLOADS_HOOKS_RETRIES", "2", "Extra attempts for post-* hooks that fail");
  public static final ConfigOption CORS_ORIGINS =
      new ConfigOption(
          "cors.allowed-origins",
          "UPLOADS_CORS_ORIGINS",
          "*",
          "Comma-separated browser origins allowed to call the server, or *");
  public static final ConfigOption FFMPEG =
      new ConfigOption(
          "video.ffmpeg",
          "UPLOADS_FFMPEG",
          "",
          "ffmpeg binary for transcoding; empty: ffmpeg on the PATH, else the static ffmpeg built into the jar (x86-64 Linux)");
  public static final ConfigOption FFPROBE =
      new ConfigOption(
          "video.ffprobe",
          "UPLOADS_FFPROBE",
          "",
          "ffprobe binary for probing; empty: ffprobe on the PATH, else the ffmpeg bundled in the jar (its input summary)");
  public static final ConfigOption VIDEO_PROBE =
      new ConfigOption(
          "video.probe",
          "UPLOADS_VIDEO_PROBE",
          "true",
          "Probe every finished video/* upload into a video_metadata row; unreadable videos are marked failed");
  public static final ConfigOption RENDITIONS =
      new ConfigOption(
          "video.renditions",
          "UPLOADS_VIDEO_RENDITIONS",
          "",
          "Renditions to transcode each probed video into, as name:WIDTHxHEIGHT@BITRATE, comma-separated (e.g. 360p:640x360@800k,720p:1280x720@2500k); empty: off");
  public static final ConfigOption JOB_WORKERS =
      new ConfigOption(
          "jobs.workers", "UPLOADS_JOBS_WORKERS", "auto", "Background job workers (probe, transcode); auto: half the cores, at least one");
  public static final ConfigOption JOB_ATTEMPTS =
      new ConfigOption(
          "jobs.max-attempts", "UPLOADS_JOBS_MAX_ATTEMPTS", "3", "Attempts of a job before it is failed for good");
  public static final ConfigOption JOB_BACKOFF =
      new ConfigOption(
          "jobs.retry-backoff", "UPLOADS_JOBS_RETRY_BACKOFF", "30s", "Wait before the first retry of a failed job; doubles each attempt");
  public static final ConfigOption JOB_LEASE =
      new ConfigOption(
          "jobs.lease",
          "UPLOADS_JOBS_LEASE",
          "60s",
          "How long a claimed job stays claimed without a heartbeat: a worker that died frees its job after this");
  public static final ConfigOption CLEANUP_INTERVAL =
      new ConfigOption(
          "cleanup.interval",
          "UPLOADS_CLEANUP_INTERVAL",
          "1h",
          "How often abandoned uploads (unfinished, idle longer than tus.expiration) and orphaned files are removed");
  public static final ConfigOption NODE_ID =
      new ConfigOption(
          "node.id",
          "UPLOADS_NODE_ID",
          "",
          "This node's name in logs, metrics and cluster locks; generated (node-<random>) when empty");
  public static final ConfigOption LOCK_LEASE =
      new ConfigOption(
          "cluster.lock-lease",
          "UPLOADS_LOCK_LEASE",
          "10s",
          "On PostgreSQL, how long an upload's write lock outlives a node that died holding it");

  public static final List<ConfigOption> ALL =
      List.of(
          HOST,
          PORT,
          IDLE_TIMEOUT,
          HEADER_TIMEOUT,
          START_WAIT,
          MIN_BODY_RATE,
          TRUST_PROXY,
          BENCH_ENDPOINT,
          SHUTDOWN_TIMEOUT,
          MIN_FREE_SPACE,
          DATA_DIR,
          UPLOAD_DIR,
          FSYNC,
          STORAGE_PROVIDER,
          IN_PROGRESS,
          PUBLIC_FINALS,
          GCS_BUCKET,
          GCS_PREFIX,
          GCS_CREDENTIALS,
          GCS_ENDPOINT,
          DATABASE_URL,
          DATABASE_USER,
          DATABASE_PASSWORD,
          DATABASE_POOL_SIZE,
          DATABASE_SCHEMA,
          MAX_SIZE,
          EXPIRATION,
          LOCK_WAIT,
          CHECKPOINT,
          ALLOWED_TYPES,
          VERIFY_CONTENT,
          MAX_CHUNK,
          AUTH_MODE,
          AUTH_SECRET,
          AUTH_JWKS,
          AUTH_ISSUER,
          AUTH_AUDIENCE,
          AUTH_SKEW,
          NEXTAUTH_SECRET,
          NEXTAUTH_SESSIONS_URL,
          QUOTA_UPLOADS,
          QUOTA_BYTES,
          LIMIT_CREATIONS,
          LIMIT_WRITES,
          LIMIT_PROBES,
          HOOKS_URL,
          HOOKS_EVENTS,
          HOOKS_TIMEOUT,
          HOOKS_RETRIES,
          CORS_ORIGINS,
          FFMPEG,
          FFPROBE,
          VIDEO_PROBE,
          RENDITIONS,
          JOB_WORKERS,
          JOB_ATTEMPTS,
          JOB_BACKOFF,
          JOB_LEASE,
          CLEANUP_INTERVAL,
          NODE_ID,
          LOCK_LEASE);

  public boolean isSecret() {
    return this == DATABASE_PASSWORD || this == AUTH_SECRET || this == NEXTAUTH_SECRET || this == NEXTAUTH_SESSIONS_URL;
  }
}
