package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The legacy JSON API over real HTTP, on the same uploads as tus. */
class StorageApiTest extends ServerPerClass {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void chunksOutOfOrderInParallelAndTwiceMakeAByteExactFile() throws Exception {
    byte[] source = TestServer.randomBytes(1_000_003, 20);
    int total = 7;
    int chunkSize = (source.length + total - 1) / total;
    JsonNode init = json(post("/api/storage/init-chunked-upload", body("clip.mp4", source.length, "video/mp4", total)), 200);
    String id = init.get("uploadId").asText();
    assertThat(init.get("expiresAt").asText()).matches("\\d{4}-.*Z");
    assertThat(status(id).get("status").asText()).isEqualTo("initialized");

    List<Integer> order = new ArrayList<>();
    for (int i = total - 1; i >= 0; i--) {
      order.add(i);
      if (i % 2 == 0) {
        order.add(i); // sent twice
      }
    }
    Collections.shuffle(order, new java.util.Random(1));
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      List<Future<HttpResponse<String>>> sent = new ArrayList<>();
      for (int index : order) {
        byte[] chunk = Arrays.copyOfRange(source, index * chunkSize, Math.min(source.length, (index + 1) * chunkSize));
        sent.add(pool.submit(() -> uploadChunk(id, index, chunk)));
      }
      for (Future<HttpResponse<String>> f : sent) {
        JsonNode answer = json(f.get(), 200);
        assertThat(answer.get("success").asBoolean()).isTrue();
        assertThat(answer.get("received").isBoolean()).isTrue();
        assertThat(answer.get("received").asBoolean()).isTrue();
      }
    }
    JsonNode inProgress = status(id);
    assertThat(indices(inProgress.get("receivedChunks"))).containsExactly(0, 1, 2, 3, 4, 5, 6);
    assertThat(inProgress.get("status").asText()).isEqualTo("in-progress");

    long start = System.nanoTime();
    JsonNode done = json(post("/api/storage/complete-chunked-upload", "{\"uploadId\":\"" + id + "\"}"), 200);
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2_000);
    assertThat(done.get("success").asBoolean()).isTrue();
    assertThat(done.get("size").asLong()).isEqualTo(source.length);
    assertThat(done.get("contentType").asText()).isEqualTo("video/mp4");
    byte[] downloaded = server.sendForBytes(HttpRequest.newBuilder(URI.create(done.get("url").asText())).build()).body();
    assertThat(TestServer.sha256(downloaded)).isEqualTo(TestServer.sha256(source));

    JsonNode finished = status(id);
    assertThat(finished.get("status").asText()).isEqualTo("completed");
    assertThat(finished.get("completedAt").isNull()).isFalse();
    assertThat(finished.get("url").asText()).isEqualTo(done.get("url").asText());
    assertThat(finished.get("fileName").asText()).isEqualTo("clip.mp4");
  }

  @Test
  void completingWithMissingChunksSaysWhichAreThere() throws Exception {
    String id = init("a.mp4", 100, 4);
    uploadChunk(id, 0, new byte[25]);
    HttpResponse<String> early = post("/api/storage/complete-chunked-upload", "{\"uploadId\":\"" + id + "\"}");
    JsonNode problem = json(early, 400);
    assertThat(early.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(indices(problem.get("receivedChunks"))).containsExactly(0);
    assertThat(problem.get("error").asText()).isEqualTo("1 of 4 chunks received");
    assertThat(problem.get("totalChunks").asInt()).isEqualTo(4);
  }

  @Test
  void refusesEmptyOrOversizedChunksBadIndicesAndUnknownUploads() throws Exception {
    String id = init("a.mp4", 100, 4);
    assertThat(json(uploadChunk(id, 0, new byte[0]), 400).get("error").asText()).contains("empty");
    assertThat(uploadChunk(id, 0, new byte[101]).statusCode()).isEqualTo(400);
    assertThat(uploadChunk(id, 4, new byte[25]).statusCode()).isEqualTo(400);
    assertThat(uploadChunk(id, -1, new byte[25]).statusCode()).isEqualTo(400);
    assertThat(json(uploadChunk(id, 0, new byte[25]), 200)).isNotNull();
    assertThat(uploadChunkRaw(id, "1.0", new byte[25]).statusCode()).isEqualTo(400);
    assertThat(uploadChunkRaw(id, "01", new byte[25]).statusCode()).isEqualTo(400);
    JsonNode unknown = json(uploadChunk("00000000-0000-0000-0000-000000000000", 0, new byte[25]), 404);
    assertThat(unknown.get("error").asText()).isEqualTo(unknown.get("detail").asText());
    assertThat(indices(status(id).get("receivedChunks"))).containsExactly(0);
  }

  @Test
  void acceptsTheChunkBeforeItsFields() throws Exception {
    String id = init("a.mp4", 10, 1);
    HttpResponse<String> response =
        server.send(
            HttpRequest.newBuilder(server.uri("/api/storage/upload-chunk"))
                .header("Content-Type", Multipart.contentType())
                .POST(new Multipart().file("chunk", new byte[10]).field("uploadId", id).field("chunkIndex", "0").publisher())
                .build());
    assertThat(json(response, 200).get("received").asBoolean()).isTrue();
  }

  @Test
  void validatesEveryFieldInOneProblem() throws Exception {
    HttpResponse<String> response =
        post("/api/storage/init-chunked-upload", "{\"fileName\":\"../\",\"fileSize\":0,\"contentType\":\"text/html\",\"totalChunks\":1001}");
    JsonNode problem = json(response, 400);
    List<String> fields = new ArrayList<>();
    problem.get("errors").forEach(e -> fields.add(e.get("field").asText()));
    assertThat(fields).containsExactlyInAnyOrder("fileName", "fileSize", "contentType", "totalChunks");
    assertThat(json(post("/api/storage/init-chunked-upload", body("a.mp4", 600L * 1024 * 1024, "video/mp4", 20)), 400)
            .get("errors").get(0).get("field").asText())
        .isEqualTo("fileSize");
    assertThat(json(post("/api/storage/init-chunked-upload", body("a.mp4", 3, "video/mp4", 5)), 400).get("detail").asText())
        .contains("totalChunks");
  }

  @Test
  void pathTraversalNamesAreNeutralised() throws Exception {
    String id = init("../../../etc/passwd.mp4", 10, 1);
    assertThat(status(id).get("fileName").asText()).isEqualTo("passwd.mp4");
    uploadChunk(id, 0, new byte[10]);
    json(post("/api/storage/complete-chunked-upload", "{\"uploadId\":\"" + id + "\"}"), 200);
    HttpResponse<byte[]> download = server.sendForBytes(HttpRequest.newBuilder(server.uri("/files/" + id)).build());
    assertThat(download.headers().firstValue("Content-Disposition").orElseThrow()).contains("filename=\"passwd.mp4\"").doesNotContain("..");
    try (var files = java.nio.file.Files.list(server.dataDir.resolve("uploads"))) {
      assertThat(files.map(p -> p.getFileName().toString())).allMatch(name -> name.matches("[0-9a-f-]{36}\\.(bin|chunks)"));
    }
  }

  @Test
  void malformedInputIs400NeverA500() throws Exception {
    assertThat(json(post("/api/storage/init-chunked-upload", "{not json"), 400).get("title").asText()).isEqualTo("Malformed JSON");
    assertThat(json(post("/api/storage/init-chunked-upload", "{\"fileSize\":\"many\"}"), 400)).isNotNull();
    HttpResponse<String> badMultipart =
        server.send(
            HttpRequest.newBuilder(server.uri("/api/storage/upload-chunk"))
                .header("Content-Type", Multipart.contentType())
                .POST(BodyPublishers.ofString("--" + Multipart.BOUNDARY + "\r\nno headers end"))
                .build());
    assertThat(json(badMultipart, 400).get("status").asInt()).isEqualTo(400);
    assertThat(json(server.send(HttpRequest.newBuilder(server.uri("/api/storage/upload-chunk"))
                .header("Content-Type", "text/plain").POST(BodyPublishers.ofString("x")).build()), 415)).isNotNull();
  }

  @Test
  void otherMethodsAre405AndUnknownIdsAre404() throws Exception {
    HttpResponse<String> delete =
        server.send(HttpRequest.newBuilder(server.uri("/api/storage/init-chunked-upload")).DELETE().build());
    assertThat(json(delete, 405).get("status").asInt()).isEqualTo(405);
    assertThat(json(get("/api/storage/upload-status?uploadId=00000000-0000-0000-0000-000000000000"), 404)).isNotNull();
    assertThat(json(get("/api/storage/upload-status?uploadId=../../etc"), 404)).isNotNull();
  }

  @Test
  void aChunkedUploadIsVisibleThroughTusAndATusClientMayFinishIt() throws Exception {
    byte[] source = TestServer.randomBytes(90, 21);
    String id = init("a.mp4", 90, 3);
    uploadChunk(id, 0, Arrays.copyOf(source, 30));
    HttpResponse<String> head = server.head("/files/" + id);
    assertThat(head.headers().firstValue("Upload-Offset")).hasValue("30");
    assertThat(head.headers().firstValue("Upload-Length")).hasValue("90");
    assertThat(head.headers().firstValue("Upload-Metadata")).hasValue("filename YS5tcDQ=,filetype dmlkZW8vbXA0");

    uploadChunk(id, 2, Arrays.copyOfRange(source, 60, 90));
    assertThat(server.patch("/files/" + id, 30, Arrays.copyOfRange(source, 30, 60)).statusCode()).isEqualTo(409);

    String contiguous = init("b.mp4", 90, 3);
    uploadChunk(contiguous, 0, Arrays.copyOf(source, 30));
    assertThat(server.patch("/files/" + contiguous, 30, Arrays.copyOfRange(source, 30, 90)).statusCode()).isEqualTo(204);
    JsonNode finished = status(contiguous);
    assertThat(finished.get("status").asText()).isEqualTo("completed");
    assertThat(server.sendForBytes(HttpRequest.newBuilder(server.uri("/files/" + contiguous)).build()).body()).isEqualTo(source);
  }

  @Test
  void uploadStatusWorksForTusUploads() throws Exception {
    String location = server.create(5, "Upload-Metadata", "filename YS5tcDQ=,filetype dmlkZW8vbXA0");
    String id = location.substring(location.lastIndexOf('/') + 1);
    server.patch(location, 0, new byte[2]);
    JsonNode status = status(id);
    assertThat(status.get("status").asText()).isEqualTo("in-progress");
    assertThat(status.get("fileSize").asLong()).isEqualTo(5);
    assertThat(status.get("fileName").asText()).isEqualTo("a.mp4");
    assertThat(status.get("totalChunks").isNull()).isTrue();
  }

  @Test
  void theDirectUploadUrlTakesTusWritesWithItsGrantOnly() throws Exception {
    JsonNode direct = json(get("/api/storage/get-direct-upload-url?fileName=dir%2Fclip.mp4&contentType=video/mp4"), 200);
    String uploadUrl = direct.get("uploadUrl").asText();
    assertThat(uploadUrl).startsWith(direct.get("url").asText() + "?grant=");
    byte[] source = TestServer.randomBytes(1000, 22);
    HttpResponse<String> patched = server.patch(uploadUrl, 0, source, "Upload-Length", "1000");
    assertThat(patched.statusCode()).isEqualTo(204);
    assertThat(server.sendForBytes(HttpRequest.newBuilder(URI.create(direct.get("url").asText())).build()).body()).isEqualTo(source);

    String forged = uploadUrl.substring(0, uploadUrl.length() - 3) + "AAA";
    assertThat(server.head(forged).statusCode()).isEqualTo(403);
    assertThat(json(get("/api/storage/get-direct-upload-url?fileName=a.exe&contentType=application/x-msdownload"), 400)).isNotNull();
  }

  @Test
  void networkProbesMeasureBothDirections() throws Exception {
    HttpResponse<byte[]> down = server.sendForBytes(HttpRequest.newBuilder(server.uri("/api/storage/network-test?size=2kb")).build());
    assertThat(down.statusCode()).isEqualTo(200);
    assertThat(down.body()).hasSize(2048);
    assertThat(down.headers().firstValue("Content-Length")).hasValue("2048");
    assertThat(down.headers().firstValue("Cache-Control")).hasValue("no-store, no-cache, must-revalidate, proxy-revalidate");
    assertThat(down.headers().firstValue("Pragma")).hasValue("no-cache");
    assertThat(down.headers().firstValue("Expires")).hasValue("0");
    assertThat(server.sendForBytes(HttpRequest.newBuilder(server.uri("/api/storage/network-test")).build()).body()).hasSize(100 * 1024);
    assertThat(server.sendForBytes(HttpRequest.newBuilder(server.uri("/api/storage/network-test?size=5mb")).build()).body()).hasSize(1024 * 1024);
    byte[] again = server.sendForBytes(HttpRequest.newBuilder(server.uri("/api/storage/network-test?size=2kb")).build()).body();
    assertThat(again).isNotEqualTo(down.body());

    JsonNode up =
        json(server.send(HttpRequest.newBuilder(server.uri("/api/storage/network-test"))
            .header("Content-Type", "application/octet-stream").POST(BodyPublishers.ofByteArray(new byte[300_000])).build()), 200);
    assertThat(up.get("bytes").asLong()).isEqualTo(300_000);
    assertThat(up.get("millis").asLong()).isPositive();
    assertThat(up.get("bytesPerSecond").asLong()).isPositive();
  }

  @Test
  void theOpenApiDocumentDescribesTheRealResponses() throws Exception {
    JsonNode doc = json(get("/api/openapi.json"), 200);
    JsonNode schemas = doc.get("components").get("schemas");
    String id = init("a.mp4", 10, 1);
    assertFields(schemas.get("InitResponse"), json(post("/api/storage/init-chunked-upload", body("a.mp4", 10, "video/mp4", 1)), 200));
    assertFields(schemas.get("ChunkResponse"), json(uploadChunk(id, 0, new byte[10]), 200));
    assertFields(schemas.get("CompleteResponse"), json(post("/api/storage/complete-chunked-upload", "{\"uploadId\":\"" + id + "\"}"), 200));
    assertFields(schemas.get("UploadStatus"), status(id));
    assertFields(schemas.get("DirectUploadUrl"), json(get("/api/storage/get-direct-upload-url?fileName=a.mp4&contentType=video/mp4"), 200));
    assertFields(schemas.get("Problem"), json(get("/api/storage/upload-status?uploadId=x"), 404));
    assertFields(schemas.get("Problem"), json(get("/api/storage/upload-status"), 400));
    for (String path : List.of("get-direct-upload-url", "init-chunked-upload", "upload-chunk", "complete-chunked-upload", "upload-status", "network-test")) {
      assertThat(doc.get("paths").has("/api/storage/" + path)).as(path).isTrue();
    }
  }

  private static void assertFields(JsonNode schema, JsonNode actual) {
    List<String> documented = new ArrayList<>();
    schema.get("properties").fieldNames().forEachRemaining(documented::add);
    List<String> returned = new ArrayList<>();
    actual.fieldNames().forEachRemaining(returned::add);
    assertThat(documented).containsAll(returned);
    schema.get("required").forEach(r -> assertThat(returned).contains(r.asText()));
  }

  static String body(String name, long size, String type, int chunks) {
    return "{\"fileName\":\"" + name + "\",\"fileSize\":" + size + ",\"contentType\":\"" + type + "\",\"totalChunks\":" + chunks + "}";
  }

  @Test
  void aChunkRefusedBeforeItsBodyIsReadClosesTheConnectionAndSaysSo() throws Exception {
    String id = init("a.mp4", 100, 4);
    String boundary = "b0undary";
    byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"uploadId\"\r\n\r\n" + id + "\r\n"
        + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"chunkIndex\"\r\n\r\n01\r\n"
        + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"chunk\"; filename=\"c\"\r\n\r\n")
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] tail = ("x".repeat(25) + "\r\n--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] whole = java.util.Arrays.copyOf(head, head.length + tail.length);
    System.arraycopy(tail, 0, whole, head.length, tail.length);
    String[] headers = {"Content-Type: multipart/form-data; boundary=" + boundary, "Content-Length: " + whole.length};
    java.net.URI chunkUri = server.uri("/api/storage/upload-chunk");
    // The body's end is held back: the refusal is sent while it is still on its way.
    try (RawHttp early = new RawHttp(chunkUri, "POST", headers)) {
      early.send(head, 0, head.length);
      RawHttp.Response refused = early.next();
      assertThat(refused.status()).isEqualTo(400);
      assertThat(refused.header("Connection")).isEqualTo("close");
      // Its end is told by its length, not by the close, which an unread body makes a reset.
      assertThat(refused.header("Content-Length")).isEqualTo(Integer.toString(refused.body().length()));
      assertThat(refused.body()).contains("chunkIndex");
    }
    // Sent in one write, the whole body has arrived when the refusal is made: the connection stays,
    // and answers the next request.
    try (RawHttp complete = RawHttp.inOneWrite(chunkUri, "POST", whole, headers)) {
      RawHttp.Response refused = complete.next();
      assertThat(refused.status()).isEqualTo(400);
      assertThat(refused.header("Connection")).isNull();
      byte[] next = ("GET /api/storage/upload-status?uploadId=" + id + " HTTP/1.1\r\nHost: x\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      complete.send(next, 0, next.length);
      assertThat(complete.next().status()).isEqualTo(200);
    }
  }

  static String init(String name, long size, int chunks) throws Exception {
    return json(post("/api/storage/init-chunked-upload", body(name, size, "video/mp4", chunks)), 200).get("uploadId").asText();
  }

  static HttpResponse<String> uploadChunk(String id, int index, byte[] chunk) throws Exception {
    return uploadChunkRaw(id, Integer.toString(index), chunk);
  }

  static HttpResponse<String> uploadChunkRaw(String id, String index, byte[] chunk) throws Exception {
    return server.send(
        HttpRequest.newBuilder(server.uri("/api/storage/upload-chunk"))
            .header("Content-Type", Multipart.contentType())
            .POST(new Multipart().field("uploadId", id).field("chunkIndex", index).file("chunk", chunk).publisher())
            .build());
  }

  static List<Integer> indices(JsonNode array) {
    assertThat(array.isArray()).as(String.valueOf(array)).isTrue();
    List<Integer> out = new ArrayList<>();
    array.forEach(n -> out.add(n.intValue()));
    return out;
  }

  static JsonNode status(String id) throws Exception {
    return json(get("/api/storage/upload-status?uploadId=" + id), 200);
  }

  static HttpResponse<String> post(String path, String json) throws Exception {
    return server.send(
        HttpRequest.newBuilder(server.uri(path)).header("Content-Type", "application/json").POST(BodyPublishers.ofString(json)).build());
  }

  static HttpResponse<String> get(String path) throws Exception {
    return server.send(HttpRequest.newBuilder(server.uri(path)).build());
  }

  static JsonNode json(HttpResponse<String> response, int status) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return JSON.readTree(response.body());
  }
}
