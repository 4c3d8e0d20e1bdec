package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.xeadline.uploads.server.storage.LocalStorageProvider;
import com.xeadline.uploads.storage.StorageProviders;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The port answers while the server is still starting: tus discovery (the same answer as once
 * ready), /livez, a not-ready /readyz; everything else waits for the start, up to
 * server.start-wait, then 503. (That the start-up repair ends first: CrashRecoveryIT.)
 */
class StartupTest {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void discoveryAndLivenessAnswerAtOnceAndTheRestWaitsForTheStart(@TempDir Path dir) throws Exception {
    CountDownLatch hold = new CountDownLatch(1);
    UploadsApp app = UploadsApp.begin(TestServer.config(dir), Clock.systemUTC(), () -> {
      hold.await(); // the start cannot go past the parts until the test lets it
      return new StorageProviders(local(dir), List.of());
    }, new StartupPhases());
    try {
      URI base = app.baseUri();
      HttpResponse<String> starting = options(base);
      assertThat(starting.statusCode()).isEqualTo(204);
      assertThat(starting.headers().firstValue("Tus-Version")).hasValue("1.0.0");
      assertThat(get(base, "/livez").statusCode()).isEqualTo(200);
      HttpResponse<String> notReady = get(base, "/readyz");
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body()).contains("starting");
      CompletableFuture<HttpResponse<String>> creation = http.sendAsync(post(base, "/files/"), HttpResponse.BodyHandlers.ofString());
      Thread.sleep(500);
      assertThat(creation).isNotDone();

      hold.countDown();
      assertThat(creation.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
      app.awaitReady();
      assertThat(get(base, "/readyz").statusCode()).isEqualTo(200);
      assertThat(withoutPerRequest(options(base).headers())).isEqualTo(withoutPerRequest(starting.headers()));
    } finally {
      hold.countDown();
      app.close();
    }
  }

  @Test
  void pastTheStartWaitA503WithRetryAfterInEachRoutesFormat(@TempDir Path dir) throws Exception {
    CountDownLatch hold = new CountDownLatch(1);
    UploadsApp app = UploadsApp.begin(TestServer.config(dir, "--server.start-wait=200ms"), Clock.systemUTC(), () -> {
      hold.await();
      return new StorageProviders(local(dir), List.of());
    }, new StartupPhases());
    try {
      URI base = app.baseUri();
      HttpResponse<String> tus = http.send(post(base, "/files/"), HttpResponse.BodyHandlers.ofString());
      assertThat(tus.statusCode()).isEqualTo(503);
      assertThat(tus.headers().firstValue("Retry-After")).isPresent();
      assertThat(tus.headers().firstValue("Tus-Resumable")).hasValue("1.0.0");
      assertThat(tus.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
      HttpResponse<String> api = http.send(
          HttpRequest.newBuilder(base.resolve("/api/storage/usage")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(api.statusCode()).isEqualTo(503);
      assertThat(api.headers().firstValue("Retry-After")).isPresent();
      assertThat(api.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(api.body()).contains("\"status\":503").contains("\"error\":");
    } finally {
      hold.countDown();
      app.close();
    }
  }

  private static LocalStorageProvider local(Path dir) throws IOException {
    return new LocalStorageProvider(dir.resolve("finals"));
  }

  private HttpResponse<String> options(URI base) throws Exception {
    return http.send(
        HttpRequest.newBuilder(base.resolve("/files/")).method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(URI base, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest post(URI base, String path) {
    return HttpRequest.newBuilder(base.resolve(path))
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", "3")
        .POST(HttpRequest.BodyPublishers.noBody())
        .build();
  }

  /** Every header but the two that differ on every response (Date, X-Request-Id). */
  private static Map<String, List<String>> withoutPerRequest(HttpHeaders headers) {
    Map<String, List<String>> kept = new TreeMap<>(headers.map());
    kept.remove("date");
    kept.remove("x-request-id");
    assertThat(headers.firstValue("X-Request-Id")).isPresent();
    return kept;
  }
}
