package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** GET: downloading a finished upload, whole or by range. */
class GetTest {
  private static final byte[] SOURCE = TestServer.randomBytes(1000, 10);
  private static TestServer server;
  private static String location;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
    // "clip één.mp4" and "video/mp4", base64
    location = server.create(SOURCE.length, "Upload-Metadata", "filename Y2xpcCDDqcOpbi5tcDQ=,filetype dmlkZW8vbXA0");
    server.patch(location, 0, SOURCE);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void servesTheWholeVideoInlineAndCacheable() throws Exception {
    HttpResponse<byte[]> response = get();
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(SOURCE);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("video/mp4");
    assertThat(response.headers().firstValue("Content-Length")).hasValue("1000");
    assertThat(response.headers().firstValue("Content-Disposition"))
        .hasValue("inline; filename=\"clip __n.mp4\"; filename*=UTF-8''clip%20%C3%A9%C3%A9n.mp4");
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("public, max-age=86400");
    assertThat(response.headers().firstValue("Accept-Ranges")).hasValue("bytes");
    assertThat(response.headers().firstValue("ETag")).isPresent();
    assertThat(response.headers().firstValue("Last-Modified")).isPresent();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"bytes=0-9, 0, 9", "bytes=990-, 990, 999", "bytes=-10, 990, 999", "bytes=500-5000, 500, 999"})
  void servesSingleRanges(String range, int first, int last) throws Exception {
    HttpResponse<byte[]> response = get("Range", range);
    assertThat(response.statusCode()).isEqualTo(206);
    assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes " + first + "-" + last + "/1000");
    assertThat(response.body()).isEqualTo(Arrays.copyOfRange(SOURCE, first, last + 1));
  }

  @Test
  void anUnsatisfiableRangeIs416() throws Exception {
    HttpResponse<byte[]> response = get("Range", "bytes=1000-");
    assertThat(response.statusCode()).isEqualTo(416);
    assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes */1000");
  }

  @Test
  void aStaleIfRangeGetsTheWholeFileAndAMatchingIfNoneMatchA304() throws Exception {
    HttpResponse<byte[]> whole = get("Range", "bytes=0-9", "If-Range", "\"other\"");
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(whole.body()).isEqualTo(SOURCE);
    String etag = whole.headers().firstValue("ETag").orElseThrow();
    assertThat(get("If-None-Match", etag).statusCode()).isEqualTo(304);
  }

  @Test
  void anUnfinishedUploadIs409AndAnUnknownOne404() throws Exception {
    String unfinished = server.create(10);
    assertThat(server.sendForBytes(HttpRequest.newBuilder(URI.create(unfinished)).build()).statusCode()).isEqualTo(409);
    assertThat(server.sendForBytes(HttpRequest.newBuilder(server.uri("/files/00000000-0000-0000-0000-000000000000")).build()).statusCode())
        .isEqualTo(404);
  }

  private static HttpResponse<byte[]> get(String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(location));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return server.sendForBytes(request.build());
  }
}
