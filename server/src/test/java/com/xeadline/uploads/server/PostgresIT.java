package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same server on real PostgreSQL: migrations, both APIs, probing jobs; readiness and requests
 * answer 503 while the database is down, and all recovers when it is back, without a restart.
 */
class PostgresIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void runsOnPostgresAndRidesOutItsLoss(@TempDir Path work) throws Exception {
    Path pgData = work.resolve("pg");
    EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false).start();
    int port = pg.getPort();
    byte[] clip = Files.readAllBytes(VideoClips.in(work).mp4("pg.mp4", 1, 320, 240));
    try (TestServer server =
        TestServer.start(
            work.resolve("data"),
            "--database.url=jdbc:postgresql://localhost:" + port + "/postgres",
            "--database.user=postgres",
            "--video.probe=true",
            "--video.renditions=tiny:160x120@150k")) {
      // tus, with a probe and a transcode job run through the jobs table on PostgreSQL.
      String location = server.create(clip.length, "Upload-Metadata", "filename " + b64("pg.mp4") + ",filetype " + b64("video/mp4"));
      assertThat(server.patch(location, 0, clip).statusCode()).isEqualTo(204);
      String id = location.substring(location.lastIndexOf('/') + 1);
      JsonNode status = await(server, id, s -> s.path("transcodedVersions").size() == 1);
      assertThat(status.get("video").get("codec").asText()).isEqualTo("h264");

      // The JSON API's chunk bookkeeping and the keyset listings.
      JsonNode init =
          JSON.readTree(
              post(server, "/api/storage/init-chunked-upload",
                      "{\"fileName\":\"c.mp4\",\"fileSize\":" + clip.length + ",\"contentType\":\"video/mp4\",\"totalChunks\":1}")
                  .body());
      String chunked = init.get("uploadId").asText();
      HttpResponse<String> chunk =
          server.send(
              HttpRequest.newBuilder(server.uri("/api/storage/upload-chunk"))
                  .header("Content-Type", Multipart.contentType())
                  .POST(new Multipart().field("uploadId", chunked).field("chunkIndex", "0").file("chunk", clip).publisher())
                  .build());
      assertThat(chunk.statusCode()).isEqualTo(200);
      assertThat(post(server, "/api/storage/complete-chunked-upload", "{\"uploadId\":\"" + chunked + "\"}").statusCode())
          .isEqualTo(200);
      await(server, chunked, s -> s.has("video") && !s.get("video").isNull());
      JsonNode videos = JSON.readTree(get(server, "/api/videos?limit=1").body());
      assertThat(videos.get("items")).hasSize(1);
      assertThat(videos.get("nextCursor").isNull()).isFalse();
      assertThat(JSON.readTree(get(server, "/api/uploads").body()).get("items")).hasSize(2);

      // The database goes away: not ready, and requests get 503 with Retry-After.
      pg.close();
      assertThat(get(server, "/readyz").statusCode()).isEqualTo(503);
      HttpResponse<String> head = server.head(location);
      assertThat(head.statusCode()).isEqualTo(503);
      assertThat(head.headers().firstValue("Retry-After")).isPresent();
      HttpResponse<String> json = get(server, "/api/storage/upload-status?uploadId=" + id);
      assertThat(json.statusCode()).isEqualTo(503);
      assertThat(json.headers().firstValue("Retry-After")).isPresent();
      assertThat(json.headers().firstValue("Content-Type")).hasValue("application/problem+json");

      // It comes back on the same port: the same server recovers without a restart.
      pg = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false).setPort(port).start();
      Poll.until("ready again", () -> get(server, "/readyz").statusCode() == 200);
      assertThat(server.head(location).headers().firstValue("Upload-Offset")).hasValue(Integer.toString(clip.length));
    } finally {
      pg.close();
    }
  }

  private static JsonNode await(TestServer server, String id, java.util.function.Predicate<JsonNode> done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    JsonNode status = null;
    while (System.nanoTime() < deadline) {
      status = JSON.readTree(get(server, "/api/storage/upload-status?uploadId=" + id).body());
      if (done.test(status)) {
        return status;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("never got there: " + status);
  }

  private static HttpResponse<String> get(TestServer server, String path) throws Exception {
    return server.send(HttpRequest.newBuilder(server.uri(path)).build());
  }

  private static HttpResponse<String> post(TestServer server, String path, String json) throws Exception {
    return server.send(
        HttpRequest.newBuilder(server.uri(path)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
