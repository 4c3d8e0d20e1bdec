package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every JSON API operation of the running server, answered for real (a success and a refusal
 * each), is checked against the description the same server serves at /api/openapi.json: a
 * response that drifts from it (a field renamed, missing, added or of another type; another
 * status or media type) fails here. The test also fails when the description gains an
 * operation this test does not exercise both ways.
 */
class ApiContractTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path work;
  private static TestServer server;
  private static OpenApiInteractionValidator validator;
  private static final Set<String> exercised = new TreeSet<>();

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start("--video.probe=true", "--video.renditions=tiny:160x120@150k", "--jobs.workers=1");
    HttpResponse<String> doc = server.send(HttpRequest.newBuilder(server.uri("/api/openapi.json")).build());
    assertThat(doc.statusCode()).isEqualTo(200);
    validator = OpenApiInteractionValidator.createForInlineApiSpecification(doc.body()).build();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void everyOperationAnswersAsDescribed() throws Exception {
    byte[] clip = Files.readAllBytes(VideoClips.in(work).mp4("contract.mp4", 1, 160, 120));
    int half = (clip.length + 1) / 2;

    JsonNode init = json(check("POST", "/api/storage/init-chunked-upload", post("/api/storage/init-chunked-upload", initBody(clip.length)), 200));
    String id = init.get("uploadId").asText();
    check("POST", "/api/storage/init-chunked-upload", post("/api/storage/init-chunked-upload", "{\"fileName\":\"\",\"fileSize\":\"12\"}"), 400);

    check("POST", "/api/storage/upload-chunk", chunk(id, 0, java.util.Arrays.copyOfRange(clip, 0, half)), 200);
    check("POST", "/api/storage/upload-chunk", chunk("00000000-0000-0000-0000-000000000000", 0, new byte[10]), 404);
    check("POST", "/api/storage/complete-chunked-upload", post("/api/storage/complete-chunked-upload", "{\"uploadId\":\"" + id + "\"}"), 400);
    check("GET", "/api/storage/upload-status", get("/api/storage/upload-status?uploadId=" + id), 200);
    check("GET", "/api/uploads", get("/api/uploads?status=in-progress"), 200);
    check("POST", "/api/storage/upload-chunk", chunk(id, 1, java.util.Arrays.copyOfRange(clip, half, clip.length)), 200);
    check("POST", "/api/storage/complete-chunked-upload", post("/api/storage/complete-chunked-upload", "{\"uploadId\":\"" + id + "\",\"title\":\"t\"}"), 200);

    JsonNode done = awaitRendition(id);
    check("GET", "/api/storage/upload-status", get("/api/storage/upload-status"), 400);
    check("GET", "/api/storage/upload-status", get("/api/storage/upload-status?uploadId=nope"), 404);

    check("GET", "/api/uploads", get("/api/uploads"), 200);
    check("GET", "/api/uploads", get("/api/uploads?status=everything"), 400);
    check("GET", "/api/videos", get("/api/videos?limit=1"), 200);
    check("GET", "/api/videos", get("/api/videos?cursor=garbage"), 400);
    check("GET", "/api/videos/{id}", get("/api/videos/" + id), 200);
    check("GET", "/api/videos/{id}", get("/api/videos/nope"), 404);
    String rendition = "/api/videos/" + id + "/renditions/" + done.get("transcodedVersions").get(0).get("format").asText();
    checkBinary("/api/videos/{id}/renditions/{name}", HttpRequest.newBuilder(server.uri(rendition)), 200);
    checkBinary("/api/videos/{id}/renditions/{name}", HttpRequest.newBuilder(server.uri(rendition)).header("Range", "bytes=0-9"), 206);
    checkBinary("/api/videos/{id}/renditions/{name}", HttpRequest.newBuilder(server.uri(rendition)).header("Range", "bytes=999999999-"), 416);
    check("GET", "/api/videos/{id}/renditions/{name}", get("/api/videos/" + id + "/renditions/huge"), 404);

    check("GET", "/api/storage/get-direct-upload-url", get("/api/storage/get-direct-upload-url?fileName=a.mp4&contentType=video/mp4"), 200);
    check("GET", "/api/storage/get-direct-upload-url", get("/api/storage/get-direct-upload-url?fileName=a.exe&contentType=application/x-msdownload"), 400);
    checkBinary("/api/storage/network-test", HttpRequest.newBuilder(server.uri("/api/storage/network-test?size=1kb")), 200);
    check("GET", "/api/storage/network-test", get("/api/storage/network-test?size=lots"), 400);
    check("POST", "/api/storage/network-test", probe(new byte[1000]), 200);
    check("POST", "/api/storage/network-test", probe(new byte[8 * 1024 * 1024 + 1]), 413);
    check("GET", "/api/storage/usage", get("/api/storage/usage"), 200);
    check("GET", "/api/storage/usage", send(HttpRequest.newBuilder(server.uri("/api/storage/usage")).header("Accept", "text/csv")), 406);

    check("DELETE", "/api/uploads/{id}", send(HttpRequest.newBuilder(server.uri("/api/uploads/" + id)).DELETE()), 204);
    check("DELETE", "/api/uploads/{id}", send(HttpRequest.newBuilder(server.uri("/api/uploads/" + id)).DELETE()), 404);

    assertThat(exercised).containsExactlyInAnyOrderElementsOf(documentedOperationsBothWays());
  }

  /** The answer's status, then the answer against the description; returns the answer. */
  private static HttpResponse<String> check(String method, String template, HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(method + " " + response.uri() + ": " + response.body()).isEqualTo(status);
    SimpleResponse.Builder real = SimpleResponse.Builder.status(response.statusCode()).withBody(response.body());
    response.headers().firstValue("Content-Type").ifPresent(type -> real.withContentType(type));
    ValidationReport report = validator.validateResponse(response.uri().getPath(), Request.Method.valueOf(method), real.build());
    assertThat(report.getMessages()).as(method + " " + response.uri() + " " + status + ": " + response.body()).isEmpty();
    exercised.add(method + " " + template + (status < 300 ? " success" : " refusal"));
    return response;
  }

  /** A binary answer: its status and media type against the description (the bytes are not JSON). */
  private static void checkBinary(String template, HttpRequest.Builder request, int status) throws Exception {
    HttpResponse<byte[]> response = server.sendForBytes(request.build());
    assertThat(response.statusCode()).isEqualTo(status);
    SimpleResponse.Builder real = SimpleResponse.Builder.status(status);
    if (response.body().length > 0) {
      real.withBody(new String(response.body(), StandardCharsets.ISO_8859_1));
    }
    response.headers().firstValue("Content-Type").ifPresent(type -> real.withContentType(type));
    ValidationReport report = validator.validateResponse(response.uri().getPath(), Request.Method.GET, real.build());
    assertThat(report.getMessages()).as(template + " " + status).isEmpty();
    exercised.add("GET " + template + (status < 300 ? " success" : " refusal"));
  }

  private static Set<String> documentedOperationsBothWays() throws Exception {
    JsonNode doc = JSON.readTree(get("/api/openapi.json").body());
    Set<String> all = new TreeSet<>();
    doc.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
      all.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey() + " success");
      all.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey() + " refusal");
    }));
    return all;
  }

  private static JsonNode awaitRendition(String id) throws Exception {
    JsonNode[] last = new JsonNode[1];
    Poll.until("a rendition of " + id, () -> {
      last[0] = json(check("GET", "/api/storage/upload-status", get("/api/storage/upload-status?uploadId=" + id), 200));
      return last[0].get("transcodedVersions").size() > 0;
    });
    return last[0];
  }

  private static String initBody(long size) {
    return "{\"fileName\":\"contract.mp4\",\"fileSize\":" + size + ",\"contentType\":\"video/mp4\",\"totalChunks\":2,\"title\":\"t\"}";
  }

  private static HttpResponse<String> chunk(String id, int index, byte[] bytes) throws Exception {
    return send(
        HttpRequest.newBuilder(server.uri("/api/storage/upload-chunk"))
            .header("Content-Type", Multipart.contentType())
            .POST(new Multipart().field("uploadId", id).field("chunkIndex", Integer.toString(index)).file("chunk", bytes).publisher()));
  }

  private static HttpResponse<String> probe(byte[] bytes) throws Exception {
    return send(
        HttpRequest.newBuilder(server.uri("/api/storage/network-test"))
            .header("Content-Type", "application/octet-stream")
            .POST(BodyPublishers.ofByteArray(bytes)));
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return send(
        HttpRequest.newBuilder(server.uri(path))
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(server.uri(path)));
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return server.send(request.build());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }
}
