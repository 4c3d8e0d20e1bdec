package com.xeadline.uploads.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The whole configuration of one server process: immutable, validated once at start-up. */
public record UploadsConfig(
    Server server,
    Storage storage,
    Database database,
    Tus tus,
    Rules rules,
    Auth auth,
    Limits limits,
    Hooks hooks,
    Cors cors,
    Video video,
    Cluster cluster) {

  /** Several nodes on one PostgreSQL: this node's name and the lease of its write locks. */
  public record Cluster(String nodeId, Duration lockLease) {}

  public record Server(
      String host,
      int port,
      Duration idleTimeout,
      Duration headerTimeout,
      long minBodyRate,
      boolean trustProxy,
      boolean benchEndpoint,
      Duration shutdownTimeout,
      long minFreeSpace,
      Duration startWait) {}

  /**
   * {@code dataDir} holds everything the server keeps; {@code uploadDir} the bytes of uploads in
   * progress (and, until a storage provider takes them, finished ones).
   */
  public record Storage(Path dataDir, Path uploadDir, boolean fsync, boolean publicFinals, Gcs gcs) {}

  /**
   * Set when storage.provider=gcs; {@code credentialsFile} null means application-default;
   * {@code endpoint} null means Google's (else an emulator's host, which gets no credentials).
   * {@code inProgress}: the bytes of unfinished uploads are part objects in the bucket too
   * (storage.in-progress=gcs), so nodes need no shared directory.
   */
  public record Gcs(String bucket, String prefix, Path credentialsFile, String endpoint, boolean inProgress) {}

  /** {@code schema}: where every table of the server lives (the app's tables are elsewhere). */
  public record Database(String url, String user, Secret password, int poolSize, String schema) {
    public boolean isPostgres() {
      return url.startsWith("jdbc:postgresql:");
    }
  }

  /**
   * {@code checkpointBytes}: during one long PATCH the offset is made durable every so many bytes,
   * so a crash loses at most that much of an acknowledged-in-progress request.
   */
  public record Tus(
      long maxSize, Duration expiration, Duration lockWait, long checkpointBytes) {}

  /**
   * {@code open} is auth.mode=none. Without a secret or a JWKS file, the server generates a
   * secret in the data directory. {@code nextAuthSecret}, when set, also admits the app's
   * next-auth sessions.
   */
  public record Auth(
      boolean open,
      Secret hmacSecret,
      Path jwksFile,
      String issuer,
      String audience,
      Duration clockSkew,
      Secret nextAuthSecret,
      SessionsDb nextAuthSessions) {}

  /** The app's database, read for next-auth's database sessions; {@code schema} holds its Session table. */
  public record SessionsDb(String url, String user, Secret password, String schema) {}

  /** {@code count} requests per {@code period}, refilled continuously. */
  public record Rate(long count, Duration period) {}

  public record Limits(Rate creations, Rate writes, Rate probes, int uploadsPerDay, long quotaBytes) {}

  /** {@code url} null when hooks are off. */
  public record Hooks(java.net.URI url, List<String> events, Duration timeout, int retries) {}

  /** What every upload must satisfy, whichever API creates it. */
  public record Rules(List<String> allowedTypes, boolean verifyContent, long maxChunkSize) {}

  /** {@code allowedOrigins} holds "*" alone when any origin may call. */
  /** Video probing and transcoding, and the background jobs that run them. */
  public record Video(
      Path ffmpeg,
      Path ffprobe,
      boolean probe,
      List<Rendition> renditions,
      int workers,
      int maxAttempts,
      Duration retryBackoff,
      Duration jobLease,
      Duration cleanupInterval) {}

  /** One transcoded output: exactly width x height (scaled down, padded), H.264 at bitrate bits/s. */
  public record Rendition(String name, int width, int height, long bitrate) {}

  public record Cors(List<String> allowedOrigins) {
    public boolean anyOrigin() {
      return allowedOrigins.contains("*");
    }
  }
}
