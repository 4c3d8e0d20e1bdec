package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Location as the client sees the server: from proxy headers only when they are trusted. */
class ProxyLocationTest {
  private static final String ID = "[0-9a-f-]{36}";

  @Test
  void trustedForwardedHeadersShapeTheLocation() throws Exception {
    try (TestServer server = TestServer.start("--server.trust-proxy=true")) {
      assertThat(location(server, "X-Forwarded-Proto", "https", "X-Forwarded-Host", "up.example.com", "X-Forwarded-Prefix", "/uploads"))
          .matches("https://up\\.example\\.com/uploads/files/" + ID);
      assertThat(location(server, "Forwarded", "proto=https;host=media.example.org"))
          .matches("https://media\\.example\\.org/files/" + ID);
      assertThat(location(server, "X-Forwarded-Proto", "https", "X-Forwarded-Host", "up.example.com:8443"))
          .matches("https://up\\.example\\.com:8443/files/" + ID);
      assertThat(location(server, "X-Forwarded-Prefix", "/a b\"<script>"))
          .matches("http://127\\.0\\.0\\.1:" + server.app.port() + "/files/" + ID);
    }
  }

  @Test
  void untrustedForwardedHeadersAreIgnored() throws Exception {
    try (TestServer server = TestServer.start()) {
      assertThat(location(server, "X-Forwarded-Proto", "https", "X-Forwarded-Host", "evil.example", "X-Forwarded-Prefix", "/x"))
          .matches("http://127\\.0\\.0\\.1:" + server.app.port() + "/files/" + ID);
      assertThat(location(server, "Forwarded", "proto=https;host=evil.example"))
          .matches("http://127\\.0\\.0\\.1:" + server.app.port() + "/files/" + ID);
    }
  }

  private static String location(TestServer server, String... headers) throws Exception {
    HttpResponse<String> created =
        server.send(server.tus("/files/").header("Upload-Length", "1").headers(headers).POST(BodyPublishers.noBody()).build());
    assertThat(created.statusCode()).isEqualTo(201);
    return created.headers().firstValue("Location").orElseThrow();
  }
}
