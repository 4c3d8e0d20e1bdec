package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** PATCH: the core append, with every way a request can be wrong. */
class PatchTest extends ServerPerClass {
  private final byte[] source = TestServer.randomBytes(64 * 1024, 9);

  @Test
  void appendsInPiecesToAByteExactFile() throws Exception {
    String location = server.create(source.length);
    int offset = 0;
    for (int piece : new int[] {1, 1000, 30_000, source.length - 31_001}) {
      HttpResponse<String> patched = server.patch(location, offset, Arrays.copyOfRange(source, offset, offset + piece));
      offset += piece;
      assertThat(patched.statusCode()).isEqualTo(204);
      assertThat(patched.headers().firstValue("Upload-Offset")).hasValue(Integer.toString(offset));
      assertThat(patched.headers().firstValue("Tus-Resumable")).hasValue("1.0.0");
    }
    assertDownloadedEquals(location, source);
  }

  @Test
  void refusesAWrongContentTypeWith415() throws Exception {
    String location = server.create(source.length);
    HttpResponse<String> response =
        server.send(
            server.tus(location)
                .header("Upload-Offset", "0")
                .header("Content-Type", "application/octet-stream")
                .method("PATCH", BodyPublishers.ofByteArray(source))
                .build());
    assertThat(response.statusCode()).isEqualTo(415);
    assertOffset(location, 0);
  }

  @Test
  void refusesAStaleOffsetWith409AndAMissingOneWith400() throws Exception {
    String location = server.create(source.length);
    assertThat(server.patch(location, 0, Arrays.copyOf(source, 10)).statusCode()).isEqualTo(204);
    assertThat(server.patch(location, 0, Arrays.copyOf(source, 10)).statusCode()).isEqualTo(409);
    assertThat(server.patch(location, 20, Arrays.copyOf(source, 10)).statusCode()).isEqualTo(409);
    HttpResponse<String> noOffset =
        server.send(
            server.tus(location)
                .header("Content-Type", "application/offset+octet-stream")
                .method("PATCH", BodyPublishers.ofByteArray(source))
                .build());
    assertThat(noOffset.statusCode()).isEqualTo(400);
    assertOffset(location, 10);
  }

  @Test
  void refusesAMissingTusResumableWith412() throws Exception {
    String location = server.create(source.length);
    HttpResponse<String> response =
        server.send(
            HttpRequest.newBuilder(URI.create(location))
                .header("Upload-Offset", "0")
                .header("Content-Type", "application/offset+octet-stream")
                .method("PATCH", BodyPublishers.ofByteArray(source))
                .build());
    assertThat(response.statusCode()).isEqualTo(412);
    assertThat(response.headers().firstValue("Tus-Version")).hasValue("1.0.0");
    assertOffset(location, 0);
  }

  @Test
  void answers404ForUnknownUploads() throws Exception {
    assertThat(server.patch("/files/00000000-0000-0000-0000-000000000000", 0, source).statusCode()).isEqualTo(404);
    assertThat(server.patch("/files/not-an-id", 0, source).statusCode()).isEqualTo(404);
  }

  @Test
  void refusesABodyLongerThanTheRemainderWithoutStoringAnyOfIt() throws Exception {
    String location = server.create(100);
    assertThat(server.patch(location, 0, Arrays.copyOf(source, 60)).statusCode()).isEqualTo(204);
    assertThat(server.patch(location, 60, Arrays.copyOfRange(source, 60, 101)).statusCode()).isEqualTo(413);
    assertOffset(location, 60);
    assertThat(Files.size(fileOf(location))).isEqualTo(60);
    assertThat(server.patch(location, 60, Arrays.copyOfRange(source, 60, 100)).statusCode()).isEqualTo(204);
    assertDownloadedEquals(location, Arrays.copyOf(source, 100));
  }

  @Test
  void refusesAChunkedBodyThatRunsPastTheLengthWithoutStoringAnyOfIt() throws Exception {
    String location = server.create(1000);
    HttpResponse<String> chunked =
        server.send(
            server.tus(location)
                .header("Upload-Offset", "0")
                .header("Content-Type", "application/offset+octet-stream")
                .method("PATCH", BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(Arrays.copyOf(source, 5000))))
                .build());
    assertThat(chunked.statusCode()).isEqualTo(413);
    assertOffset(location, 0);
    assertThat(Files.size(fileOf(location))).isZero();
  }

  @Test
  void acceptsAChunkedBodyThatFits() throws Exception {
    String location = server.create(source.length);
    HttpResponse<String> chunked =
        server.send(
            server.tus(location)
                .header("Upload-Offset", "0")
                .header("Content-Type", "application/offset+octet-stream")
                .method("PATCH", BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(source)))
                .build());
    assertThat(chunked.statusCode()).isEqualTo(204);
    assertDownloadedEquals(location, source);
  }

  @Test
  void honoursXHttpMethodOverride() throws Exception {
    String location = server.create(source.length);
    HttpResponse<String> patched =
        server.send(
            server.tus(location)
                .header("X-HTTP-Method-Override", "PATCH")
                .header("Upload-Offset", "0")
                .header("Content-Type", "application/offset+octet-stream")
                .POST(BodyPublishers.ofByteArray(source))
                .build());
    assertThat(patched.statusCode()).isEqualTo(204);
    assertThat(patched.headers().firstValue("Upload-Offset")).hasValue(Integer.toString(source.length));
    HttpResponse<String> deleted =
        server.send(server.tus(location).header("X-HTTP-Method-Override", "DELETE").POST(BodyPublishers.noBody()).build());
    assertThat(deleted.statusCode()).isEqualTo(204);
    assertThat(server.head(location).statusCode()).isEqualTo(404);
  }

  @Test
  void refusesToChangeADeclaredLength() throws Exception {
    String location = server.create(10);
    assertThat(server.patch(location, 0, Arrays.copyOf(source, 5), "Upload-Length", "11").statusCode()).isEqualTo(400);
    assertOffset(location, 0);
  }

  @Test
  void anEmptyPatchAtTheEndOfAFinishedUploadAnswers204WithItsOffset() throws Exception {
    // What tus-java-client sends when the size is a whole number of chunks: one more empty PATCH.
    String location = server.create(source.length);
    assertThat(server.patch(location, 0, source).statusCode()).isEqualTo(204);
    awaitPublished(location);
    HttpResponse<String> empty = server.patch(location, source.length, new byte[0]);
    assertThat(empty.statusCode()).isEqualTo(204);
    assertThat(empty.headers().firstValue("Upload-Offset")).hasValue(Integer.toString(source.length));
    assertThat(server.patch(location, source.length, new byte[1]).statusCode()).isEqualTo(413);
    HttpResponse<String> chunkedByte =
        server.send(
            server.tus(location)
                .header("Upload-Offset", Integer.toString(source.length))
                .header("Content-Type", "application/offset+octet-stream")
                .method("PATCH", BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[1])))
                .build());
    assertThat(chunkedByte.statusCode()).isEqualTo(413);
    assertDownloadedEquals(location, source);
  }

  @Test
  void anEmptyPatchDeclaringADeferredLengthAtTheOffsetFinishesTheUpload() throws Exception {
    // What tus-js-client sends when a stream of unknown length ends on a chunk boundary.
    HttpResponse<String> created =
        server.send(server.tus("/files/").header("Upload-Defer-Length", "1").POST(BodyPublishers.noBody()).build());
    String location = created.headers().firstValue("Location").orElseThrow();
    assertThat(server.patch(location, 0, source).statusCode()).isEqualTo(204);
    HttpResponse<String> last = server.patch(location, source.length, new byte[0], "Upload-Length", Integer.toString(source.length));
    assertThat(last.statusCode()).isEqualTo(204);
    assertThat(last.headers().firstValue("Upload-Offset")).hasValue(Integer.toString(source.length));
    awaitPublished(location);
    assertDownloadedEquals(location, source);
  }

  @Test
  void refusesARepeatedUploadOffsetWithDifferentValues() throws Exception {
    String location = server.create(source.length);
    assertThat(server.patch(location, 0, Arrays.copyOf(source, 10), "Upload-Offset", "5").statusCode()).isEqualTo(400);
    assertThat(server.patch(location, 0, Arrays.copyOf(source, 10), "Upload-Offset", "0").statusCode()).isEqualTo(204);
    assertThat(server.patch(location, 10, Arrays.copyOfRange(source, 10, 20), "Upload-Offset", "0").statusCode()).isEqualTo(400);
    assertOffset(location, 10);
  }

  /** A finished upload's local file is handed to storage and removed; the tests above need it gone. */
  private static void awaitPublished(String location) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (Files.exists(fileOf(location)) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(fileOf(location)).doesNotExist();
  }

  private static void assertOffset(String location, long expected) throws Exception {
    HttpResponse<String> head = server.head(location);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Upload-Offset")).hasValue(Long.toString(expected));
  }

  private static Path fileOf(String location) {
    return PatchTestFiles.of(server, location);
  }

  private static void assertDownloadedEquals(String location, byte[] expected) throws Exception {
    HttpResponse<byte[]> download = server.sendForBytes(HttpRequest.newBuilder(URI.create(location)).build());
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(TestServer.sha256(download.body())).isEqualTo(TestServer.sha256(expected));
  }
}
