package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** concatenation and concatenation-unfinished: parallel parts joined into one file. */
class ConcatenationTest extends ServerPerClass {
  private static final byte[] SOURCE = TestServer.randomBytes(300_001, 12);

  @Test
  void joinsFinishedPartsIntoAFinalUpload() throws Exception {
    String a = partial(Arrays.copyOfRange(SOURCE, 0, 100_000), true);
    String b = partial(Arrays.copyOfRange(SOURCE, 100_000, SOURCE.length), true);
    HttpResponse<String> created = createFinal(a + " " + b);
    assertThat(created.statusCode()).isEqualTo(201);
    String location = created.headers().firstValue("Location").orElseThrow();

    HttpResponse<String> head = server.head(location);
    assertThat(head.headers().firstValue("Upload-Concat")).hasValue("final;" + a + " " + b);
    assertThat(head.headers().firstValue("Upload-Offset")).hasValue(Integer.toString(SOURCE.length));
    assertThat(head.headers().firstValue("Upload-Length")).hasValue(Integer.toString(SOURCE.length));
    assertThat(server.head(a).headers().firstValue("Upload-Concat")).hasValue("partial");
    assertDownloaded(location);
    // The list of finished uploads names the final, not its parts.
    String list = server.send(HttpRequest.newBuilder(server.uri("/api/uploads?limit=100")).build()).body();
    assertThat(list).contains(id(location)).doesNotContain(id(a)).doesNotContain(id(b));
  }

  private static String id(String location) {
    return location.substring(location.lastIndexOf('/') + 1);
  }

  @Test
  void aFinalCreatedBeforeItsPartsFinishCompletesWithTheLastPart() throws Exception {
    byte[] first = Arrays.copyOfRange(SOURCE, 0, 150_000);
    byte[] second = Arrays.copyOfRange(SOURCE, 150_000, SOURCE.length);
    String a = partial(first, false);
    String b = partial(second, false);
    String location = createFinal(a + " " + b).headers().firstValue("Location").orElseThrow();
    assertThat(server.head(location).headers().firstValue("Upload-Offset")).isEmpty();
    assertThat(server.sendForBytes(HttpRequest.newBuilder(URI.create(location)).build()).statusCode()).isEqualTo(409);

    assertThat(server.patch(a, 0, first).statusCode()).isEqualTo(204);
    assertThat(server.head(location).headers().firstValue("Upload-Offset")).isEmpty();
    assertThat(server.patch(b, 0, second).statusCode()).isEqualTo(204);
    assertThat(server.head(location).headers().firstValue("Upload-Offset")).hasValue(Integer.toString(SOURCE.length));
    assertDownloaded(location);
  }

  @Test
  void refusesFinalsOverNonPartialOrUnknownUploadsAndPatchesToAFinal() throws Exception {
    String regular = server.create(10);
    assertThat(createFinal(regular).statusCode()).isEqualTo(400);
    assertThat(createFinal(server.uri("/files/00000000-0000-0000-0000-000000000000").toString()).statusCode()).isEqualTo(400);
    assertThat(createFinal("").statusCode()).isEqualTo(400);

    String part = partial(new byte[10], true);
    String location = createFinal(part).headers().firstValue("Location").orElseThrow();
    assertThat(server.patch(location, 10, new byte[1]).statusCode()).isEqualTo(403);
  }

  private static String partial(byte[] bytes, boolean send) throws Exception {
    String location = server.create(bytes.length, "Upload-Concat", "partial");
    if (send) {
      assertThat(server.patch(location, 0, bytes).statusCode()).isEqualTo(204);
    }
    return location;
  }

  private static HttpResponse<String> createFinal(String parts) throws Exception {
    return server.send(
        server.tus("/files/").header("Upload-Concat", "final;" + parts).POST(BodyPublishers.noBody()).build());
  }

  private static void assertDownloaded(String location) throws Exception {
    HttpResponse<byte[]> download = server.sendForBytes(HttpRequest.newBuilder(URI.create(location)).build());
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(TestServer.sha256(download.body())).isEqualTo(TestServer.sha256(SOURCE));
  }
}
