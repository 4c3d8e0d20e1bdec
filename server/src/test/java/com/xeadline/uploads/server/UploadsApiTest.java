package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the old front end lacked: its unfinished uploads, deleting one, and what the quotas leave. */
class UploadsApiTest {
  private static final String SECRET = "uploads-api-test-secret-of-more-than-32-bytes";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start("--auth.mode=jwt", "--auth.hmac-secret=" + SECRET, "--quota.uploads-per-day=5", "--quota.bytes=100000");
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void unfinishedUploadsAreListedWithWhereToResumeThenDeleted() throws Exception {
    String alice = token("alice");
    String tus = server.create(100, "Authorization", "Bearer " + alice);
    assertThat(server.patch(tus, 0, new byte[40], "Authorization", "Bearer " + alice).statusCode()).isEqualTo(204);
    String chunked = initChunked(alice, 2000, 2);
    assertThat(chunk(alice, chunked, 1, new byte[1000]).statusCode()).isEqualTo(200);

    JsonNode items = get(alice, "/api/uploads?status=in-progress").get("items");
    assertThat(items).hasSize(2);
    JsonNode chunkedItem = items.get(0);
    assertThat(chunkedItem.get("uploadId").asText()).isEqualTo(chunked);
    assertThat(chunkedItem.get("totalChunks").asInt()).isEqualTo(2);
    assertThat(chunkedItem.get("receivedChunks").toString()).isEqualTo("[1]");
    JsonNode tusItem = items.get(1);
    assertThat(tusItem.get("location").asText()).isEqualTo(tus);
    assertThat(tusItem.get("uploadOffset").asLong()).isEqualTo(40);
    assertThat(tusItem.get("fileSize").asLong()).isEqualTo(100);
    assertThat(get(token("bob"), "/api/uploads?status=in-progress").get("items")).isEmpty();
    assertThat(get(alice, "/api/uploads").get("items")).isEmpty(); // completed only, as before

    String id = tus.substring(tus.lastIndexOf('/') + 1);
    assertThat(delete(token("bob"), id).statusCode()).isEqualTo(404);
    assertThat(delete(alice, id).statusCode()).isEqualTo(204);
    assertThat(server.send(server.tus(tus).header("Authorization", "Bearer " + alice).method("HEAD", BodyPublishers.noBody()).build())
        .statusCode()).isEqualTo(404);
    assertThat(get(alice, "/api/uploads?status=in-progress").get("items")).hasSize(1);
    HttpResponse<String> again = delete(alice, id);
    assertThat(again.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(again.body()).get("error").asText()).isNotEmpty();
  }

  @Test
  void usageSaysWhatTheQuotasLeave() throws Exception {
    String carol = token("carol");
    JsonNode before = get(carol, "/api/storage/usage");
    assertThat(before.get("limited").asBoolean()).isTrue();
    assertThat(before.get("uploadsLeftToday").asLong()).isEqualTo(5);
    assertThat(before.get("bytesLeft").asLong()).isEqualTo(100000);
    server.create(300, "Authorization", "Bearer " + carol);
    initChunked(carol, 700, 1);
    JsonNode after = get(carol, "/api/storage/usage");
    assertThat(after.get("uploadsToday").asLong()).isEqualTo(2);
    assertThat(after.get("uploadsLeftToday").asLong()).isEqualTo(3);
    assertThat(after.get("bytesUsed").asLong()).isEqualTo(1000);
    assertThat(after.get("bytesLeft").asLong()).isEqualTo(99000);
  }

  @Test
  void anUnknownStatusIsAClearError() throws Exception {
    HttpResponse<String> answer = send(token("dave"), HttpRequest.newBuilder(server.uri("/api/uploads?status=paused")).GET());
    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(answer.body()).get("error").asText()).contains("status must be");
  }

  private static String initChunked(String token, int size, int chunks) throws Exception {
    String body = "{\"fileName\":\"a.mp4\",\"fileSize\":" + size + ",\"contentType\":\"video/mp4\",\"totalChunks\":" + chunks + "}";
    HttpResponse<String> created = send(token, HttpRequest.newBuilder(server.uri("/api/storage/init-chunked-upload"))
        .header("Content-Type", "application/json").POST(BodyPublishers.ofString(body)));
    assertThat(created.statusCode()).isEqualTo(200);
    return JSON.readTree(created.body()).get("uploadId").asText();
  }

  private static HttpResponse<String> chunk(String token, String id, int index, byte[] bytes) throws Exception {
    return send(token, HttpRequest.newBuilder(server.uri("/api/storage/upload-chunk"))
        .header("Content-Type", Multipart.contentType())
        .POST(new Multipart().field("uploadId", id).field("chunkIndex", Integer.toString(index)).file("chunk", bytes).publisher()));
  }

  private static JsonNode get(String token, String path) throws Exception {
    HttpResponse<String> answer = send(token, HttpRequest.newBuilder(server.uri(path)).GET());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return JSON.readTree(answer.body());
  }

  private static HttpResponse<String> delete(String token, String id) throws Exception {
    return send(token, HttpRequest.newBuilder(server.uri("/api/uploads/" + id)).DELETE());
  }

  private static HttpResponse<String> send(String token, HttpRequest.Builder request) throws Exception {
    return server.send(request.header("Authorization", "Bearer " + token).build());
  }

  private static String token(String user) throws Exception {
    return AuthTest.hs256(SECRET, c -> c.subject(user).issuer(null).audience((String) null));
  }
}
