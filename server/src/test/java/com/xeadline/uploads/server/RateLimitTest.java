package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Budgets count down in the headers and refuse with 429 exactly past the configured number. */
class RateLimitTest {
  @Test
  void creationsCountDownAndTheFourthOfThreeIsRefused() throws Exception {
    try (TestServer server = TestServer.start("--limits.creations=3/1m", "--limits.probes=2/1m")) {
      for (int i = 1; i <= 3; i++) {
        HttpResponse<String> created = create(server);
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("X-RateLimit-Limit")).hasValue("3");
        assertThat(created.headers().firstValue("X-RateLimit-Remaining")).hasValue(Integer.toString(3 - i));
        assertThat(Long.parseLong(created.headers().firstValue("X-RateLimit-Reset").orElseThrow())).isBetween(1L, 60L);
      }
      HttpResponse<String> refused = create(server);
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
      assertThat(refused.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");

      HttpResponse<String> json =
          server.send(HttpRequest.newBuilder(server.uri("/api/storage/init-chunked-upload")).header("Content-Type", "application/json")
              .POST(BodyPublishers.ofString("{\"fileName\":\"a.mp4\",\"fileSize\":5,\"contentType\":\"video/mp4\",\"totalChunks\":1}")).build());
      assertThat(json.statusCode()).isEqualTo(429);
      assertThat(json.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(new ObjectMapper().readTree(json.body()).get("retryAfter").asLong()).isPositive();

      // Probes have their own budget, untouched by the creations above.
      for (int i = 0; i < 2; i++) {
        assertThat(server.send(HttpRequest.newBuilder(server.uri("/api/storage/network-test?size=1kb")).build()).statusCode()).isEqualTo(200);
      }
      assertThat(server.send(HttpRequest.newBuilder(server.uri("/api/storage/network-test?size=1kb")).build()).statusCode()).isEqualTo(429);
    }
  }

  @Test
  void eachUserHasTheirOwnBudget() throws Exception {
    String secret = "rate-limit-secret-of-more-than-32-bytes!";
    try (TestServer server = TestServer.start("--auth.mode=jwt", "--auth.hmac-secret=" + secret, "--limits.creations=2/1m")) {
      String alice = AuthTest.hs256(secret, c -> c.subject("alice"));
      String bob = AuthTest.hs256(secret, c -> c.subject("bob"));
      assertThat(createAs(server, alice).statusCode()).isEqualTo(201);
      assertThat(createAs(server, alice).statusCode()).isEqualTo(201);
      assertThat(createAs(server, alice).statusCode()).isEqualTo(429);
      assertThat(createAs(server, bob).statusCode()).isEqualTo(201);
    }
  }

  private static HttpResponse<String> create(TestServer server) throws Exception {
    return server.send(server.tus("/files/").header("Upload-Length", "5").POST(BodyPublishers.noBody()).build());
  }

  private static HttpResponse<String> createAs(TestServer server, String token) throws Exception {
    return server.send(
        server.tus("/files/").header("Upload-Length", "5").header("Authorization", "Bearer " + token).POST(BodyPublishers.noBody()).build());
  }
}
