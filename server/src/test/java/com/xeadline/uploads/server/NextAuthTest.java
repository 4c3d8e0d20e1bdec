package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.xeadline.uploads.server.auth.NextAuthSessions;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The app's next-auth sessions as a way in: v4 and v5 cookies, chunked cookies, Bearer, CSRF. */
class NextAuthTest {
  private static final String SECRET = "the-apps-nextauth-secret";
  private static final String APP = "https://app.example";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server =
        TestServer.start(
            "--auth.mode=jwt",
            "--auth.hmac-secret=" + AuthTest.class.getSimpleName() + "-secret-of-more-than-32-bytes",
            "--auth.nextauth-secret=" + SECRET,
            "--cors.allowed-origins=" + APP);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  /** As next-auth v4 encodes: JWE dir / A256GCM, key HKDF-SHA256(secret, "", info, 32). */
  static String v4(String secret, String sub, Instant exp) throws Exception {
    byte[] key = NextAuthSessions.hkdf(secret.getBytes(StandardCharsets.UTF_8), new byte[0], "NextAuth.js Generated Encryption Key", 32);
    return encrypt(new JWEHeader(JWEAlgorithm.DIR, EncryptionMethod.A256GCM), key, sub, exp);
  }

  /** As Auth.js v5 encodes: JWE dir / A256CBC-HS512, 64-byte key salted with the cookie name. */
  static String v5(String secret, String cookie, String sub, Instant exp) throws Exception {
    byte[] key =
        NextAuthSessions.hkdf(
            secret.getBytes(StandardCharsets.UTF_8), cookie.getBytes(StandardCharsets.UTF_8), "Auth.js Generated Encryption Key (" + cookie + ")", 64);
    return encrypt(new JWEHeader(JWEAlgorithm.DIR, EncryptionMethod.A256CBC_HS512), key, sub, exp);
  }

  private static String encrypt(JWEHeader header, byte[] key, String sub, Instant exp) throws Exception {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .subject(sub)
            .claim("name", "Alice")
            .claim("email", "alice@example.com")
            .issueTime(Date.from(Instant.now()))
            .expirationTime(Date.from(exp))
            .jwtID(UUID.randomUUID().toString())
            .build();
    EncryptedJWT jwt = new EncryptedJWT(header, claims);
    jwt.encrypt(new DirectEncrypter(key));
    return jwt.serialize();
  }

  @Test
  void hkdfMatchesRfc5869() {
    byte[] ikm = new byte[22];
    java.util.Arrays.fill(ikm, (byte) 0x0b);
    HexFormat hex = HexFormat.of();
    assertThat(hex.formatHex(NextAuthSessions.hkdf(ikm, hex.parseHex("000102030405060708090a0b0c"), hex.parseHex("f0f1f2f3f4f5f6f7f8f9"), 42)))
        .isEqualTo("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
    assertThat(hex.formatHex(NextAuthSessions.hkdf(ikm, new byte[0], "", 42)))
        .isEqualTo("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
  }

  @Test
  void aNextAuthV4CookieSignsIn() throws Exception {
    String cookie = "next-auth.session-token=" + v4(SECRET, "user-v4", Instant.now().plusSeconds(3600));
    HttpResponse<String> init = init(cookie, APP);
    String id = json(init, 200).get("uploadId").asText();
    assertThat(json(status(id, cookie), 200).get("status").asText()).isEqualTo("initialized");
    String bob = "Bearer " + AuthTest.hs256(AuthTest.class.getSimpleName() + "-secret-of-more-than-32-bytes", c -> c.subject("bob"));
    assertThat(status(id, null, "Authorization", bob).statusCode()).isEqualTo(403);
  }

  @Test
  void theSecureNameInChunksAndAsBearerToo() throws Exception {
    String token = v4(SECRET, "user-chunks", Instant.now().plusSeconds(3600));
    int half = token.length() / 2;
    String chunked =
        "other=1; __Secure-next-auth.session-token.0=" + token.substring(0, half) + "; __Secure-next-auth.session-token.1=" + token.substring(half);
    String id = json(init(chunked, APP), 200).get("uploadId").asText();
    assertThat(status(id, null, "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
  }

  @Test
  void anAuthJsV5CookieSignsInWithItsOwnNameAsSalt() throws Exception {
    String token = v5(SECRET, "authjs.session-token", "user-v5", Instant.now().plusSeconds(3600));
    String id = json(init("authjs.session-token=" + token, APP), 200).get("uploadId").asText();
    assertThat(status(id, "authjs.session-token=" + token).statusCode()).isEqualTo(200);
    // The same token under the secure name was salted differently: it cannot be read there.
    assertThat(json(status(id, "__Secure-authjs.session-token=" + token), 401).get("error").asText()).contains("cannot be decrypted");
  }

  @Test
  void expiredAndForgedSessionsAre401WithAClearMessage() throws Exception {
    JsonNode expired = json(init("next-auth.session-token=" + v4(SECRET, "u", Instant.now().minusSeconds(3600)), APP), 401);
    assertThat(expired.get("error").asText()).isEqualTo("The next-auth session has expired; sign in again");
    JsonNode forged = json(init("next-auth.session-token=" + v4("another-secret", "u", Instant.now().plusSeconds(3600)), APP), 401);
    assertThat(forged.get("error").asText()).contains("cannot be decrypted");
    JsonNode garbage = json(init("next-auth.session-token=abc.def", APP), 401);
    assertThat(garbage.get("error").asText()).contains("not an encrypted JWT");
    HttpResponse<String> none = server.send(HttpRequest.newBuilder(server.uri("/api/storage/upload-status?uploadId=x")).build());
    assertThat(json(none, 401).get("error").asText()).isEqualTo("A Bearer token or a next-auth session cookie is required");
  }

  @Test
  void cookieRequestsThatChangeStateMustComeFromAnAllowedOrigin() throws Exception {
    String cookie = "next-auth.session-token=" + v4(SECRET, "user-csrf", Instant.now().plusSeconds(3600));
    assertThat(json(init(cookie, null), 403).get("error").asText()).contains("Origin");
    assertThat(json(init(cookie, "https://evil.example"), 403).get("error").asText()).contains("https://evil.example");
    String own = server.uri("/").toString().replaceAll("/$", "");
    assertThat(init(cookie, own).statusCode()).isEqualTo(200);
    // Reading needs no Origin (a GET changes nothing).
    String id = json(init(cookie, APP), 200).get("uploadId").asText();
    assertThat(status(id, cookie).statusCode()).isEqualTo(200);
    // A Bearer token is not sent by the browser on its own: no Origin needed.
    String token = v4(SECRET, "user-csrf", Instant.now().plusSeconds(3600));
    assertThat(
            server.send(post("/api/storage/init-chunked-upload").header("Authorization", "Bearer " + token).build()).statusCode())
        .isEqualTo(200);
  }

  private static HttpRequest.Builder post(String path) {
    return HttpRequest.newBuilder(server.uri(path))
        .header("Content-Type", "application/json")
        .POST(BodyPublishers.ofString("{\"fileName\":\"a.mp4\",\"fileSize\":100,\"contentType\":\"video/mp4\",\"totalChunks\":2}"));
  }

  private static HttpResponse<String> init(String cookie, String origin) throws Exception {
    HttpRequest.Builder request = post("/api/storage/init-chunked-upload").header("Cookie", cookie);
    if (origin != null) {
      request.header("Origin", origin);
    }
    return server.send(request.build());
  }

  private static HttpResponse<String> status(String id, String cookie, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.uri("/api/storage/upload-status?uploadId=" + id));
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    if (headers.length > 0) {
      request.headers(headers);
    }
    return server.send(request.build());
  }

  private static JsonNode json(HttpResponse<String> response, int status) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return JSON.readTree(response.body());
  }
}
