package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void createsPatchesAndDownloadsAnUpload() throws Exception {
    try (TestServer server = TestServer.start()) {
      byte[] body = "hello world".getBytes(StandardCharsets.UTF_8);
      String location = server.create(body.length);
      assertThat(server.patch(location, 0, body).statusCode()).isEqualTo(204);
      var download = server.sendForBytes(HttpRequest.newBuilder(java.net.URI.create(location)).GET().build());
      assertThat(download.statusCode()).isEqualTo(200);
      assertThat(TestServer.sha256(download.body())).isEqualTo(TestServer.sha256(body));
    }
  }
}
