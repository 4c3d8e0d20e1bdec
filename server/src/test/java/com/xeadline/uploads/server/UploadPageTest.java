package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The page at / is open to anyone; /api/uploads lists only the caller's finished uploads, by keyset. */
class UploadPageTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start("--auth.mode=jwt", "--auth.hmac-secret=" + "p".repeat(40));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static String bearer(String user) throws Exception {
    return "Bearer " + AuthTest.hs256("p".repeat(40), c -> c.subject(user).issuer(null).audience((String) null));
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return server.send(b.GET().build());
  }

  @Test
  void thePageIsServedWithoutATokenUnderAStrictPolicy() throws Exception {
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(p -> assertThat(p).contains("default-src 'self'"));
    String etag = page.headers().firstValue("ETag").orElseThrow();
    assertThat(get("/", "If-None-Match", etag).statusCode()).isEqualTo(304);
    if (page.body().contains("app.js")) {
      // Built with npm: the bundle is there and holds Uppy, nothing is loaded from elsewhere.
      HttpResponse<String> script = get("/app.js");
      assertThat(script.statusCode()).isEqualTo(200);
      assertThat(script.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
      assertThat(script.body()).contains("tus").doesNotContain("cdn.");
      assertThat(page.body()).doesNotContain("https://");
    } else {
      assertThat(page.body()).contains("not built into this binary").contains("npm");
    }
    assertThat(get("/nothing-here.js").statusCode()).isEqualTo(404);
    // Only top-level page files are open: deeper paths still need a token.
    assertThat(get("/bench/discard").statusCode()).isEqualTo(401);
  }

  @Test
  void theListingPagesThroughTheCallersFinishedUploadsNewestFirst() throws Exception {
    String carol = bearer("carol");
    List<String> finished = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String location = server.create(3, "Authorization", carol, "Upload-Metadata", "filename " + b64("clip" + i + ".mp4"));
      assertThat(server.patch(location, 0, "abc".getBytes(StandardCharsets.UTF_8), "Authorization", carol).statusCode())
          .isEqualTo(204);
      finished.add(0, location.substring(location.lastIndexOf('/') + 1));
    }
    server.create(10, "Authorization", carol); // unfinished: not listed
    server.create(3, "Authorization", bearer("dave")); // someone else's

    assertThat(get("/api/uploads").statusCode()).isEqualTo(401);
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      HttpResponse<String> response =
          get("/api/uploads?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), "Authorization", carol);
      assertThat(response.statusCode()).isEqualTo(200);
      JsonNode body = JSON.readTree(response.body());
      for (JsonNode item : body.get("items")) {
        seen.add(item.get("uploadId").asText());
        assertThat(item.get("fileSize").asLong()).isEqualTo(3);
        assertThat(item.get("fileName").asText()).startsWith("clip");
        assertThat(item.get("url").asText()).startsWith("http://");
      }
      cursor = body.get("nextCursor").isNull() ? null : body.get("nextCursor").asText();
      pages++;
    } while (cursor != null);
    assertThat(pages).isEqualTo(3);
    assertThat(seen).containsExactlyElementsOf(finished);

    JsonNode none = JSON.readTree(get("/api/uploads", "Authorization", bearer("erin")).body());
    assertThat(none.get("items")).isEmpty();
  }

  @Test
  void aForgedCursorOrLimitIsAProblem() throws Exception {
    String erin = bearer("erin");
    for (String query : List.of("cursor=!!!", "cursor=" + b64("no-bar"), "limit=0", "limit=1000")) {
      HttpResponse<String> response = get("/api/uploads?" + query, "Authorization", erin);
      assertThat(response.statusCode()).as(query).isEqualTo(400);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
