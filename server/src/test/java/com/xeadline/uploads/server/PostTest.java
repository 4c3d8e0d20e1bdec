package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** POST: creation, creation-defer-length, creation-with-upload. */
class PostTest extends ServerPerClass {

  static Stream<Arguments> refusedCreations() {
    return Stream.of(
        Arguments.of("no Tus-Resumable", "/files/", new String[] {"Upload-Length", "10"}, 412),
        Arguments.of("wrong Tus-Resumable", "/files/", new String[] {"Tus-Resumable", "0.2.2", "Upload-Length", "10"}, 412),
        Arguments.of("no length at all", "/files/", new String[] {"Tus-Resumable", "1.0.0"}, 400),
        Arguments.of("length and defer", "/files/", new String[] {"Tus-Resumable", "1.0.0", "Upload-Length", "10", "Upload-Defer-Length", "1"}, 400),
        Arguments.of("defer not 1", "/files/", new String[] {"Tus-Resumable", "1.0.0", "Upload-Defer-Length", "2"}, 400),
        Arguments.of("negative length", "/files/", new String[] {"Tus-Resumable", "1.0.0", "Upload-Length", "-1"}, 400),
        Arguments.of("length not a number", "/files/", new String[] {"Tus-Resumable", "1.0.0", "Upload-Length", "ten"}, 400),
        Arguments.of("above Tus-Max-Size", "/files/", new String[] {"Tus-Resumable", "1.0.0", "Upload-Length", "524288001"}, 413),
        Arguments.of("metadata not base64", "/files/", new String[] {"Tus-Resumable", "1.0.0", "Upload-Length", "10", "Upload-Metadata", "filename ***"}, 400),
        Arguments.of("metadata key twice", "/files/", new String[] {"Tus-Resumable", "1.0.0", "Upload-Length", "10", "Upload-Metadata", "a YQ==,a Yg=="}, 400),
        Arguments.of("bad Upload-Concat", "/files/", new String[] {"Tus-Resumable", "1.0.0", "Upload-Length", "10", "Upload-Concat", "whole"}, 400),
        Arguments.of("Upload-Length twice, different", "/files/", new String[] {"Tus-Resumable", "1.0.0", "Upload-Length", "10", "Upload-Length", "-1"}, 400),
        Arguments.of("Upload-Length twice, both valid", "/files/", new String[] {"Tus-Resumable", "1.0.0", "Upload-Length", "10", "Upload-Length", "11"}, 400),
        Arguments.of("Upload-Defer-Length twice", "/files/", new String[] {"Tus-Resumable", "1.0.0", "Upload-Defer-Length", "1", "Upload-Defer-Length", "2"}, 400),
        Arguments.of("POST to an upload", "/files/00000000-0000-0000-0000-000000000000", new String[] {"Tus-Resumable", "1.0.0", "Upload-Length", "10"}, 405));
  }

  @ParameterizedTest(name = "{0} -> {3}")
  @MethodSource("refusedCreations")
  void refusesBadCreations(String name, String path, String[] headers, int status) throws Exception {
    HttpResponse<String> response =
        server.send(HttpRequest.newBuilder(server.uri(path)).headers(headers).POST(BodyPublishers.noBody()).build());
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.headers().firstValue("Location")).isEmpty();
    assertThat(response.headers().firstValue("Tus-Resumable")).hasValue("1.0.0");
    if (status == 412) {
      assertThat(response.headers().firstValue("Tus-Version")).hasValue("1.0.0");
    }
  }

  @Test
  void createsWithAnAbsoluteLocationOnBothSpellingsOfTheCollection() throws Exception {
    for (String path : new String[] {"/files/", "/files"}) {
      HttpResponse<String> created =
          server.send(server.tus(path).header("Upload-Length", "5").POST(BodyPublishers.noBody()).build());
      assertThat(created.statusCode()).isEqualTo(201);
      String location = created.headers().firstValue("Location").orElseThrow();
      assertThat(location).matches("http://127\\.0\\.0\\.1:" + server.app.port() + "/files/[0-9a-f-]{36}");
      assertThat(created.headers().firstValue("Upload-Expires")).isPresent();
      assertThat(created.headers().firstValue("Upload-Offset")).hasValue("0");
      HttpResponse<String> head = server.head(location);
      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.headers().firstValue("Upload-Offset")).hasValue("0");
      assertThat(head.headers().firstValue("Upload-Length")).hasValue("5");
    }
  }

  @Test
  void keepsMetadataExactlyAsSent() throws Exception {
    String metadata = "filename bXkgdmlkZW8ubXA0,filetype dmlkZW8vbXA0,empty";
    String location = server.create(5, "Upload-Metadata", metadata);
    assertThat(server.head(location).headers().firstValue("Upload-Metadata")).hasValue(metadata);
  }

  @Test
  void defersTheLengthUntilAPatchDeclaresIt() throws Exception {
    HttpResponse<String> created =
        server.send(server.tus("/files/").header("Upload-Defer-Length", "1").POST(BodyPublishers.noBody()).build());
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.headers().firstValue("Upload-Offset")).hasValue("0");
    String location = created.headers().firstValue("Location").orElseThrow();
    HttpResponse<String> head = server.head(location);
    assertThat(head.headers().firstValue("Upload-Defer-Length")).hasValue("1");
    assertThat(head.headers().firstValue("Upload-Length")).isEmpty();

    byte[] first = "abc".getBytes(StandardCharsets.UTF_8);
    assertThat(server.patch(location, 0, first).statusCode()).isEqualTo(204);
    HttpResponse<String> last = server.patch(location, 3, "de".getBytes(StandardCharsets.UTF_8), "Upload-Length", "5");
    assertThat(last.statusCode()).isEqualTo(204);
    assertThat(last.headers().firstValue("Upload-Offset")).hasValue("5");
    head = server.head(location);
    assertThat(head.headers().firstValue("Upload-Length")).hasValue("5");
    assertThat(head.headers().firstValue("Upload-Defer-Length")).isEmpty();
    assertThat(server.sendForBytes(HttpRequest.newBuilder(URI.create(location)).build()).body())
        .isEqualTo("abcde".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aZeroLengthUploadIsFinishedAtOnce() throws Exception {
    String location = server.create(0);
    HttpResponse<byte[]> download = server.sendForBytes(HttpRequest.newBuilder(URI.create(location)).build());
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.body()).isEmpty();
    assertThat(server.head(location).headers().firstValue("Upload-Expires")).isEmpty();
  }

  @Test
  void createsWithUpload() throws Exception {
    byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> created =
        server.send(
            server.tus("/files/")
                .header("Upload-Length", "11")
                .header("Content-Type", "application/offset+octet-stream")
                .POST(BodyPublishers.ofByteArray(body))
                .build());
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.headers().firstValue("Upload-Offset")).hasValue("5");
    String location = created.headers().firstValue("Location").orElseThrow();
    assertThat(server.head(location).headers().firstValue("Upload-Offset")).hasValue("5");
    assertThat(server.patch(location, 5, " world".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(204);
    assertThat(new String(server.sendForBytes(HttpRequest.newBuilder(URI.create(location)).build()).body(), StandardCharsets.UTF_8))
        .isEqualTo("hello world");
  }

  @Test
  void refusesACreationBodyOfTheWrongTypeOrSize() throws Exception {
    HttpResponse<String> wrongType =
        server.send(
            server.tus("/files/")
                .header("Upload-Length", "11")
                .header("Content-Type", "text/plain")
                .POST(BodyPublishers.ofString("hello"))
                .build());
    assertThat(wrongType.statusCode()).isEqualTo(415);
    HttpResponse<String> tooLarge =
        server.send(
            server.tus("/files/")
                .header("Upload-Length", "3")
                .header("Content-Type", "application/offset+octet-stream")
                .POST(BodyPublishers.ofString("hello"))
                .build());
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(tooLarge.headers().firstValue("Location")).isEmpty();
  }
}
