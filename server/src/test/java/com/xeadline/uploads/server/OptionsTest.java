package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OPTIONS: what the server speaks. */
class OptionsTest {
  @Test
  void advertisesVersionMaxSizeExtensionsAndChecksums() throws Exception {
    try (TestServer server = TestServer.start("--tus.max-size=2GiB")) {
      HttpResponse<String> options =
          server.send(HttpRequest.newBuilder(server.uri("/files/")).method("OPTIONS", BodyPublishers.noBody()).build());
      assertThat(options.statusCode()).isEqualTo(204);
      assertThat(options.headers().firstValue("Tus-Version")).hasValue("1.0.0");
      assertThat(options.headers().firstValue("Tus-Max-Size")).hasValue(Long.toString(2L << 30));
      assertThat(List.of(options.headers().firstValue("Tus-Extension").orElseThrow().split(",")))
          .contains(
              "creation",
              "creation-defer-length",
              "creation-with-upload",
              "checksum",
              "checksum-trailer",
              "termination",
              "expiration",
              "concatenation",
              "concatenation-unfinished");
      assertThat(List.of(options.headers().firstValue("Tus-Checksum-Algorithm").orElseThrow().split(",")))
          .contains("md5", "sha1", "sha256");
    }
  }
}
