package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM lets a PATCH in flight finish, commits it, and exits 0. */
class SigtermIT {
  @TempDir Path dataDir;

  @Test
  void aPatchInFlightFinishesAndTheServerExitsCleanly() throws Exception {
    byte[] source = TestServer.randomBytes(4 * 1024 * 1024, 60);
    HttpClient http = HttpClient.newHttpClient();
    String path;
    try (ChildServer server = ChildServer.start(dataDir, "--server.shutdown-timeout=20s")) {
      HttpResponse<String> created =
          http.send(HttpRequest.newBuilder(server.base().resolve("/files/")).header("Tus-Resumable", "1.0.0")
              .header("Upload-Length", Integer.toString(source.length)).POST(HttpRequest.BodyPublishers.noBody()).build(),
              HttpResponse.BodyHandlers.ofString());
      path = URI.create(created.headers().firstValue("Location").orElseThrow()).getPath();
      try (RawPatch patch = new RawPatch(server.base().resolve(path), 0, source.length)) {
        patch.send(source, 0, 1024 * 1024);
        // The PATCH is in the server's hands once its first bytes are in the upload's file.
        Path bytes = dataDir.resolve("uploads").resolve(path.substring(path.lastIndexOf('/') + 1) + ".bin");
        Poll.until("the first bytes are written", () -> Files.exists(bytes) && Files.size(bytes) > 0);
        server.process.destroy(); // SIGTERM
        // Draining has begun once the listener is closed; the PATCH in flight must still finish.
        Poll.until("the server stops accepting connections", server::refusesConnections);
        patch.send(source, 1024 * 1024, source.length - 1024 * 1024);
        assertThat(patch.status()).isEqualTo(204);
      }
      assertThat(server.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(server.process.exitValue()).isZero();
    }
    try (ChildServer again = ChildServer.start(dataDir)) {
      HttpResponse<byte[]> download =
          http.send(HttpRequest.newBuilder(again.base().resolve(path)).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(download.statusCode()).isEqualTo(200);
      assertThat(TestServer.sha256(download.body())).isEqualTo(TestServer.sha256(source));
    }
  }
}
