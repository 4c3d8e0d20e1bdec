package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An orderly restart on the same data directory keeps the upload resumable where it was. */
class RestartResumeTest {
  @TempDir Path dataDir;

  @Test
  void halfAnUploadSurvivesARestart() throws Exception {
    byte[] source = TestServer.randomBytes(3 * 1024 * 1024 + 7, 8);
    int half = source.length / 2;
    String path;
    try (TestServer first = TestServer.start(dataDir)) {
      String location = first.create(source.length, "Upload-Metadata", "filename aGFsZi5tcDQ=");
      path = URI.create(location).getPath();
      assertThat(first.patch(location, 0, Arrays.copyOf(source, half)).statusCode()).isEqualTo(204);
    }
    try (TestServer second = TestServer.start(dataDir)) {
      HttpResponse<String> head = second.head(path);
      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.headers().firstValue("Upload-Offset")).hasValue(Integer.toString(half));
      assertThat(head.headers().firstValue("Upload-Metadata")).hasValue("filename aGFsZi5tcDQ=");
      assertThat(second.patch(path, half, Arrays.copyOfRange(source, half, source.length)).statusCode())
          .isEqualTo(204);
      HttpResponse<byte[]> download = second.sendForBytes(HttpRequest.newBuilder(second.uri(path)).build());
      assertThat(TestServer.sha256(download.body())).isEqualTo(TestServer.sha256(source));
    }
  }
}
