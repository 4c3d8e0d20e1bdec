package com.xeadline.uploads.server;

import static com.xeadline.uploads.server.StorageApiTest.get;
import static com.xeadline.uploads.server.StorageApiTest.indices;
import static com.xeadline.uploads.server.StorageApiTest.init;
import static com.xeadline.uploads.server.StorageApiTest.json;
import static com.xeadline.uploads.server.StorageApiTest.post;
import static com.xeadline.uploads.server.StorageApiTest.status;
import static com.xeadline.uploads.server.StorageApiTest.uploadChunk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The old front end's chunks: its own fixed size (learned, or declared as chunkSize), or any
 * sizes at all; strict numbers; an idempotent completion.
 */
class ChunkSizesTest extends ServerPerClass {

  @Test
  void fixedChunksOfTheClientsSizeAreLearnedAndWrittenInPlace() throws Exception {
    // The case: 32,876 bytes as 20,000 + 12,876 (the server once demanded 16,438 each).
    byte[] source = TestServer.randomBytes(32_876, 40);
    String lastFirst = init("a.mp4", source.length, 2);
    json(uploadChunk(lastFirst, 1, Arrays.copyOfRange(source, 20_000, source.length)), 200);
    json(uploadChunk(lastFirst, 0, Arrays.copyOf(source, 20_000)), 200);
    assertThat(spilled(lastFirst)).isEmpty(); // both in place: nothing to join
    assertDownload(complete(lastFirst), source);

    // Five chunks of 7,000 with a remainder, the remainder first and one sent twice.
    String fixed = init("b.mp4", source.length, 5);
    for (int index : List.of(4, 2, 0, 2, 3, 1)) {
      byte[] chunk = Arrays.copyOfRange(source, index * 7_000, Math.min(source.length, (index + 1) * 7_000));
      assertThat(json(uploadChunk(fixed, index, chunk), 200).get("received").asBoolean()).isTrue();
    }
    assertThat(indices(status(fixed).get("receivedChunks"))).containsExactly(0, 1, 2, 3, 4);
    assertThat(spilled(fixed)).isEmpty();
    assertDownload(complete(fixed), source);
  }

  @Test
  void aDeclaredChunkSizeIsUsedFromTheFirstChunk() throws Exception {
    byte[] source = TestServer.randomBytes(10_000, 41);
    String id =
        json(post("/api/storage/init-chunked-upload", "{\"fileName\":\"a.mp4\",\"fileSize\":10000,\"contentType\":\"video/mp4\",\"totalChunks\":3,\"chunkSize\":4096}"), 200)
            .get("uploadId").asText();
    json(uploadChunk(id, 1, Arrays.copyOfRange(source, 4096, 8192)), 200);
    assertThat(spilled(id)).isEmpty();
    assertThat(chunkDir(id)).doesNotExist(); // not even spilled first: the size was declared
    json(uploadChunk(id, 2, Arrays.copyOfRange(source, 8192, 10_000)), 200);
    json(uploadChunk(id, 0, Arrays.copyOf(source, 4096)), 200);
    assertDownload(complete(id), source);

    JsonNode bad = json(post("/api/storage/init-chunked-upload", "{\"fileName\":\"a.mp4\",\"fileSize\":10000,\"contentType\":\"video/mp4\",\"totalChunks\":3,\"chunkSize\":3000}"), 400);
    assertThat(bad.get("errors").get(0).get("field").asText()).isEqualTo("chunkSize");
  }

  @Test
  void chunksOfVaryingSizesAreJoinedAtCompletion() throws Exception {
    byte[] source = TestServer.randomBytes(9_000, 42);
    int[] cuts = {0, 1_000, 6_000, 6_500, 9_000};
    String id = init("c.mp4", source.length, 4);
    for (int index : List.of(3, 1, 0, 2)) {
      json(uploadChunk(id, index, Arrays.copyOfRange(source, cuts[index], cuts[index + 1])), 200);
    }
    assertThat(spilled(id)).isNotEmpty();
    JsonNode done = complete(id);
    assertDownload(done, source);
    assertThat(chunkDir(id)).doesNotExist();
    assertThat(json(post("/api/storage/complete-chunked-upload", "{\"uploadId\":\"" + id + "\"}"), 200).get("url").asText())
        .isEqualTo(done.get("url").asText());
  }

  @Test
  void chunksThatDoNotAddUpToTheFileAreRefusedAtCompletion() throws Exception {
    String id = init("d.mp4", 100, 2);
    json(uploadChunk(id, 0, new byte[60]), 200);
    json(uploadChunk(id, 1, new byte[30]), 200);
    JsonNode problem = json(post("/api/storage/complete-chunked-upload", "{\"uploadId\":\"" + id + "\"}"), 400);
    assertThat(problem.get("error").asText()).isEqualTo("The chunks hold 90 bytes; the file has 100");
    assertThat(status(id).get("status").asText()).isEqualTo("in-progress");
  }

  @Test
  void numbersMustBeIntegersNotStringsOrFractions() throws Exception {
    for (String totalChunks : List.of("1.5", "\"1\"", "true")) {
      JsonNode problem =
          json(post("/api/storage/init-chunked-upload", "{\"fileName\":\"a.mp4\",\"fileSize\":10,\"contentType\":\"video/mp4\",\"totalChunks\":" + totalChunks + "}"), 400);
      assertThat(problem.get("errors").get(0).get("field").asText()).as(totalChunks).isEqualTo("totalChunks");
      assertThat(problem.get("error").asText()).isEqualTo("totalChunks must be an integer");
    }
    json(post("/api/storage/init-chunked-upload", "{\"fileName\":\"a.mp4\",\"fileSize\":\"10\",\"contentType\":\"video/mp4\",\"totalChunks\":1}"), 400);
    json(post("/api/storage/init-chunked-upload", "{\"fileName\":\"a.mp4\",\"fileSize\":10.0,\"contentType\":\"video/mp4\",\"totalChunks\":1}"), 400);
  }

  @Test
  void completingAgainNeverRelabelsACompletedUpload() throws Exception {
    byte[] mp4 = TestServer.randomBytes(64, 43);
    String id = init("clip.mp4", mp4.length, 1);
    json(uploadChunk(id, 0, mp4), 200);
    String complete = "{\"uploadId\":\"" + id + "\",\"fileName\":\"clip.mp4\",\"contentType\":\"video/mp4\"}";
    JsonNode first = json(post("/api/storage/complete-chunked-upload", complete), 200);
    JsonNode again = json(post("/api/storage/complete-chunked-upload", complete), 200);
    assertThat(again.get("url").asText()).isEqualTo(first.get("url").asText());

    JsonNode conflict =
        json(post("/api/storage/complete-chunked-upload", "{\"uploadId\":\"" + id + "\",\"fileName\":\"clip.webm\",\"contentType\":\"video/webm\"}"), 409);
    assertThat(conflict.get("error").asText()).contains("clip.mp4 (video/mp4)");
    JsonNode status = status(id);
    assertThat(status.get("contentType").asText()).isEqualTo("video/mp4");
    assertThat(status.get("fileName").asText()).isEqualTo("clip.mp4");
  }

  @Test
  void uploadStatusWithoutAnIdIsTheOld400() throws Exception {
    JsonNode problem = json(get("/api/storage/upload-status"), 400);
    assertThat(problem.get("error").asText()).isEqualTo("Missing upload ID");
    assertThat(problem.get("type").asText()).isEqualTo("about:blank");
    assertThat(problem.get("title").asText()).isNotBlank();
    assertThat(problem.get("status").asInt()).isEqualTo(400);
    assertThat(problem.get("detail").asText()).isNotBlank();
    assertThat(problem.get("errors").isArray()).isTrue();
  }

  private static JsonNode complete(String id) throws Exception {
    return json(post("/api/storage/complete-chunked-upload", "{\"uploadId\":\"" + id + "\"}"), 200);
  }

  private static void assertDownload(JsonNode done, byte[] source) throws Exception {
    assertThat(done.get("size").asLong()).isEqualTo(source.length);
    byte[] downloaded = server.sendForBytes(HttpRequest.newBuilder(URI.create(done.get("url").asText())).build()).body();
    assertThat(TestServer.sha256(downloaded)).isEqualTo(TestServer.sha256(source));
  }

  /** Chunks waiting in files of their own to be joined. */
  private static List<Path> spilled(String id) throws Exception {
    if (!java.nio.file.Files.isDirectory(chunkDir(id))) {
      return List.of();
    }
    try (var files = java.nio.file.Files.list(chunkDir(id))) {
      return files.toList();
    }
  }

  private static Path chunkDir(String id) {
    return server.dataDir.resolve("uploads").resolve(id + ".chunks");
  }
}
