package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Readiness: database, writable data directory with free space, storage. */
class ReadyTest {
  @Test
  void readyWhenEverythingAnswersAndNotWhenSpaceRunsShort() throws Exception {
    try (TestServer server = TestServer.start("--auth.mode=jwt", "--auth.hmac-secret=ready-test-secret-of-more-than-32-bytes!")) {
      HttpResponse<String> ready = server.send(HttpRequest.newBuilder(server.uri("/readyz")).build());
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).contains("\"database\":true").contains("\"freeSpace\":true").contains("\"storage\":true");
    }
    try (TestServer starved = TestServer.start("--server.min-free-space=1000000GiB")) {
      HttpResponse<String> notReady = starved.send(HttpRequest.newBuilder(starved.uri("/readyz")).build());
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body()).contains("\"freeSpace\":false").contains("\"database\":true");
    }
  }
}
