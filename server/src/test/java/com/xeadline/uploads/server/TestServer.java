package com.xeadline.uploads.server;

import com.xeadline.uploads.config.ConfigLoader;
import com.xeadline.uploads.config.UploadsConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The real server on an ephemeral port with a fresh data directory, for integration tests.
 * {@code flags} are ordinary {@code --key=value} options.
 */
final class TestServer implements AutoCloseable {
  final Path dataDir;
  final UploadsApp app;
  /** A directory this class created is removed at close; one a test passed in is the test's. */
  private final boolean ownsDataDir;
  final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private TestServer(Path dataDir, UploadsApp app, boolean ownsDataDir) {
    this.dataDir = dataDir;
    this.app = app;
    this.ownsDataDir = ownsDataDir;
  }

  static TestServer start(String... flags) throws Exception {
    return start(Clock.systemUTC(), flags);
  }

  /** On a clock the test controls, in a data directory removed at close. */
  static TestServer start(Clock clock, String... flags) throws Exception {
    return start(Files.createTempDirectory("uploads-test"), null, clock, true, flags);
  }

  static TestServer start(Path dataDir, String... flags) throws Exception {
    return start(dataDir, (com.xeadline.uploads.storage.StorageProviders) null, flags);
  }

  /** With {@code providers} instead of the configured storage (null: as configured). */
  static TestServer start(Path dataDir, com.xeadline.uploads.storage.StorageProviders providers, String... flags)
      throws Exception {
    return start(dataDir, providers, Clock.systemUTC(), false, flags);
  }

  /** On a clock the test controls. */
  static TestServer start(Path dataDir, Clock clock, String... flags) throws Exception {
    return start(dataDir, null, clock, false, flags);
  }

  private static TestServer start(
      Path dataDir, com.xeadline.uploads.storage.StorageProviders providers, Clock clock, boolean ownsDataDir, String... flags)
      throws Exception {
    UploadsConfig config = config(dataDir, flags);
    UploadsApp app =
        providers == null ? UploadsApp.start(config, clock) : UploadsApp.start(config, clock, providers);
    return new TestServer(dataDir, app, ownsDataDir);
  }

  /** The configuration these servers run with: {@code flags} over the tests' defaults. */
  static UploadsConfig config(Path dataDir, String... flags) {
    List<String> all = new ArrayList<>();
    all.add("--server.port=0");
    all.add("--server.host=127.0.0.1");
    all.add("--storage.data-dir=" + dataDir);
    // Protocol tests run open; AuthTest switches auth on with its own flags.
    if (List.of(flags).stream().noneMatch(f -> f.startsWith("--auth.mode"))) {
      all.add("--auth.mode=none");
    }
    // Protocol tests send random bytes; ContentCheckTest switches sniffing on.
    if (List.of(flags).stream().noneMatch(f -> f.startsWith("--uploads.verify-content"))) {
      all.add("--uploads.verify-content=false");
    }
    // Generous budgets unless a test is about them (RateLimitTest).
    if (List.of(flags).stream().noneMatch(f -> f.startsWith("--limits."))) {
      all.addAll(List.of("--limits.creations=100000/1m", "--limits.writes=1000000/1m", "--limits.probes=100000/1m"));
    }
    // Protocol tests upload random bytes as video/mp4: probing would (rightly) fail them.
    if (List.of(flags).stream().noneMatch(f -> f.startsWith("--video.probe"))) {
      all.add("--video.probe=false");
    }
    if (List.of(flags).stream().noneMatch(f -> f.startsWith("--jobs.workers"))) {
      all.add("--jobs.workers=1");
    }
    all.addAll(List.of(flags));
    return new ConfigLoader(Map.of()).load(all);
  }

  URI uri(String path) {
    return app.baseUri().resolve(path);
  }

  /** A request builder for {@code path} (or an absolute URL) with Tus-Resumable set. */
  HttpRequest.Builder tus(String pathOrUrl) {
    URI target = pathOrUrl.startsWith("http") ? URI.create(pathOrUrl) : uri(pathOrUrl);
    return HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30)).header("Tus-Resumable", "1.0.0");
  }

  HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<byte[]> sendForBytes(HttpRequest request) throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  /** POST /files/ with Upload-Length; returns the Location. */
  String create(long length, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = tus("/files/").header("Upload-Length", Long.toString(length));
    if (headers.length > 0) {
      b.headers(headers);
    }
    HttpResponse<String> response = send(b.POST(HttpRequest.BodyPublishers.noBody()).build());
    if (response.statusCode() != 201) {
      throw new IllegalStateException("create failed: " + response.statusCode() + " " + response.body());
    }
    return response.headers().firstValue("Location").orElseThrow();
  }

  HttpResponse<String> patch(String location, long offset, byte[] body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        tus(location)
            .header("Upload-Offset", Long.toString(offset))
            .header("Content-Type", "application/offset+octet-stream")
            .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return send(b.build());
  }

  HttpResponse<String> head(String location) throws IOException, InterruptedException {
    return send(tus(location).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
  }

  /** Reproducible pseudo-random bytes: a failing test can be run again with the same data. */
  static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new java.util.Random(seed).nextBytes(bytes);
    return bytes;
  }

  /**
   * The size of an unfinished upload's file (0 before it exists): evidence that the server holds
   * the upload and has written what a PATCH sent so far.
   */
  long bytesOnDisk(String location) throws IOException {
    Path file = dataDir.resolve("uploads").resolve(location.substring(location.lastIndexOf('/') + 1) + ".bin");
    return Files.exists(file) ? Files.size(file) : 0;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws Exception {
    app.close();
    if (ownsDataDir) {
      deleteTree(dataDir);
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
