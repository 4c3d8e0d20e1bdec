package com.xeadline.uploads.server;

import static com.xeadline.uploads.server.StorageApiTest.get;
import static com.xeadline.uploads.server.StorageApiTest.json;
import static com.xeadline.uploads.server.StorageApiTest.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The direct-upload URL takes the whole file in one PUT, as the old client sends it. */
class DirectPutTest extends ServerPerClass {

  @Test
  void onePutOfTheWholeBodyCompletesTheUpload() throws Exception {
    JsonNode direct = json(get("/api/storage/get-direct-upload-url?fileName=clip.mp4&contentType=video/mp4"), 200);
    byte[] source = TestServer.randomBytes(300_001, 50);
    HttpResponse<String> put = put(direct.get("uploadUrl").asText(), "video/mp4", source);
    assertThat(put.statusCode()).as(put.body()).isBetween(200, 204);
    String id = direct.get("url").asText().substring(direct.get("url").asText().lastIndexOf('/') + 1);
    JsonNode status = status(id);
    assertThat(status.get("status").asText()).isEqualTo("completed");
    assertThat(status.get("fileSize").asLong()).isEqualTo(source.length);
    byte[] downloaded = server.sendForBytes(HttpRequest.newBuilder(URI.create(direct.get("url").asText())).build()).body();
    assertThat(TestServer.sha256(downloaded)).isEqualTo(TestServer.sha256(source));
    // Once is all: the upload has its bytes.
    assertThat(put(direct.get("uploadUrl").asText(), "video/mp4", source).statusCode()).isEqualTo(409);
  }

  @Test
  void aPutOfAnotherTypeOrWithAForgedGrantIsRefused() throws Exception {
    JsonNode direct = json(get("/api/storage/get-direct-upload-url?fileName=clip.mp4&contentType=video/mp4"), 200);
    String uploadUrl = direct.get("uploadUrl").asText();
    assertThat(put(uploadUrl, "video/webm", new byte[10]).statusCode()).isEqualTo(415);
    assertThat(put(uploadUrl.substring(0, uploadUrl.length() - 3) + "AAA", "video/mp4", new byte[10]).statusCode()).isEqualTo(403);
    assertThat(put(uploadUrl, "video/mp4; codecs=avc1", new byte[10]).statusCode()).isBetween(200, 204);
  }

  private static HttpResponse<String> put(String url, String type, byte[] body) throws Exception {
    return server.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", type).PUT(BodyPublishers.ofByteArray(body)).build());
  }
}
