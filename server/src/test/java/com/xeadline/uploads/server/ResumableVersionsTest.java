package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every interop version served (3 to 8) through raw HTTP/1.1, with what differs between them:
 * Upload-Incomplete (3) or Upload-Complete (4 on), application/partial-upload on appends (6 on),
 * Upload-Limit (6 on; its lifetime key expires in 6, max-age from 7), problem types (6 on).
 */
class ResumableVersionsTest extends ServerPerClass {
  private final byte[] source = TestServer.randomBytes(200 * 1024 + 3, 33);

  @ParameterizedTest
  @ValueSource(ints = {3, 4, 5, 6, 7, 8})
  void createsAppendsAndCompletes(int version) throws Exception {
    List<RawHttp.Response> responses =
        RawHttp.exchange(
            server.uri("/files/"), "POST", new byte[0], interop(version), incomplete(version, true), "Upload-Length: " + source.length);
    RawHttp.Response interim = responses.get(0);
    assertThat(interim.status()).isEqualTo(104);
    assertThat(interim.header("Upload-Draft-Interop-Version")).isEqualTo(Integer.toString(version));
    RawHttp.Response created = RawHttp.last(responses);
    assertThat(created.status()).isEqualTo(201);
    String location = created.header("Location");
    assertThat(location).isEqualTo(interim.header("Location"));
    assertCompleteness(created, version, false);

    RawHttp.Response first = append(version, location, 0, Arrays.copyOf(source, 5000), false);
    assertThat(first.status()).isEqualTo(204);
    assertThat(first.header("Upload-Offset")).isEqualTo("5000");
    assertCompleteness(first, version, false);

    RawHttp.Response head = head(version, location);
    assertThat(head.status()).isEqualTo(204);
    assertThat(head.header("Upload-Offset")).isEqualTo("5000");
    assertThat(head.header("Upload-Length")).isEqualTo(Integer.toString(source.length));
    assertCompleteness(head, version, false);
    if (version < 6) {
      assertThat(head.header("Upload-Limit")).isNull();
    } else {
      assertThat(head.header("Upload-Limit")).contains("max-size=").contains(version == 6 ? "expires=" : "max-age=");
    }

    RawHttp.Response stale = append(version, location, 0, Arrays.copyOf(source, 10), false);
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.header("Upload-Offset")).isEqualTo("5000");
    assertThat(stale.body()).contains(version >= 6 ? "#mismatching-upload-offset" : "\"type\":\"about:blank\"");

    RawHttp.Response last = append(version, location, 5000, Arrays.copyOfRange(source, 5000, source.length), true);
    assertThat(last.status()).isEqualTo(204);
    assertCompleteness(last, version, true);
    assertThat(TestServer.sha256(server.sendForBytes(java.net.http.HttpRequest.newBuilder(URI.create(location)).build()).body()))
        .isEqualTo(TestServer.sha256(source));
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 4, 5, 6, 7, 8})
  void anInterruptedCreationResumesByteExact(int version) throws Exception {
    int sent = source.length / 3;
    String location;
    try (RawHttp creation =
        new RawHttp(server.uri("/files/"), "POST", interop(version), incomplete(version, false), "Content-Length: " + source.length)) {
      RawHttp.Response interim = creation.next();
      assertThat(interim.status()).isEqualTo(104);
      location = interim.header("Location");
      creation.send(source, 0, sent);
    }
    RawHttp.Response head = head(version, location);
    assertCompleteness(head, version, false);
    long offset = Long.parseLong(head.header("Upload-Offset"));
    assertThat(offset).isBetween(1L, (long) sent);
    RawHttp.Response rest = append(version, location, offset, Arrays.copyOfRange(source, (int) offset, source.length), true);
    assertThat(rest.status()).isEqualTo(204);
    assertCompleteness(rest, version, true);
    assertThat(TestServer.sha256(server.sendForBytes(java.net.http.HttpRequest.newBuilder(URI.create(location)).build()).body()))
        .isEqualTo(TestServer.sha256(source));
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 4, 5, 6, 7, 8})
  void thePartialUploadTypeIsRequiredFrom6On(int version) throws Exception {
    RawHttp.Response created =
        RawHttp.last(RawHttp.exchange(server.uri("/files/"), "POST", new byte[0], interop(version), incomplete(version, true)));
    List<String> headers = new ArrayList<>(List.of(interop(version), "Upload-Offset: 0", incomplete(version, true)));
    RawHttp.Response untyped = RawHttp.last(RawHttp.exchange(URI.create(created.header("Location")), "PATCH", new byte[10], headers.toArray(String[]::new)));
    assertThat(untyped.status()).isEqualTo(version >= 6 ? 415 : 204);
  }

  static String interop(int version) {
    return "Upload-Draft-Interop-Version: " + version;
  }

  /** The header that says whether more is to come, in the version's spelling. */
  static String incomplete(int version, boolean incomplete) {
    return version == 3 ? "Upload-Incomplete: " + (incomplete ? "?1" : "?0") : "Upload-Complete: " + (incomplete ? "?0" : "?1");
  }

  private static void assertCompleteness(RawHttp.Response response, int version, boolean complete) {
    if (version == 3) {
      assertThat(response.header("Upload-Incomplete")).isEqualTo(complete ? "?0" : "?1");
      assertThat(response.header("Upload-Complete")).isNull();
    } else {
      assertThat(response.header("Upload-Complete")).isEqualTo(complete ? "?1" : "?0");
      assertThat(response.header("Upload-Incomplete")).isNull();
    }
  }

  private static RawHttp.Response head(int version, String location) throws Exception {
    return RawHttp.last(RawHttp.exchange(URI.create(location), "HEAD", null, interop(version)));
  }

  /** An append as the version writes it; under 3 the last part is the one without Upload-Incomplete. */
  private static RawHttp.Response append(int version, String location, long offset, byte[] body, boolean last) throws Exception {
    List<String> headers = new ArrayList<>(List.of(interop(version), "Upload-Offset: " + offset));
    if (version >= 6) {
      headers.add("Content-Type: application/partial-upload");
    }
    if (version != 3 || !last) {
      headers.add(incomplete(version, !last));
    }
    return RawHttp.last(RawHttp.exchange(URI.create(location), "PATCH", body, headers.toArray(String[]::new)));
  }
}
