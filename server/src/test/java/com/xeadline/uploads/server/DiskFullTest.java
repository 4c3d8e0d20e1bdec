package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A full disk is the server's failure, not the client's: the PATCH gets 507 with the offset that
 * is kept (never a bare 200), and new uploads are refused while space is short.
 */
class DiskFullTest {
  @Test
  void aPatchThatRunsOutOfSpaceAnswers507WithTheKeptOffsetAndResumesLater() throws Exception {
    byte[] source = TestServer.randomBytes(512 * 1024, 7);
    try (TestServer server = TestServer.start()) {
      String location = server.create(source.length);
      Path file = server.dataDir.resolve("uploads").resolve(location.substring(location.lastIndexOf('/') + 1) + ".bin");
      // The kernel's own "No space left on device": every write to /dev/full fails with ENOSPC.
      Files.delete(file);
      Files.createSymbolicLink(file, Path.of("/dev/full"));

      HttpResponse<String> full = server.patch(location, 0, source);
      assertThat(full.statusCode()).isEqualTo(507);
      assertThat(full.headers().firstValue("Upload-Offset")).hasValue("0");
      assertThat(full.headers().firstValue("Tus-Resumable")).hasValue("1.0.0");

      Files.delete(file); // space is back
      Files.createFile(file);
      HttpResponse<String> resumed = server.patch(location, 0, source);
      assertThat(resumed.statusCode()).isEqualTo(204);
      byte[] downloaded = server.sendForBytes(HttpRequest.newBuilder(server.uri(location)).build()).body();
      assertThat(TestServer.sha256(downloaded)).isEqualTo(TestServer.sha256(source));
    }
  }

  @Test
  void creationsAreRefusedWith507AndReadyzNamesEveryShortDirectory() throws Exception {
    try (TestServer starved = TestServer.start("--server.min-free-space=1000000GiB")) {
      HttpResponse<String> tus =
          starved.send(starved.tus("/files/").header("Upload-Length", "10").POST(HttpRequest.BodyPublishers.noBody()).build());
      assertThat(tus.statusCode()).isEqualTo(507);

      HttpResponse<String> json =
          starved.send(
              HttpRequest.newBuilder(starved.uri("/api/storage/init-chunked-upload"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(
                      "{\"fileName\":\"a.mp4\",\"fileSize\":10,\"contentType\":\"video/mp4\",\"totalChunks\":1}"))
                  .build());
      assertThat(json.statusCode()).isEqualTo(507);

      HttpResponse<String> ready = starved.send(HttpRequest.newBuilder(starved.uri("/readyz")).build());
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body())
          .contains("\"freeSpace.data\":false")
          .contains("\"freeSpace.uploads\":false")
          .contains("\"freeSpace.finals\":false");
    }
  }
}
