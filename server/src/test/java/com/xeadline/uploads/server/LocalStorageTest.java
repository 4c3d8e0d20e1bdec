package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.xeadline.uploads.server.storage.LocalStorageProvider;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finished uploads move into the local provider and are served and deleted from there. */
class LocalStorageTest extends ServerPerClass {
  @TempDir Path scratch;

  @Test
  void aFinishedTusUploadMovesIntoFinalsAndIsServedFromThere() throws Exception {
    byte[] source = TestServer.randomBytes(5000, 30);
    String location = server.create(source.length, "Upload-Metadata", "filename Y2xpcC5tcDQ=,filetype dmlkZW8vbXA0");
    assertThat(server.patch(location, 0, source).statusCode()).isEqualTo(204);

    assertThat(Files.exists(PatchTestFiles.of(server, location))).isFalse();
    List<Path> finals = finals();
    Path published = finals.stream().filter(p -> p.getFileName().toString().endsWith("-clip.mp4")).findFirst().orElseThrow();
    assertThat(published.getParent().getFileName().toString()).isEqualTo("anonymous");
    assertThat(Files.readAllBytes(published)).isEqualTo(source);

    HttpResponse<byte[]> range =
        server.sendForBytes(HttpRequest.newBuilder(URI.create(location)).header("Range", "bytes=100-199").build());
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.body()).isEqualTo(Arrays.copyOfRange(source, 100, 200));

    assertThat(server.send(server.tus(location).DELETE().build()).statusCode()).isEqualTo(204);
    assertThat(Files.exists(published)).isFalse();
  }

  @Test
  void aCompletedChunkedUploadMovesToo() throws Exception {
    HttpResponse<String> init =
        server.send(HttpRequest.newBuilder(server.uri("/api/storage/init-chunked-upload")).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"fileName\":\"json.mp4\",\"fileSize\":10,\"contentType\":\"video/mp4\",\"totalChunks\":1}")).build());
    String id = new com.fasterxml.jackson.databind.ObjectMapper().readTree(init.body()).get("uploadId").asText();
    assertThat(StorageApiTest.uploadChunk(id, 0, new byte[10]).statusCode()).isEqualTo(200);
    server.send(HttpRequest.newBuilder(server.uri("/api/storage/complete-chunked-upload")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"uploadId\":\"" + id + "\"}")).build());
    assertThat(finals().stream().map(p -> p.getFileName().toString())).anyMatch(n -> n.endsWith("-json.mp4"));
    assertThat(server.sendForBytes(HttpRequest.newBuilder(server.uri("/files/" + id)).build()).body()).hasSize(10);
  }

  @Test
  void keysThatCouldLeaveTheDirectoryAreRefused() throws Exception {
    LocalStorageProvider provider = new LocalStorageProvider(scratch);
    for (String key : List.of("../escape", "a/../../b", "/etc/passwd", ".hidden", "a//b", "")) {
      assertThatThrownBy(() -> provider.store(key, new ByteArrayInputStream(new byte[1]), 1, null, Map.of()))
          .as(key)
          .hasMessageContaining("key");
    }
    provider.store("alice/1-a.mp4", new ByteArrayInputStream(new byte[3]), 3, null, Map.of());
    assertThat(provider.stat("alice/1-a.mp4")).get().extracting(o -> o.size()).isEqualTo(3L);
  }

  private static List<Path> finals() throws Exception {
    try (Stream<Path> all = Files.walk(server.dataDir.resolve("finals"))) {
      return all.filter(Files::isRegularFile).toList();
    }
  }
}
