package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Per-user quotas, checked at creation on both APIs, never overshot by parallel creations. */
class QuotaTest {
  private static final String SECRET = "quota-test-secret-of-more-than-32-bytes!";
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start("--auth.mode=jwt", "--auth.hmac-secret=" + SECRET, "--quota.uploads-per-day=5", "--quota.bytes=1000");
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void parallelCreationsAtTheDailyEdgeNeverExceedIt() throws Exception {
    List<HttpResponse<String>> answers = createInParallel(token("alice"), 20, 10);
    assertThat(answers.stream().filter(r -> r.statusCode() == 201)).hasSize(5);
    List<HttpResponse<String>> refused = answers.stream().filter(r -> r.statusCode() != 201).toList();
    assertThat(refused).hasSize(15).allSatisfy(r -> {
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(r.body()).contains("Daily upload quota reached: 5 of 5");
    });
  }

  @Test
  void parallelCreationsAtTheByteEdgeNeverExceedIt() throws Exception {
    List<HttpResponse<String>> answers = createInParallel(token("carol"), 5, 300);
    assertThat(answers.stream().filter(r -> r.statusCode() == 201)).hasSize(3);
    assertThat(answers.stream().filter(r -> r.statusCode() == 403).map(HttpResponse::body))
        .allSatisfy(body -> assertThat(body).contains("Storage quota exceeded: 900 of 1000 bytes used, 300 more requested"));
  }

  @Test
  void theJsonApiSaysWhichQuotaAndTheNumbers() throws Exception {
    String bob = token("bob");
    assertThat(createInParallel(bob, 1, 600).get(0).statusCode()).isEqualTo(201);
    HttpResponse<String> refused =
        server.send(HttpRequest.newBuilder(server.uri("/api/storage/init-chunked-upload"))
            .header("Authorization", "Bearer " + bob).header("Content-Type", "application/json")
            .POST(BodyPublishers.ofString("{\"fileName\":\"a.mp4\",\"fileSize\":500,\"contentType\":\"video/mp4\",\"totalChunks\":1}")).build());
    assertThat(refused.statusCode()).isEqualTo(403);
    JsonNode problem = new ObjectMapper().readTree(refused.body());
    assertThat(problem.get("quota").asText()).isEqualTo("bytes");
    assertThat(problem.get("limit").asLong()).isEqualTo(1000);
    assertThat(problem.get("used").asLong()).isEqualTo(600);
    assertThat(problem.get("requested").asLong()).isEqualTo(500);
  }

  @Test
  void aDeferredLengthIsHeldToTheRoomLeftInTheQuota() throws Exception {
    String dave = token("dave");
    assertThat(createInParallel(dave, 1, 600).get(0).statusCode()).isEqualTo(201);
    HttpResponse<String> created =
        server.send(server.tus("/files/").header("Authorization", "Bearer " + dave).header("Upload-Defer-Length", "1")
            .POST(BodyPublishers.noBody()).build());
    assertThat(created.statusCode()).isEqualTo(201);
    String location = created.headers().firstValue("Location").orElseThrow();

    HttpResponse<String> tooMuch = server.patch(location, 0, new byte[500], "Authorization", "Bearer " + dave);
    assertThat(tooMuch.statusCode()).isEqualTo(413);
    assertThat(tooMuch.body()).contains("storage quota");
    assertThat(server.patch(location, 0, new byte[300], "Authorization", "Bearer " + dave).statusCode()).isEqualTo(204);

    HttpResponse<String> overQuota =
        server.patch(location, 300, new byte[0], "Authorization", "Bearer " + dave, "Upload-Length", "500");
    assertThat(overQuota.statusCode()).isEqualTo(403);
    assertThat(overQuota.body()).contains("Storage quota exceeded: 600 of 1000 bytes used, 500 more requested");
    HttpResponse<String> declared =
        server.patch(location, 300, new byte[100], "Authorization", "Bearer " + dave, "Upload-Length", "400");
    assertThat(declared.statusCode()).isEqualTo(204);
    assertThat(declared.headers().firstValue("Upload-Offset")).hasValue("400");
    assertThat(createInParallel(dave, 1, 1).get(0).statusCode()).isEqualTo(403);
  }

  @Test
  void aParallelUploadHoldsItsLengthOnceEvenAfterItsPartsAreDeleted() throws Exception {
    String erin = token("erin");
    String[] auth = {"Authorization", "Bearer " + erin};
    String a = server.create(300, "Authorization", "Bearer " + erin, "Upload-Concat", "partial");
    String b = server.create(300, "Authorization", "Bearer " + erin, "Upload-Concat", "partial");
    assertThat(server.patch(a, 0, new byte[300], auth).statusCode()).isEqualTo(204);
    assertThat(server.patch(b, 0, new byte[300], auth).statusCode()).isEqualTo(204);
    HttpResponse<String> joined =
        server.send(server.tus("/files/").headers(auth).header("Upload-Concat", "final;" + a + " " + b)
            .POST(BodyPublishers.noBody()).build());
    assertThat(joined.statusCode()).isEqualTo(201);
    for (String part : List.of(a, b)) {
      assertThat(server.send(server.tus(part).headers(auth).DELETE().build()).statusCode()).isEqualTo(204);
    }

    HttpResponse<String> refused = createInParallel(erin, 1, 500).get(0);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("600 of 1000 bytes used");
    assertThat(createInParallel(erin, 1, 400).get(0).statusCode()).isEqualTo(201);
  }

  private static List<HttpResponse<String>> createInParallel(String token, int count, long length) throws Exception {
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      List<Future<HttpResponse<String>>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        futures.add(pool.submit(() -> server.send(server.tus("/files/").header("Upload-Length", Long.toString(length))
            .header("Authorization", "Bearer " + token).POST(BodyPublishers.noBody()).build())));
      }
      List<HttpResponse<String>> answers = new ArrayList<>();
      for (Future<HttpResponse<String>> f : futures) {
        answers.add(f.get());
      }
      return answers;
    }
  }

  private static String token(String user) throws Exception {
    return AuthTest.hs256(SECRET, c -> c.subject(user).issuer(null).audience((String) null));
  }
}
