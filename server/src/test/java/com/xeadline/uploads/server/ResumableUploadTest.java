package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The IETF resumable-upload draft at its latest interop version (8), over raw HTTP/1.1. */
class ResumableUploadTest extends ServerPerClass {
  static final String V8 = "Upload-Draft-Interop-Version: 8";
  static final String PARTIAL = "Content-Type: application/partial-upload";
  private final byte[] source = TestServer.randomBytes(300 * 1024 + 17, 18);

  @Test
  void createsWithTheWholeBodyAndAnnouncesTheUploadIn104First() throws Exception {
    List<RawHttp.Response> responses =
        RawHttp.exchange(
            server.uri("/files/"),
            "POST",
            source,
            V8,
            "Upload-Complete: ?1",
            "Content-Type: video/mp4",
            "Content-Disposition: inline; filename=\"clip one.mp4\"");
    assertThat(responses).hasSize(2);
    RawHttp.Response interim = responses.get(0);
    RawHttp.Response created = responses.get(1);
    assertThat(interim.status()).isEqualTo(104);
    assertThat(interim.header("Location")).startsWith(server.uri("/files/").toString());
    assertThat(interim.header("Upload-Draft-Interop-Version")).isEqualTo("8");
    assertThat(interim.header("Upload-Limit")).contains("max-size=");
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.header("Location")).isEqualTo(interim.header("Location"));
    assertThat(created.header("Upload-Complete")).isEqualTo("?1");
    assertThat(created.header("Upload-Offset")).isEqualTo(Integer.toString(source.length));
    HttpResponse<byte[]> download = downloaded(created.header("Location"));
    assertThat(TestServer.sha256(download.body())).isEqualTo(TestServer.sha256(source));
    assertThat(download.headers().firstValue("Content-Disposition")).hasValueSatisfying(v -> assertThat(v).contains("clip one.mp4"));
    assertThat(download.headers().firstValue("Content-Type")).hasValue("video/mp4");
  }

  @Test
  void anInterruptedCreationResumesFromThe104sLocationToAByteExactFile() throws Exception {
    int half = source.length / 2;
    String location;
    try (RawHttp creation =
        new RawHttp(server.uri("/files/"), "POST", V8, "Upload-Complete: ?1", "Content-Length: " + source.length)) {
      // Nothing of the body is sent until the 104 is in: it comes before the server reads the body.
      RawHttp.Response interim = creation.next();
      assertThat(interim.status()).isEqualTo(104);
      location = interim.header("Location");
      creation.send(source, 0, half);
    } // cut off mid-body
    RawHttp.Response head = head(location);
    assertThat(head.status()).isEqualTo(204);
    assertThat(head.header("Upload-Complete")).isEqualTo("?0");
    assertThat(head.header("Upload-Length")).isEqualTo(Integer.toString(source.length));
    assertThat(head.header("Cache-Control")).isEqualTo("no-store");
    long offset = Long.parseLong(head.header("Upload-Offset"));
    assertThat(offset).isBetween(1L, (long) half);
    RawHttp.Response appended = append(location, offset, Arrays.copyOfRange(source, (int) offset, source.length), true);
    assertThat(appended.status()).isEqualTo(204);
    assertThat(appended.header("Upload-Complete")).isEqualTo("?1");
    assertThat(appended.header("Upload-Offset")).isEqualTo(Integer.toString(source.length));
    assertThat(TestServer.sha256(downloaded(location).body())).isEqualTo(TestServer.sha256(source));
  }

  @Test
  void aHeadCutsAStalledCreationAndAnswersWhatItSaved() throws Exception {
    int part = 100_000;
    try (RawHttp creation =
        new RawHttp(server.uri("/files/"), "POST", V8, "Upload-Complete: ?1", "Content-Length: " + source.length)) {
      String location = creation.next().header("Location");
      creation.send(source, 0, part);
      // The bytes are written; the client now stalls without closing.
      Poll.until("the sent part is on disk", () -> server.bytesOnDisk(location) == part);
      RawHttp.Response head = head(location);
      assertThat(head.status()).isEqualTo(204);
      assertThat(head.header("Upload-Offset")).isEqualTo(Integer.toString(part));
      RawHttp.Response appended = append(location, part, Arrays.copyOfRange(source, part, source.length), true);
      assertThat(appended.status()).isEqualTo(204);
      assertThat(TestServer.sha256(downloaded(location).body())).isEqualTo(TestServer.sha256(source));
    }
  }

  @Test
  void aChunkedCreationOfUnknownLengthCompletesAtItsEnd() throws Exception {
    String location;
    try (RawHttp creation =
        new RawHttp(server.uri("/files/"), "POST", V8, "Upload-Complete: ?1", "Transfer-Encoding: chunked")) {
      RawHttp.Response interim = creation.next();
      assertThat(interim.status()).isEqualTo(104);
      location = interim.header("Location");
      for (int from = 0; from < source.length; from += 64 * 1024) {
        int length = Math.min(64 * 1024, source.length - from);
        chunk(creation, source, from, length);
      }
      chunk(creation, source, 0, 0);
      RawHttp.Response created = creation.next();
      assertThat(created.status()).isEqualTo(201);
      assertThat(created.header("Upload-Complete")).isEqualTo("?1");
      assertThat(created.header("Upload-Length")).isEqualTo(Integer.toString(source.length));
    }
    assertThat(TestServer.sha256(downloaded(location).body())).isEqualTo(TestServer.sha256(source));
  }

  @Test
  void appendsInPartsThenCompletes() throws Exception {
    List<RawHttp.Response> responses =
        RawHttp.exchange(server.uri("/files/"), "POST", new byte[0], V8, "Upload-Complete: ?0", "Upload-Length: " + source.length);
    assertThat(responses.get(0).status()).isEqualTo(104);
    RawHttp.Response created = RawHttp.last(responses);
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.header("Upload-Complete")).isEqualTo("?0");
    assertThat(created.header("Upload-Offset")).isEqualTo("0");
    String location = created.header("Location");
    RawHttp.Response first = append(location, 0, Arrays.copyOf(source, 1000), false);
    assertThat(first.status()).isEqualTo(204);
    assertThat(first.header("Upload-Complete")).isEqualTo("?0");
    assertThat(first.header("Upload-Offset")).isEqualTo("1000");
    RawHttp.Response head = head(location);
    assertThat(head.header("Upload-Offset")).isEqualTo("1000");
    assertThat(head.header("Upload-Limit")).matches("max-size=\\d+, max-age=\\d+");
    assertThat(append(location, 1000, Arrays.copyOfRange(source, 1000, source.length), true).status()).isEqualTo(204);
    RawHttp.Response done = head(location);
    assertThat(done.header("Upload-Complete")).isEqualTo("?1");
    assertThat(done.header("Upload-Offset")).isEqualTo(Integer.toString(source.length));
    assertThat(TestServer.sha256(downloaded(location).body())).isEqualTo(TestServer.sha256(source));
  }

  @Test
  void aWrongOffsetIs409WithTheRightOneAndNothingIsKept() throws Exception {
    String location = createEmpty();
    assertThat(append(location, 0, Arrays.copyOf(source, 10), false).status()).isEqualTo(204);
    RawHttp.Response stale = append(location, 0, Arrays.copyOf(source, 10), false);
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.header("Content-Type")).startsWith("application/problem+json");
    assertThat(stale.header("Upload-Offset")).isEqualTo("10");
    assertThat(stale.body())
        .contains("\"type\":\"https://iana.org/assignments/http-problem-types#mismatching-upload-offset\"")
        .contains("\"expected-offset\":10")
        .contains("\"provided-offset\":0");
    assertThat(append(location, 25, Arrays.copyOf(source, 10), false).status()).isEqualTo(409);
    assertThat(head(location).header("Upload-Offset")).isEqualTo("10");
  }

  @Test
  void anAppendAfterCompletionIs400CompletedUpload() throws Exception {
    String location = createEmpty();
    assertThat(append(location, 0, Arrays.copyOf(source, 10), true).status()).isEqualTo(204);
    RawHttp.Response after = append(location, 10, Arrays.copyOf(source, 5), true);
    assertThat(after.status()).isEqualTo(400);
    assertThat(after.header("Upload-Complete")).isEqualTo("?1");
    assertThat(after.body()).contains("https://iana.org/assignments/http-problem-types#completed-upload");
    assertThat(downloaded(location).body()).isEqualTo(Arrays.copyOf(source, 10));
  }

  @Test
  void anAppendWithoutThePartialUploadTypeIs415() throws Exception {
    String location = createEmpty();
    List<RawHttp.Response> responses =
        RawHttp.exchange(
            URI.create(location), "PATCH", Arrays.copyOf(source, 10), V8, "Upload-Offset: 0", "Upload-Complete: ?0",
            "Content-Type: application/offset+octet-stream");
    assertThat(RawHttp.last(responses).status()).isEqualTo(415);
    assertThat(head(location).header("Upload-Offset")).isEqualTo("0");
  }

  @Test
  void inconsistentLengthsAre400() throws Exception {
    List<RawHttp.Response> responses =
        RawHttp.exchange(server.uri("/files/"), "POST", Arrays.copyOf(source, 10), V8, "Upload-Complete: ?1", "Upload-Length: 11");
    RawHttp.Response refused = RawHttp.last(responses);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.body()).contains("inconsistent-upload-length");
    assertThat(responses).hasSize(1); // refused before an upload existed: no 104
  }

  @Test
  void deleteCancelsTheUpload() throws Exception {
    String location = createEmpty();
    assertThat(append(location, 0, Arrays.copyOf(source, 10), false).status()).isEqualTo(204);
    assertThat(RawHttp.last(RawHttp.exchange(URI.create(location), "DELETE", null, V8)).status()).isEqualTo(204);
    assertThat(head(location).status()).isEqualTo(404);
  }

  @Test
  void optionsAnnouncesPartialUploadsAndTheLimit() throws Exception {
    RawHttp.Response options = RawHttp.last(RawHttp.exchange(server.uri("/files/"), "OPTIONS", null, V8));
    assertThat(options.status()).isEqualTo(204);
    assertThat(options.header("Accept-Patch")).isEqualTo("application/partial-upload");
    assertThat(options.header("Upload-Limit")).startsWith("max-size=");
  }

  @Test
  void aDraftUploadIsATusUploadToo() throws Exception {
    String location = createEmpty();
    assertThat(append(location, 0, Arrays.copyOf(source, 10), false).status()).isEqualTo(204);
    HttpResponse<String> tusHead = server.head(location);
    assertThat(tusHead.statusCode()).isEqualTo(200);
    assertThat(tusHead.headers().firstValue("Upload-Offset")).hasValue("10");
    assertThat(server.patch(location, 10, Arrays.copyOfRange(source, 10, 20)).statusCode()).isEqualTo(204);
    assertThat(head(location).header("Upload-Offset")).isEqualTo("20");
  }

  @Test
  void anUnservedInteropVersionGetsNo104() throws Exception {
    List<RawHttp.Response> whole =
        RawHttp.exchange(server.uri("/files/"), "POST", source, "Upload-Draft-Interop-Version: 99", "Upload-Complete: ?1");
    assertThat(whole).hasSize(1);
    assertThat(whole.get(0).status()).isEqualTo(201);
    assertThat(TestServer.sha256(downloaded(whole.get(0).header("Location")).body())).isEqualTo(TestServer.sha256(source));
    List<RawHttp.Response> partial =
        RawHttp.exchange(server.uri("/files/"), "POST", new byte[0], "Upload-Draft-Interop-Version: 99", "Upload-Complete: ?0");
    assertThat(partial).hasSize(1);
    assertThat(partial.get(0).status()).isEqualTo(412); // as tus answers any request it cannot place
  }

  /** One chunk of a chunked body; the empty one ends it. */
  private static void chunk(RawHttp http, byte[] data, int from, int length) throws Exception {
    byte[] size = (Integer.toHexString(length) + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    http.send(size, 0, size.length);
    http.send(data, from, length);
    http.send(new byte[] {'\r', '\n'}, 0, 2);
  }

  private String createEmpty() throws Exception {
    RawHttp.Response created =
        RawHttp.last(RawHttp.exchange(server.uri("/files/"), "POST", new byte[0], V8, "Upload-Complete: ?0"));
    assertThat(created.status()).isEqualTo(201);
    return created.header("Location");
  }

  static RawHttp.Response head(String location) throws Exception {
    return RawHttp.last(RawHttp.exchange(URI.create(location), "HEAD", null, V8));
  }

  static RawHttp.Response append(String location, long offset, byte[] body, boolean complete) throws Exception {
    return RawHttp.last(
        RawHttp.exchange(
            URI.create(location), "PATCH", body, V8, PARTIAL, "Upload-Offset: " + offset, "Upload-Complete: " + (complete ? "?1" : "?0")));
  }

  private static HttpResponse<byte[]> downloaded(String location) throws Exception {
    HttpResponse<byte[]> response = server.sendForBytes(HttpRequest.newBuilder(URI.create(location)).build());
    assertThat(response.statusCode()).isEqualTo(200);
    return response;
  }
}
