package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 9530 Repr-Digest: the whole representation must match before the upload completes. */
class ResumableDigestTest extends ServerPerClass {
  private static final String V8 = ResumableUploadTest.V8;
  private final byte[] source = TestServer.randomBytes(150 * 1024 + 9, 21);

  @Test
  void aMatchingDigestCompletesAndAWrongOneFailsTheUpload() throws Exception {
    RawHttp.Response good =
        RawHttp.last(RawHttp.exchange(server.uri("/files/"), "POST", source, V8, "Upload-Complete: ?1", digest("sha-256", "SHA-256", source)));
    assertThat(good.status()).isEqualTo(201);
    assertThat(good.header("Upload-Complete")).isEqualTo("?1");

    byte[] other = source.clone();
    other[1000] ^= 1;
    List<RawHttp.Response> bad =
        RawHttp.exchange(server.uri("/files/"), "POST", other, V8, "Upload-Complete: ?1", digest("sha-256", "SHA-256", source));
    RawHttp.Response refused = RawHttp.last(bad);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.body()).contains("Repr-Digest sha-256 does not match");
    assertThat(ResumableUploadTest.head(bad.get(0).header("Location")).status()).isEqualTo(404);
  }

  @Test
  void theCreationsDigestIsCheckedWhenAResumedUploadCompletes() throws Exception {
    int sent = 50_000;
    String location;
    try (RawHttp creation =
        new RawHttp(
            server.uri("/files/"), "POST", V8, "Upload-Complete: ?1", "Content-Length: " + source.length, digest("sha-512", "SHA-512", source))) {
      location = creation.next().header("Location");
      creation.send(source, 0, sent);
      String created = location;
      Poll.until("the sent part is on disk", () -> server.bytesOnDisk(created) == sent);
    }
    long offset = Long.parseLong(ResumableUploadTest.head(location).header("Upload-Offset"));
    RawHttp.Response rest = ResumableUploadTest.append(location, offset, Arrays.copyOfRange(source, (int) offset, source.length), true);
    assertThat(rest.status()).isEqualTo(204);
    assertThat(rest.header("Upload-Complete")).isEqualTo("?1");
  }

  @Test
  void aWrongDigestSentWithTheLastAppendFailsTheUpload() throws Exception {
    RawHttp.Response created =
        RawHttp.last(RawHttp.exchange(server.uri("/files/"), "POST", new byte[0], V8, "Upload-Complete: ?0", "Upload-Length: " + source.length));
    String location = created.header("Location");
    assertThat(ResumableUploadTest.append(location, 0, Arrays.copyOf(source, 1000), false).status()).isEqualTo(204);
    RawHttp.Response last =
        RawHttp.last(
            RawHttp.exchange(
                URI.create(location),
                "PATCH",
                Arrays.copyOfRange(source, 1000, source.length),
                V8,
                ResumableUploadTest.PARTIAL,
                "Upload-Offset: 1000",
                "Upload-Complete: ?1",
                digest("sha-256", "SHA-256", new byte[] {1, 2, 3})));
    assertThat(last.status()).isEqualTo(400);
    assertThat(ResumableUploadTest.head(location).status()).isEqualTo(404);
  }

  private static String digest(String name, String algorithm, byte[] bytes) throws Exception {
    return "Repr-Digest: " + name + "=:" + Base64.getEncoder().encodeToString(MessageDigest.getInstance(algorithm).digest(bytes)) + ":";
  }
}
