package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** DELETE: termination removes the row and the bytes. */
class DeleteTest {
  @Test
  void terminatesAnUploadAndItsBytes() throws Exception {
    try (TestServer server = TestServer.start()) {
      String location = server.create(100);
      server.patch(location, 0, new byte[50]);
      String id = location.substring(location.lastIndexOf('/') + 1);
      assertThat(Files.exists(server.dataDir.resolve("uploads").resolve(id + ".bin"))).isTrue();

      HttpResponse<String> deleted = server.send(server.tus(location).DELETE().build());
      assertThat(deleted.statusCode()).isEqualTo(204);
      assertThat(server.head(location).statusCode()).isEqualTo(404);
      assertThat(server.patch(location, 50, new byte[50]).statusCode()).isEqualTo(404);
      assertThat(Files.exists(server.dataDir.resolve("uploads").resolve(id + ".bin"))).isFalse();
      assertThat(server.send(server.tus(location).DELETE().build()).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void needsTusResumable() throws Exception {
    try (TestServer server = TestServer.start()) {
      String location = server.create(100);
      HttpResponse<String> deleted =
          server.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(location)).DELETE().build());
      assertThat(deleted.statusCode()).isEqualTo(412);
      assertThat(server.head(location).statusCode()).isEqualTo(200);
    }
  }
}
