package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An upload's first bytes must fit its declared video type, on both APIs. */
class ContentCheckTest {
  private static final byte[] MP4_HEAD = {0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 2, 0};
  private static final byte[] WEBM_HEAD = {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3, (byte) 0x9F, 0x42, (byte) 0x86, (byte) 0x81, 1, 0x42, (byte) 0xF7, (byte) 0x81};
  private static final byte[] TEXT = "just some text renamed to clip.mp4\n".getBytes(StandardCharsets.UTF_8);
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start("--uploads.verify-content=true");
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void aRenamedTextFileDeclaredAsMp4FailsAndIsFreed() throws Exception {
    String location = server.create(TEXT.length, "Upload-Metadata", "filename Y2xpcC5tcDQ=,filetype dmlkZW8vbXA0");
    assertThat(server.patch(location, 0, TEXT).statusCode()).isEqualTo(415);
    assertThat(server.head(location).statusCode()).isEqualTo(404);
    assertThat(Files.exists(PatchTestFiles.of(server, location))).isFalse();
    String id = location.substring(location.lastIndexOf('/') + 1);
    String status = server.send(HttpRequest.newBuilder(server.uri("/api/storage/upload-status?uploadId=" + id)).build()).body();
    assertThat(new ObjectMapper().readTree(status).get("status").asText()).isEqualTo("failed");
  }

  @Test
  void theHeadIsJudgedOnceItIsCompleteEvenAcrossPatches() throws Exception {
    byte[] body = Arrays.copyOf(MP4_HEAD, 1000);
    String good = server.create(body.length, "Upload-Metadata", "filetype dmlkZW8vbXA0");
    assertThat(server.patch(good, 0, Arrays.copyOf(body, 5)).statusCode()).isEqualTo(204);
    assertThat(server.patch(good, 5, Arrays.copyOfRange(body, 5, body.length)).statusCode()).isEqualTo(204);

    String bad = server.create(body.length, "Upload-Metadata", "filetype dmlkZW8vbXA0");
    assertThat(server.patch(bad, 0, Arrays.copyOf(body, 5)).statusCode()).isEqualTo(204);
    byte[] wrongRest = Arrays.copyOfRange(body, 5, body.length);
    wrongRest[0] = 'X'; // breaks "ftyp"
    assertThat(server.patch(bad, 5, wrongRest).statusCode()).isEqualTo(415);
    assertThat(server.head(bad).statusCode()).isEqualTo(404);
  }

  @Test
  void webmNeedsItsEbmlHeader() throws Exception {
    String good = server.create(WEBM_HEAD.length, "Upload-Metadata", "filetype dmlkZW8vd2VibQ==");
    assertThat(server.patch(good, 0, WEBM_HEAD).statusCode()).isEqualTo(204);
    String bad = server.create(MP4_HEAD.length, "Upload-Metadata", "filetype dmlkZW8vd2VibQ==");
    assertThat(server.patch(bad, 0, MP4_HEAD).statusCode()).isEqualTo(415);
  }

  @Test
  void theJsonApiChecksTheFirstChunk() throws Exception {
    HttpResponse<String> init =
        server.send(HttpRequest.newBuilder(server.uri("/api/storage/init-chunked-upload")).header("Content-Type", "application/json")
            .POST(BodyPublishers.ofString("{\"fileName\":\"a.mp4\",\"fileSize\":" + (TEXT.length * 2) + ",\"contentType\":\"video/mp4\",\"totalChunks\":2}")).build());
    String id = new ObjectMapper().readTree(init.body()).get("uploadId").asText();
    HttpResponse<String> chunk =
        server.send(HttpRequest.newBuilder(server.uri("/api/storage/upload-chunk")).header("Content-Type", Multipart.contentType())
            .POST(new Multipart().field("uploadId", id).field("chunkIndex", "0").file("chunk", TEXT).publisher()).build());
    assertThat(chunk.statusCode()).isEqualTo(415);
    assertThat(chunk.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    String status = server.send(HttpRequest.newBuilder(server.uri("/api/storage/upload-status?uploadId=" + id)).build()).body();
    assertThat(new ObjectMapper().readTree(status).get("status").asText()).isEqualTo("failed");
  }
}
