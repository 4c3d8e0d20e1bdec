package com.xeadline.uploads.server;

import com.xeadline.uploads.server.storage.LocalStorageProvider;
import com.xeadline.uploads.storage.StorageProviders;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the server in the middle of a PATCH, then a restart on the same data directory: the
 * offset HEAD reports must be backed by correct bytes on disk, and the upload must finish
 * byte-exact.
 */
class CrashRecoveryIT {
  private static final int SIZE = 48 * 1024 * 1024;
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dataDir;

  @Test
  void killedMidPatchResumesFromADurableOffsetToAByteExactFile() throws Exception {
    byte[] source = TestServer.randomBytes(SIZE, 1);
    String path;
    long sent = 0;
    try (ChildServer first = ChildServer.start(dataDir, "--tus.checkpoint=1MiB")) {
      path = URI.create(create(first.base(), SIZE)).getPath();
      RawPatch patch = new RawPatch(first.base().resolve(path), 0, SIZE);
      int piece = 256 * 1024;
      // Send a third of the body, wait until checkpoints have made part of it durable, then kill.
      while (sent < SIZE / 3) {
        patch.send(source, (int) sent, piece);
        sent += piece;
      }
      String at = path;
      Poll.until("4 MiB are checkpointed", () -> offset(first.base(), at) >= 4L * 1024 * 1024);
      first.kill();
      patch.close();
    }

    try (ChildServer second = ChildServer.start(dataDir, "--tus.checkpoint=1MiB")) {
      long offset = offset(second.base(), path);
      assertThat(offset).isGreaterThanOrEqualTo(4L * 1024 * 1024).isLessThanOrEqualTo(sent);
      Path bytes = dataDir.resolve("uploads").resolve(path.substring(path.lastIndexOf('/') + 1) + ".bin");
      byte[] onDisk = Files.readAllBytes(bytes);
      assertThat(onDisk.length).isEqualTo(offset);
      assertThat(Arrays.equals(onDisk, 0, (int) offset, source, 0, (int) offset)).isTrue();

      byte[] rest = Arrays.copyOfRange(source, (int) offset, SIZE);
      HttpResponse<String> resumed = patch(second.base(), path, offset, rest);
      assertThat(resumed.statusCode()).isEqualTo(204);
      assertThat(resumed.headers().firstValue("Upload-Offset")).hasValue(Integer.toString(SIZE));
      byte[] downloaded =
          http.send(HttpRequest.newBuilder(second.base().resolve(path)).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
      assertThat(TestServer.sha256(downloaded)).isEqualTo(TestServer.sha256(source));
    }
  }

  @Test
  void anUnverifiedChecksummedBodyLeavesNoByteBehindAfterAKill() throws Exception {
    byte[] source = TestServer.randomBytes(8 * 1024 * 1024, 2);
    String path;
    try (ChildServer first = ChildServer.start(dataDir, "--tus.checkpoint=64KiB")) {
      path = URI.create(create(first.base(), source.length)).getPath();
      RawPatch patch =
          new RawPatch(first.base().resolve(path), 0, source.length, "Upload-Checksum: sha1 AAAAAAAAAAAAAAAAAAAAAAAAAAA=");
      patch.send(source, 0, source.length / 2);
      // Evidence that the server got the bytes: a MiB of them in the upload's file (written, but
      // not acknowledged while the checksum is unverified), yet still offset 0.
      Path written = dataDir.resolve("uploads").resolve(path.substring(path.lastIndexOf('/') + 1) + ".bin");
      Poll.until("a MiB of the body is in the file", () -> Files.size(written) >= 1024 * 1024);
      assertThat(offset(first.base(), path)).isZero();
      first.kill();
      patch.close();
    }
    try (ChildServer second = ChildServer.start(dataDir)) {
      assertThat(offset(second.base(), path)).isZero();
      Path bytes = dataDir.resolve("uploads").resolve(path.substring(path.lastIndexOf('/') + 1) + ".bin");
      assertThat(Files.size(bytes)).isZero();
      assertThat(patch(second.base(), path, 0, source).statusCode()).isEqualTo(204);
      byte[] downloaded =
          http.send(HttpRequest.newBuilder(second.base().resolve(path)).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
      assertThat(TestServer.sha256(downloaded)).isEqualTo(TestServer.sha256(source));
    }
  }

  @Test
  void aCrashBetweenMovingTheFinalAndRecordingItsKeyIsRepairedAtStart() throws Exception {
    byte[] source = TestServer.randomBytes(3 * 1024 * 1024, 3);
    String path;
    try (ChildServer first = ChildServer.start(dataDir, List.of("-Duploads.crash-at=publish.stored"))) {
      path = URI.create(create(first.base(), source.length)).getPath();
      assertThatThrownBy(() -> patch(first.base(), path, 0, source)).isInstanceOf(java.io.IOException.class);
      assertThat(first.process.waitFor()).isEqualTo(137); // halted after the move, before the key was recorded
    }
    try (ChildServer second = ChildServer.start(dataDir)) {
      assertThat(offset(second.base(), path)).isEqualTo(source.length);
      HttpResponse<byte[]> downloaded =
          http.send(HttpRequest.newBuilder(second.base().resolve(path)).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(downloaded.statusCode()).isEqualTo(200);
      assertThat(TestServer.sha256(downloaded.body())).isEqualTo(TestServer.sha256(source));
    }
  }

  /**
   * The repair of that crash holds the upload's lock and fixes its row: while it runs (here held at
   * the storage provider), the port answers but no request about uploads is served.
   */
  @Test
  void noUploadRequestIsServedBeforeTheStartUpRepairEnds() throws Exception {
    byte[] source = TestServer.randomBytes(64 * 1024, 4);
    String path;
    try (ChildServer first = ChildServer.start(dataDir, List.of("-Duploads.crash-at=publish.stored"))) {
      path = URI.create(create(first.base(), source.length)).getPath();
      assertThatThrownBy(() -> patch(first.base(), path, 0, source)).isInstanceOf(java.io.IOException.class);
      assertThat(first.process.waitFor()).isEqualTo(137);
    }
    GatedStorage gated = new GatedStorage(new LocalStorageProvider(dataDir.resolve("finals")));
    UploadsApp second = UploadsApp.begin(
        TestServer.config(dataDir), Clock.systemUTC(), () -> new StorageProviders(gated, List.of()), new StartupPhases());
    try {
      assertThat(gated.entered.await(60, TimeUnit.SECONDS)).as("the repair asks the provider").isTrue();
      URI base = second.baseUri();
      CompletableFuture<HttpResponse<String>> head = http.sendAsync(
          HttpRequest.newBuilder(base.resolve(path)).header("Tus-Resumable", "1.0.0")
              .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      CompletableFuture<HttpResponse<String>> creation = http.sendAsync(
          HttpRequest.newBuilder(base.resolve("/files/")).header("Tus-Resumable", "1.0.0").header("Upload-Length", "1")
              .POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      // Long enough for the rest of the start (the routes, the JSON API) to be done meanwhile.
      for (int i = 0; i < 50; i++) {
        Thread.sleep(100);
        assertThat(head).as("HEAD answered during the repair").isNotDone();
        assertThat(creation).as("POST answered during the repair").isNotDone();
      }

      gated.release();
      assertThat(head.get(60, TimeUnit.SECONDS).headers().firstValue("Upload-Offset")).hasValue(Integer.toString(source.length));
      assertThat(creation.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
    } finally {
      gated.release();
      second.close();
    }
  }

  private String create(URI base, long length) throws Exception {
    HttpResponse<String> created =
        http.send(
            HttpRequest.newBuilder(base.resolve("/files/"))
                .header("Tus-Resumable", "1.0.0")
                .header("Upload-Length", Long.toString(length))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).isEqualTo(201);
    return created.headers().firstValue("Location").orElseThrow();
  }

  private long offset(URI base, String path) throws Exception {
    HttpResponse<String> head =
        http.send(
            HttpRequest.newBuilder(base.resolve(path))
                .header("Tus-Resumable", "1.0.0")
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(head.statusCode()).isEqualTo(200);
    return Long.parseLong(head.headers().firstValue("Upload-Offset").orElseThrow());
  }

  private HttpResponse<String> patch(URI base, String path, long offset, byte[] body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(base.resolve(path))
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Offset", Long.toString(offset))
            .header("Content-Type", "application/offset+octet-stream")
            .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
