package com.xeadline.uploads.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** One method per section of {@link UploadsConfig}: each reads its keys and records its problems. */
final class ConfigSections {
  private ConfigSections() {}

  /** server.*: the listener and its timeouts. */
  static UploadsConfig.Server server(Values v) {
    return new UploadsConfig.Server(
            v.get(ConfigOption.HOST, String::trim, "0.0.0.0"),
            v.get(ConfigOption.PORT, ConfigValues::parsePort, 1080),
            v.positiveDuration(ConfigOption.IDLE_TIMEOUT),
            v.positiveDuration(ConfigOption.HEADER_TIMEOUT),
            v.get(ConfigOption.MIN_BODY_RATE, ConfigValues::parseSize, 1024L),
            v.get(ConfigOption.TRUST_PROXY, ConfigValues::parseBoolean, false),
            v.get(ConfigOption.BENCH_ENDPOINT, ConfigValues::parseBoolean, false),
            v.positiveDuration(ConfigOption.SHUTDOWN_TIMEOUT),
            v.get(ConfigOption.MIN_FREE_SPACE, ConfigValues::parseSize, 512L << 20),
            v.positiveDuration(ConfigOption.START_WAIT));
  }

  /** storage.*: where uploads and finals live. */
  static UploadsConfig.Storage storage(Map<String, String> raw, Values v, Path dataDir, Function<String, String> expand) {
    return new UploadsConfig.Storage(
            dataDir.toAbsolutePath().normalize(),
            v.get(ConfigOption.UPLOAD_DIR, s -> Path.of(expand.apply(s)).toAbsolutePath().normalize(), dataDir.resolve("uploads")),
            v.get(ConfigOption.FSYNC, ConfigValues::parseBoolean, true),
            v.get(ConfigOption.PUBLIC_FINALS, ConfigValues::parseBoolean, true),
            gcs(raw, v));
  }

  /** database.*: a jdbc:h2:, jdbc:postgresql: or postgres:// URL, pool and schema. */
  static UploadsConfig.Database database(Map<String, String> raw, Values v, Function<String, String> expand) {
    String url = expand.apply(raw.get(ConfigOption.DATABASE_URL.key()).trim());
    String dbUser = raw.get(ConfigOption.DATABASE_USER.key());
    String dbPassword = raw.get(ConfigOption.DATABASE_PASSWORD.key());
    if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
      try {
        PostgresUrl parsed = PostgresUrl.parse(url);
        url = parsed.jdbcUrl();
        dbUser = dbUser.isEmpty() ? parsed.user() : dbUser;
        dbPassword = dbPassword.isEmpty() ? parsed.password() : dbPassword;
      } catch (IllegalArgumentException e) {
        v.problems().add(ConfigOption.DATABASE_URL.key() + ": not a valid postgres://user:password@host:port/database URL");
        url = "jdbc:postgresql://invalid/";
      }
    }
    if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
      v.problems().add(
          ConfigOption.DATABASE_URL.key()
              + " = '"
              + url
              + "': must start with jdbc:h2:, jdbc:postgresql: or postgres://");
    }
    int poolSize = v.get(ConfigOption.DATABASE_POOL_SIZE, Integer::parseInt, 10);
    if (poolSize < 1) {
      v.problem(ConfigOption.DATABASE_POOL_SIZE, "must be at least 1");
    }
    String schema = raw.get(ConfigOption.DATABASE_SCHEMA.key()).trim();
    if (!schema.matches("[a-z_][a-z0-9_]{0,62}")) {
      v.problem(ConfigOption.DATABASE_SCHEMA, "must be a lower-case SQL name (letters, digits, _)");
    }
    return new UploadsConfig.Database(url, dbUser, new Secret(dbPassword), poolSize, schema);
  }

  /** tus.*: size, expiry, lock wait, checkpoints. */
  static UploadsConfig.Tus tus(Values v) {
    long maxSize = v.get(ConfigOption.MAX_SIZE, ConfigValues::parseSize, 1L);
    if (maxSize < 1) {
      v.problem(ConfigOption.MAX_SIZE, "must be at least 1 byte");
    }
    long checkpoint = v.get(ConfigOption.CHECKPOINT, ConfigValues::parseSize, 1L << 26);
    if (checkpoint < 64 * 1024) {
      v.problem(ConfigOption.CHECKPOINT, "must be at least 64KiB");
    }
    return new UploadsConfig.Tus(
            maxSize,
            v.positiveDuration(ConfigOption.EXPIRATION),
            v.positiveDuration(ConfigOption.LOCK_WAIT),
            checkpoint);
  }

  /** rules.*: allowed types, content check, chunk size. */
  static UploadsConfig.Rules rules(Map<String, String> raw, Values v) {
    List<String> types = commaList(raw.get(ConfigOption.ALLOWED_TYPES.key()));
    for (String type : types) {
      if (!type.matches("[\\w.+-]+/[\\w.+-]+")) {
        v.problem(ConfigOption.ALLOWED_TYPES, "'" + type + "' is not a media type like video/mp4");
      }
    }
    if (types.isEmpty()) {
      v.problem(ConfigOption.ALLOWED_TYPES, "must list at least one media type");
    }
    long maxChunk = v.get(ConfigOption.MAX_CHUNK, ConfigValues::parseSize, 50L << 20);
    if (maxChunk < 1) {
      v.problem(ConfigOption.MAX_CHUNK, "must be at least 1 byte");
    }
    return new UploadsConfig.Rules(
            types, v.get(ConfigOption.VERIFY_CONTENT, ConfigValues::parseBoolean, true), maxChunk);
  }

  /** auth.*: JWT keys, next-auth sessions. */
  static UploadsConfig.Auth auth(Map<String, String> raw, Values v) {
    String mode = raw.get(ConfigOption.AUTH_MODE.key()).trim();
    if (!mode.equals("jwt") && !mode.equals("none")) {
      v.problem(ConfigOption.AUTH_MODE, "must be jwt or none");
    }
    Secret secret = new Secret(raw.get(ConfigOption.AUTH_SECRET.key()));
    if (!secret.isEmpty() && secret.value().getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
      v.problem(ConfigOption.AUTH_SECRET, "must be at least 32 bytes for HS256");
    }
    String jwks = raw.get(ConfigOption.AUTH_JWKS.key()).trim();
    if (!jwks.isEmpty() && !java.nio.file.Files.isReadable(Path.of(jwks))) {
      v.problem(ConfigOption.AUTH_JWKS, "cannot be read");
    }
    if (!jwks.isEmpty() && !secret.isEmpty()) {
      v.problem(ConfigOption.AUTH_JWKS, "set either auth.hmac-secret or auth.jwks-file, not both");
    }
    return new UploadsConfig.Auth(
            mode.equals("none"),
            secret,
            jwks.isEmpty() ? null : Path.of(jwks).toAbsolutePath(),
            raw.get(ConfigOption.AUTH_ISSUER.key()).trim(),
            raw.get(ConfigOption.AUTH_AUDIENCE.key()).trim(),
            v.get(ConfigOption.AUTH_SKEW, ConfigValues::parseDuration, java.time.Duration.ofSeconds(30)),
            new Secret(raw.get(ConfigOption.NEXTAUTH_SECRET.key())),
            sessionsDb(raw.get(ConfigOption.NEXTAUTH_SESSIONS_URL.key()).trim(), v));
  }

  /** limits.*: rates and quotas. */
  static UploadsConfig.Limits limits(Values v) {
    UploadsConfig.Rate fallbackRate = new UploadsConfig.Rate(1, java.time.Duration.ofMinutes(1));
    return new UploadsConfig.Limits(
            v.get(ConfigOption.LIMIT_CREATIONS, ConfigValues::parseRate, fallbackRate),
            v.get(ConfigOption.LIMIT_WRITES, ConfigValues::parseRate, fallbackRate),
            v.get(ConfigOption.LIMIT_PROBES, ConfigValues::parseRate, fallbackRate),
            v.get(ConfigOption.QUOTA_UPLOADS, Integer::parseInt, 10),
            v.get(ConfigOption.QUOTA_BYTES, ConfigValues::parseSize, 1L << 30));
  }

  /** hooks.*: where and which events go. */
  static UploadsConfig.Hooks hooks(Map<String, String> raw, Values v) {
    String hookUrl = raw.get(ConfigOption.HOOKS_URL.key()).trim();
    java.net.URI hookUri = null;
    if (!hookUrl.isEmpty()) {
      if (!hookUrl.matches("https?://\\S+")) {
        v.problem(ConfigOption.HOOKS_URL, "must be an http(s) URL");
      } else {
        hookUri = java.net.URI.create(hookUrl);
      }
    }
    List<String> hookEvents = commaList(raw.get(ConfigOption.HOOKS_EVENTS.key()));
    for (String event : hookEvents) {
      if (!List.of("pre-create", "post-receive", "post-finish", "post-terminate").contains(event)) {
        v.problem(ConfigOption.HOOKS_EVENTS, "'" + event + "' is not a hook");
      }
    }
    return new UploadsConfig.Hooks(
            hookUri,
            hookEvents,
            v.positiveDuration(ConfigOption.HOOKS_TIMEOUT),
            v.get(ConfigOption.HOOKS_RETRIES, Integer::parseInt, 2));
  }

  /** cors.*: the allowed origins. */
  static UploadsConfig.Cors cors(Map<String, String> raw, Values v) {
    List<String> origins = commaList(raw.get(ConfigOption.CORS_ORIGINS.key()));
    for (String origin : origins) {
      if (!origin.equals("*") && !origin.matches("https?://[^/\\s]+")) {
        v.problem(ConfigOption.CORS_ORIGINS, "'" + origin + "' is not an origin like https://example.com");
      }
    }
    if (origins.isEmpty()) {
      v.problem(ConfigOption.CORS_ORIGINS, "must list at least one origin, or *");
    }
    return new UploadsConfig.Cors(origins);
  }

  static UploadsConfig.Cluster cluster(Map<String, String> raw, Values v) {
    String node = raw.get(ConfigOption.NODE_ID.key()).trim();
    if (node.isEmpty()) {
      // Only needs to differ between the nodes of one cluster; a SecureRandom's set-up (the security
      // providers) was on the way to the bound port.
      node = "node-" + java.util.HexFormat.of().toHexDigits(java.util.concurrent.ThreadLocalRandom.current().nextInt());
    } else if (!node.matches("[A-Za-z0-9._-]{1,64}")) {
      v.problem(ConfigOption.NODE_ID, "must be 1 to 64 letters, digits, '.', '_' or '-'");
    }
    return new UploadsConfig.Cluster(node, v.positiveDuration(ConfigOption.LOCK_LEASE));
  }

  static UploadsConfig.Video video(Map<String, String> raw, Values v) {
    String ffmpeg = raw.get(ConfigOption.FFMPEG.key()).trim();
    String ffprobe = raw.get(ConfigOption.FFPROBE.key()).trim();
    List<UploadsConfig.Rendition> renditions = new java.util.ArrayList<>();
    for (String spec : commaList(raw.get(ConfigOption.RENDITIONS.key()))) {
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("([A-Za-z0-9_-]{1,32}):(\\d{2,5})x(\\d{2,5})@(\\d+(?:[kKmM])?)").matcher(spec);
      if (!m.matches()) {
        v.problem(ConfigOption.RENDITIONS, "'" + spec + "' is not name:WIDTHxHEIGHT@BITRATE like 360p:640x360@800k");
        continue;
      }
      int width = Integer.parseInt(m.group(2));
      int height = Integer.parseInt(m.group(3));
      if (width % 2 != 0 || height % 2 != 0) {
        v.problem(ConfigOption.RENDITIONS, "'" + spec + "': H.264 needs an even width and height");
      }
      if (renditions.stream().anyMatch(r -> r.name().equals(m.group(1)))) {
        v.problem(ConfigOption.RENDITIONS, "'" + m.group(1) + "' is named twice");
      }
      renditions.add(new UploadsConfig.Rendition(m.group(1), width, height, bitrate(m.group(4))));
    }
    String workersText = raw.get(ConfigOption.JOB_WORKERS.key()).trim();
    int workers =
        workersText.equals("auto")
            ? Math.max(1, Runtime.getRuntime().availableProcessors() / 2)
            : v.get(ConfigOption.JOB_WORKERS, Integer::parseInt, 1);
    if (workers < 1) {
      v.problem(ConfigOption.JOB_WORKERS, "must be auto or at least 1");
    }
    int attempts = v.get(ConfigOption.JOB_ATTEMPTS, Integer::parseInt, 3);
    if (attempts < 1) {
      v.problem(ConfigOption.JOB_ATTEMPTS, "must be at least 1");
    }
    return new UploadsConfig.Video(
        ffmpeg.isEmpty() ? null : Path.of(ffmpeg),
        ffprobe.isEmpty() ? null : Path.of(ffprobe),
        v.get(ConfigOption.VIDEO_PROBE, ConfigValues::parseBoolean, true),
        List.copyOf(renditions),
        workers,
        attempts,
        v.positiveDuration(ConfigOption.JOB_BACKOFF),
        v.positiveDuration(ConfigOption.JOB_LEASE),
        v.positiveDuration(ConfigOption.CLEANUP_INTERVAL));
  }

  /** 800k, 2M or plain bits per second. */
  static long bitrate(String text) {
    char unit = Character.toLowerCase(text.charAt(text.length() - 1));
    if (unit == 'k' || unit == 'm') {
      return Long.parseLong(text.substring(0, text.length() - 1)) * (unit == 'k' ? 1000 : 1_000_000);
    }
    return Long.parseLong(text);
  }

  static UploadsConfig.Gcs gcs(Map<String, String> raw, Values v) {
    String provider = raw.get(ConfigOption.STORAGE_PROVIDER.key()).trim();
    String inProgress = raw.get(ConfigOption.IN_PROGRESS.key()).trim();
    if (!inProgress.equals("local") && !inProgress.equals("gcs")) {
      v.problem(ConfigOption.IN_PROGRESS, "must be local or gcs");
    } else if (inProgress.equals("gcs") && !provider.equals("gcs")) {
      v.problem(ConfigOption.IN_PROGRESS, "gcs needs storage.provider=gcs (the parts are composed into the final in the same bucket)");
    }
    if (provider.equals("local")) {
      return null;
    }
    if (!provider.equals("gcs")) {
      v.problem(ConfigOption.STORAGE_PROVIDER, "must be local or gcs");
      return null;
    }
    String bucket = raw.get(ConfigOption.GCS_BUCKET.key()).trim();
    if (bucket.isEmpty()) {
      v.problem(ConfigOption.GCS_BUCKET, "is required with storage.provider=gcs");
    }
    String credentials = raw.get(ConfigOption.GCS_CREDENTIALS.key()).trim();
    if (!credentials.isEmpty() && !java.nio.file.Files.isReadable(Path.of(credentials))) {
      v.problem(ConfigOption.GCS_CREDENTIALS, "cannot be read");
    }
    String endpoint = raw.get(ConfigOption.GCS_ENDPOINT.key()).trim();
    if (!endpoint.isEmpty() && !endpoint.matches("https?://[^/?#\\s]+/?")) {
      v.problem(ConfigOption.GCS_ENDPOINT, "must be http(s)://host[:port]");
    }
    return new UploadsConfig.Gcs(
        bucket,
        raw.get(ConfigOption.GCS_PREFIX.key()).trim(),
        credentials.isEmpty() ? null : Path.of(credentials),
        endpoint.isEmpty() ? null : endpoint,
        inProgress.equals("gcs"));
  }

  static List<String> commaList(String text) {
    return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  static UploadsConfig.SessionsDb sessionsDb(String url, Values v) {
    try {
      return url.isEmpty() ? null : PostgresUrl.sessionsDb(url);
    } catch (IllegalArgumentException e) {
      v.problem(ConfigOption.NEXTAUTH_SESSIONS_URL, e.getMessage());
      return null;
    }
  }
}
