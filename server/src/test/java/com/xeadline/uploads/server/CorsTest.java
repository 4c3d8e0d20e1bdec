package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Browsers: preflights and exposed tus headers, for the configured origins only. */
class CorsTest {
  private static final List<String> TUS_HEADERS =
      List.of(
          "location", "upload-offset", "upload-length", "upload-metadata", "upload-expires",
          "upload-defer-length", "upload-concat", "tus-resumable", "tus-version", "tus-extension",
          "tus-max-size");

  @Test
  void anyOriginByDefaultWithPreflightAndEveryTusHeaderExposed() throws Exception {
    try (TestServer server = TestServer.start()) {
      HttpResponse<String> preflight =
          server.send(
              HttpRequest.newBuilder(server.uri("/files/"))
                  .header("Origin", "https://app.example")
                  .header("Access-Control-Request-Method", "PATCH")
                  .header("Access-Control-Request-Headers", "tus-resumable,upload-offset,content-type,upload-checksum")
                  .method("OPTIONS", BodyPublishers.noBody())
                  .build());
      assertThat(preflight.statusCode()).isBetween(200, 204);
      assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example");
      assertThat(lower(preflight, "Access-Control-Allow-Methods")).contains("patch", "post", "head", "delete");
      assertThat(lower(preflight, "Access-Control-Allow-Headers"))
          .contains("tus-resumable", "upload-offset", "content-type", "upload-checksum");

      HttpResponse<String> created =
          server.send(
              server.tus("/files/")
                  .header("Origin", "https://app.example")
                  .header("Upload-Length", "10")
                  .POST(BodyPublishers.noBody())
                  .build());
      assertThat(created.statusCode()).isEqualTo(201);
      assertThat(created.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example");
      assertThat(lower(created, "Access-Control-Expose-Headers")).containsAll(TUS_HEADERS);
    }
  }

  @Test
  void onlyConfiguredOriginsAreAllowed() throws Exception {
    try (TestServer server = TestServer.start("--cors.allowed-origins=https://a.example")) {
      HttpResponse<String> allowed = created(server, "https://a.example");
      assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://a.example");
      HttpResponse<String> other = created(server, "https://b.example");
      assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
  }

  private static HttpResponse<String> created(TestServer server, String origin) throws Exception {
    return server.send(
        server.tus("/files/").header("Origin", origin).header("Upload-Length", "1").POST(BodyPublishers.noBody()).build());
  }

  private static List<String> lower(HttpResponse<String> response, String header) {
    return response.headers().allValues(header).stream()
        .flatMap(v -> Arrays.stream(v.split(",")))
        .map(v -> v.trim().toLowerCase(Locale.ROOT))
        .toList();
  }
}
