package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tus.java.client.TusClient;
import io.tus.java.client.TusURLMemoryStore;
import io.tus.java.client.TusUpload;
import io.tus.java.client.TusUploader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official Java client (POST + X-HTTP-Method-Override, chunked bodies) against the server. */
class TusJavaClientTest {
  private static final int SIZE = 6 * 1024 * 1024 + 12345;
  @TempDir Path dir;

  @Test
  void uploadsInChunksAndResumesWithANewClientAfterAnInterruption() throws Exception {
    byte[] source = TestServer.randomBytes(SIZE, 7);
    Path file = dir.resolve("clip.mp4");
    Files.write(file, source);
    try (TestServer server = TestServer.start()) {
      TusURLMemoryStore store = new TusURLMemoryStore();

      TusUploader first = client(server, store).resumeOrCreateUpload(upload(file));
      first.setChunkSize(256 * 1024);
      first.setRequestPayloadSize(1024 * 1024);
      for (int i = 0; i < 10; i++) {
        assertThat(first.uploadChunk()).isPositive();
      }
      first.finish(); // the client stops here, mid-upload
      URI location = first.getUploadURL().toURI();
      long stored = offset(server, location);
      assertThat(stored).isEqualTo(10L * 256 * 1024);

      TusUploader second = client(server, store).resumeOrCreateUpload(upload(file));
      assertThat(second.getUploadURL().toURI()).isEqualTo(location);
      assertThat(second.getOffset()).isEqualTo(stored);
      second.setChunkSize(512 * 1024);
      while (second.uploadChunk() > -1) {
        // keep going
      }
      second.finish();

      HttpResponse<byte[]> download = server.sendForBytes(HttpRequest.newBuilder(location).build());
      assertThat(download.statusCode()).isEqualTo(200);
      assertThat(download.headers().firstValue("Content-Disposition")).get().asString().contains("clip.mp4");
      assertThat(TestServer.sha256(download.body())).isEqualTo(TestServer.sha256(source));
    }
  }

  @Test
  void uploadsAFileOfExactlyWholeChunksAndResumesItInANewUploader() throws Exception {
    // The client ends such a file with an empty PATCH at the final offset, after the upload is
    // already finished and published.
    int chunk = 256 * 1024;
    byte[] source = TestServer.randomBytes(8 * chunk, 11);
    Path file = dir.resolve("whole.mp4");
    Files.write(file, source);
    try (TestServer server = TestServer.start()) {
      TusURLMemoryStore store = new TusURLMemoryStore();
      TusUploader first = client(server, store).resumeOrCreateUpload(upload(file));
      first.setChunkSize(chunk);
      first.setRequestPayloadSize(chunk);
      for (int i = 0; i < 3; i++) {
        assertThat(first.uploadChunk()).isEqualTo(chunk);
      }
      first.finish();
      URI location = first.getUploadURL().toURI();

      TusUploader second = client(server, store).resumeOrCreateUpload(upload(file));
      assertThat(second.getOffset()).isEqualTo(3L * chunk);
      second.setChunkSize(chunk);
      second.setRequestPayloadSize(chunk);
      while (second.uploadChunk() > -1) {
        // keep going
      }
      second.finish();
      assertThat(second.getOffset()).isEqualTo(source.length);

      assertThat(offset(server, location)).isEqualTo(source.length);
      HttpResponse<byte[]> download = server.sendForBytes(HttpRequest.newBuilder(location).build());
      assertThat(TestServer.sha256(download.body())).isEqualTo(TestServer.sha256(source));
    }
  }

  private static TusClient client(TestServer server, TusURLMemoryStore store) throws Exception {
    TusClient client = new TusClient();
    client.setUploadCreationURL(server.uri("/files/").toURL());
    client.enableResuming(store);
    return client;
  }

  private static TusUpload upload(Path file) throws Exception {
    TusUpload upload = new TusUpload(file.toFile());
    upload.setMetadata(Map.of("filename", "clip.mp4", "filetype", "video/mp4"));
    return upload;
  }

  private static long offset(TestServer server, URI location) throws Exception {
    HttpResponse<String> head = server.head(location.toString());
    assertThat(head.statusCode()).isEqualTo(200);
    return Long.parseLong(head.headers().firstValue("Upload-Offset").orElseThrow());
  }
}
