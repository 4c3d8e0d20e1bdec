package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may do what: tokens refused on every route, owners kept apart, grants scoped. */
class AuthTest {
  private static final String SECRET = "test-secret-of-more-than-thirty-two-bytes!!";
  private static final String ISSUER = "https://id.example";
  private static final String AUDIENCE = "uploads";
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server =
        TestServer.start(
            "--auth.mode=jwt", "--auth.hmac-secret=" + SECRET, "--auth.issuer=" + ISSUER, "--auth.audience=" + AUDIENCE);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static String hs256(String secret, Function<JWTClaimsSet.Builder, JWTClaimsSet.Builder> claims) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.apply(valid("alice")).build());
    jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
    return jwt.serialize();
  }

  static JWTClaimsSet.Builder valid(String user) {
    return new JWTClaimsSet.Builder()
        .subject(user)
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .expirationTime(Date.from(Instant.now().plusSeconds(600)));
  }

  static String token(String user) throws Exception {
    return hs256(SECRET, c -> valid(user));
  }

  @Test
  void everyBadTokenIsRefusedWith401OnEveryProtectedRoute() throws Exception {
    String location = create(token("alice"));
    String id = location.substring(location.lastIndexOf('/') + 1);
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("missing", null);
    bad.put("garbage", "not.a.token");
    bad.put("alg none", new PlainJWT(valid("alice").build()).serialize());
    bad.put("wrong secret", hs256("another-secret-of-more-than-thirty-two-bytes", c -> c));
    bad.put("expired", hs256(SECRET, c -> c.expirationTime(Date.from(Instant.now().minusSeconds(3600)))));
    bad.put("not yet valid", hs256(SECRET, c -> c.notBeforeTime(Date.from(Instant.now().plusSeconds(3600)))));
    bad.put("wrong issuer", hs256(SECRET, c -> c.issuer("https://evil.example")));
    bad.put("wrong audience", hs256(SECRET, c -> c.audience("someone-else")));
    bad.put("no subject", hs256(SECRET, c -> c.subject(null)));
    bad.put("numeric subject", hs256(SECRET, c -> c.claim("sub", 12345)));
    bad.put("no expiry", hs256(SECRET, c -> c.expirationTime(null)));

    List<String> failures = new ArrayList<>();
    for (Map.Entry<String, String> token : bad.entrySet()) {
      for (HttpRequest.Builder route : protectedRoutes(location, id)) {
        if (token.getValue() != null) {
          route.header("Authorization", "Bearer " + token.getValue());
        }
        HttpRequest request = route.build();
        HttpResponse<String> response = server.send(request);
        String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
        boolean challengeOk =
            token.getValue() == null ? challenge.startsWith("Bearer") : challenge.contains("error=\"invalid_token\"");
        if (response.statusCode() != 401 || !challengeOk || response.body().contains("Exception")) {
          failures.add(token.getKey() + " " + request.method() + " " + request.uri() + " -> " + response.statusCode() + " " + challenge);
        }
      }
    }
    assertThat(failures).isEmpty();
  }

  private static List<HttpRequest.Builder> protectedRoutes(String location, String id) {
    String json = "{\"uploadId\":\"" + id + "\"}";
    return List.of(
        server.tus("/files/").header("Upload-Length", "5").POST(BodyPublishers.noBody()),
        server.tus(location).method("HEAD", BodyPublishers.noBody()),
        server.tus(location).header("Upload-Offset", "0").header("Content-Type", "application/offset+octet-stream")
            .method("PATCH", BodyPublishers.ofString("hello")),
        server.tus(location).DELETE(),
        HttpRequest.newBuilder(URI.create(location)).GET(),
        HttpRequest.newBuilder(server.uri("/api/storage/upload-status?uploadId=" + id)).GET(),
        HttpRequest.newBuilder(server.uri("/api/storage/get-direct-upload-url?fileName=a.mp4&contentType=video/mp4")).GET(),
        HttpRequest.newBuilder(server.uri("/api/storage/init-chunked-upload")).header("Content-Type", "application/json")
            .POST(BodyPublishers.ofString("{\"fileName\":\"a.mp4\",\"fileSize\":5,\"contentType\":\"video/mp4\",\"totalChunks\":1}")),
        HttpRequest.newBuilder(server.uri("/api/storage/upload-chunk")).header("Content-Type", Multipart.contentType())
            .POST(new Multipart().field("uploadId", id).field("chunkIndex", "0").file("chunk", new byte[5]).publisher()),
        HttpRequest.newBuilder(server.uri("/api/storage/complete-chunked-upload")).header("Content-Type", "application/json")
            .POST(BodyPublishers.ofString(json)));
  }

  @Test
  void probesHealthAndCapabilityDiscoveryStayOpen() throws Exception {
    assertThat(server.send(HttpRequest.newBuilder(server.uri("/healthz")).build()).statusCode()).isEqualTo(200);
    assertThat(server.send(HttpRequest.newBuilder(server.uri("/api/storage/network-test?size=1kb")).build()).statusCode()).isEqualTo(200);
    assertThat(server.send(HttpRequest.newBuilder(server.uri("/api/openapi.json")).build()).statusCode()).isEqualTo(200);
    assertThat(server.send(HttpRequest.newBuilder(server.uri("/files/")).method("OPTIONS", BodyPublishers.noBody()).build()).statusCode())
        .isEqualTo(204);
  }

  @Test
  void anotherUsersUploadIsInvisibleOnTusAndForbiddenOnJson() throws Exception {
    String alice = token("alice");
    String bob = token("bob");
    String location = create(alice);
    String id = location.substring(location.lastIndexOf('/') + 1);
    assertThat(server.send(server.tus(location).header("Authorization", "Bearer " + bob).method("HEAD", BodyPublishers.noBody()).build()).statusCode())
        .isEqualTo(404);
    assertThat(server.patch(location, 0, new byte[5], "Authorization", "Bearer " + bob).statusCode()).isEqualTo(404);
    assertThat(server.send(server.tus(location).header("Authorization", "Bearer " + bob).DELETE().build()).statusCode()).isEqualTo(404);
    assertThat(server.patch(location, 0, new byte[5], "Authorization", "Bearer " + alice).statusCode()).isEqualTo(204);
    assertThat(server.send(HttpRequest.newBuilder(URI.create(location)).header("Authorization", "Bearer " + bob).build()).statusCode())
        .isEqualTo(404);
    assertThat(server.send(HttpRequest.newBuilder(URI.create(location)).header("Authorization", "Bearer " + alice).build()).statusCode())
        .isEqualTo(200);

    HttpResponse<String> init =
        server.send(HttpRequest.newBuilder(server.uri("/api/storage/init-chunked-upload"))
            .header("Authorization", "Bearer " + alice).header("Content-Type", "application/json")
            .POST(BodyPublishers.ofString("{\"fileName\":\"a.mp4\",\"fileSize\":5,\"contentType\":\"video/mp4\",\"totalChunks\":1}")).build());
    String chunked = new ObjectMapper().readTree(init.body()).get("uploadId").asText();
    for (String uploadId : List.of(id, chunked)) {
      assertThat(server.send(HttpRequest.newBuilder(server.uri("/api/storage/upload-status?uploadId=" + uploadId))
              .header("Authorization", "Bearer " + bob).build()).statusCode()).isEqualTo(403);
      assertThat(server.send(HttpRequest.newBuilder(server.uri("/api/storage/complete-chunked-upload"))
              .header("Authorization", "Bearer " + bob).header("Content-Type", "application/json")
              .POST(BodyPublishers.ofString("{\"uploadId\":\"" + uploadId + "\"}")).build()).statusCode()).isEqualTo(403);
    }
    assertThat(server.send(HttpRequest.newBuilder(server.uri("/api/storage/upload-chunk")).header("Authorization", "Bearer " + bob)
            .header("Content-Type", Multipart.contentType())
            .POST(new Multipart().field("uploadId", chunked).field("chunkIndex", "0").file("chunk", new byte[5]).publisher()).build())
        .statusCode()).isEqualTo(403);
    assertThat(server.send(HttpRequest.newBuilder(server.uri("/api/storage/upload-status?uploadId=" + chunked))
            .header("Authorization", "Bearer " + alice).build()).statusCode()).isEqualTo(200);
  }

  @Test
  void aGrantOpensExactlyItsUploadWithoutABearerToken() throws Exception {
    String uploadUrl = directUploadUrl();
    assertThat(server.patch(uploadUrl, 0, new byte[7], "Upload-Length", "7").statusCode()).isEqualTo(204);
    String grant = uploadUrl.substring(uploadUrl.indexOf("?grant="));
    String other = create(token("alice"));
    assertThat(server.head(other + grant).statusCode()).isEqualTo(403);
    assertThat(server.patch(other + grant, 0, new byte[5]).statusCode()).isEqualTo(403);
  }

  @Test
  void aGrantWritesItsUploadAndAsksItsOffsetAndNothingElse() throws Exception {
    String uploadUrl = directUploadUrl();
    String location = uploadUrl.substring(0, uploadUrl.indexOf('?'));
    assertThat(server.patch(uploadUrl, 0, new byte[] {1, 2, 3}).statusCode()).isEqualTo(204);
    HttpResponse<String> head = server.head(uploadUrl);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Upload-Offset")).hasValue("3");
    // As tus-java-client sends it: POST with X-HTTP-Method-Override.
    HttpResponse<String> overridden =
        server.send(server.tus(uploadUrl).header("X-HTTP-Method-Override", "PATCH").header("Upload-Offset", "3")
            .header("Upload-Length", "5").header("Content-Type", "application/offset+octet-stream")
            .POST(BodyPublishers.ofByteArray(new byte[] {4, 5})).build());
    assertThat(overridden.statusCode()).isEqualTo(204);

    assertThat(server.send(HttpRequest.newBuilder(URI.create(uploadUrl)).build()).statusCode()).isEqualTo(403);
    assertThat(server.send(server.tus(uploadUrl).DELETE().build()).statusCode()).isEqualTo(403);
    assertThat(server.send(server.tus(uploadUrl).header("X-HTTP-Method-Override", "DELETE").POST(BodyPublishers.noBody()).build())
        .statusCode()).isEqualTo(403);
    assertThat(server.send(server.tus(uploadUrl).header("X-HTTP-Method-Override", "DELETE").header("Upload-Offset", "5")
        .header("Content-Type", "application/offset+octet-stream").method("PATCH", BodyPublishers.noBody()).build())
        .statusCode()).isEqualTo(403);
    HttpResponse<byte[]> owner =
        server.sendForBytes(HttpRequest.newBuilder(URI.create(location)).header("Authorization", "Bearer " + token("alice")).build());
    assertThat(owner.statusCode()).isEqualTo(200);
    assertThat(owner.body()).containsExactly(1, 2, 3, 4, 5);
  }

  @Test
  void aGrantTakesTheOldClientsSinglePut() throws Exception {
    String uploadUrl = directUploadUrl("paula"); // alice's daily quota is the other tests'

    HttpResponse<String> put = server.send(HttpRequest.newBuilder(URI.create(uploadUrl)).header("Content-Type", "video/mp4")
        .PUT(BodyPublishers.ofByteArray(new byte[] {9, 8, 7})).build());
    assertThat(put.statusCode()).as(put.body()).isBetween(200, 204);
    String location = uploadUrl.substring(0, uploadUrl.indexOf('?'));
    HttpResponse<byte[]> owner =
        server.sendForBytes(HttpRequest.newBuilder(URI.create(location)).header("Authorization", "Bearer " + token("paula")).build());
    assertThat(owner.body()).containsExactly(9, 8, 7);
  }

  @Test
  void aTamperedGrantIs403EvenBesideAValidToken() throws Exception {
    String uploadUrl = directUploadUrl();
    String tampered = uploadUrl.substring(0, uploadUrl.length() - 2) + (uploadUrl.endsWith("AA") ? "BB" : "AA");
    HttpResponse<String> head = server.head(tampered);
    assertThat(head.statusCode()).isEqualTo(403);
    assertThat(head.headers().firstValue("Tus-Resumable")).hasValue("1.0.0");
    assertThat(server.patch(tampered, 0, new byte[3]).statusCode()).isEqualTo(403);
    assertThat(server.send(server.tus(tampered).header("Authorization", "Bearer " + token("alice"))
        .method("HEAD", BodyPublishers.noBody()).build()).statusCode()).isEqualTo(403);
    assertThat(server.head(uploadUrl.substring(0, uploadUrl.indexOf('?')) + "?grant=").statusCode()).isEqualTo(403);
  }

  private static String directUploadUrl() throws Exception {
    return directUploadUrl("alice");
  }

  private static String directUploadUrl(String user) throws Exception {
    HttpResponse<String> direct =
        server.send(HttpRequest.newBuilder(server.uri("/api/storage/get-direct-upload-url?fileName=a.mp4&contentType=video/mp4"))
            .header("Authorization", "Bearer " + token(user)).build());
    assertThat(direct.statusCode()).isEqualTo(200);
    return new ObjectMapper().readTree(direct.body()).get("uploadUrl").asText();
  }

  @Test
  void theTokenCommandMintsWhatTheServerAccepts(@TempDir Path dataDir) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit = TokenCommand.run(List.of("--user", "carol", "--ttl", "5m", "--storage.data-dir=" + dataDir), Map.of());
    } finally {
      System.setOut(original);
    }
    assertThat(exit).isZero();
    String[] lines = printed.toString(StandardCharsets.UTF_8).strip().split("\n");
    String minted = lines[lines.length - 1].strip();
    try (TestServer generated = TestServer.start(dataDir, "--auth.mode=jwt")) {
      HttpResponse<String> created =
          generated.send(generated.tus("/files/").header("Upload-Length", "1").header("Authorization", "Bearer " + minted)
              .POST(BodyPublishers.noBody()).build());
      assertThat(created.statusCode()).isEqualTo(201);
      assertThat(Files.getPosixFilePermissions(dataDir.resolve("keys").resolve("jwt.secret")).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
    }
  }

  @Test
  void aJwksServerTakesRs256AndRefusesAlgorithmConfusion() throws Exception {
    RSAKey rsa = new RSAKeyGenerator(2048).keyID("k1").generate();
    Path jwks = Files.createTempFile("jwks", ".json");
    Files.writeString(jwks, new JWKSet(rsa.toPublicJWK()).toString());
    try (TestServer rs = TestServer.start("--auth.mode=jwt", "--auth.jwks-file=" + jwks)) {
      JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("dave").expirationTime(Date.from(Instant.now().plusSeconds(600))).build();
      SignedJWT good = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), claims);
      good.sign(new RSASSASigner(rsa));
      // The attacker signs HS256 with the public key's bytes as the HMAC secret.
      SignedJWT confused = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(), claims);
      confused.sign(new MACSigner(rsa.toPublicJWK().toRSAPublicKey().getEncoded()));
      assertThat(createWith(rs, good.serialize()).statusCode()).isEqualTo(201);
      assertThat(createWith(rs, confused.serialize()).statusCode()).isEqualTo(401);
      assertThat(createWith(rs, new PlainJWT(claims).serialize()).statusCode()).isEqualTo(401);
    }
  }

  @Test
  void aJwksServerTakesEs256AndEdDsa() throws Exception {
    com.nimbusds.jose.jwk.ECKey ec = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256).keyID("ec").generate();
    com.nimbusds.jose.jwk.OctetKeyPair ed =
        new com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator(com.nimbusds.jose.jwk.Curve.Ed25519).keyID("ed").generate();
    Path jwks = Files.createTempFile("jwks", ".json");
    Files.writeString(jwks, new JWKSet(List.of(ec.toPublicJWK(), ed.toPublicJWK())).toString());
    try (TestServer keys = TestServer.start("--auth.mode=jwt", "--auth.jwks-file=" + jwks)) {
      JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("erin").expirationTime(Date.from(Instant.now().plusSeconds(600))).build();
      SignedJWT es = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("ec").build(), claims);
      es.sign(new com.nimbusds.jose.crypto.ECDSASigner(ec));
      SignedJWT eddsa = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID("ed").build(), claims);
      eddsa.sign(new com.nimbusds.jose.crypto.Ed25519Signer(ed));
      HttpResponse<String> esAnswer = createWith(keys, es.serialize());
      assertThat(esAnswer.statusCode()).as(esAnswer.headers().toString()).isEqualTo(201);
      HttpResponse<String> edAnswer = createWith(keys, eddsa.serialize());
      assertThat(edAnswer.statusCode()).as(edAnswer.headers().toString()).isEqualTo(201);
    }
  }

  @Test
  void publicFinalsCanBeReadWithoutATokenAndNothingElseCan() throws Exception {
    try (TestServer open = TestServer.start("--auth.mode=jwt", "--auth.hmac-secret=" + SECRET, "--storage.public-finals=true")) {
      String alice = hs256(SECRET, c -> c.subject("alice").issuer(null).audience((String) null));
      String finished = open.create(3, "Authorization", "Bearer " + alice);
      open.patch(finished, 0, new byte[] {1, 2, 3}, "Authorization", "Bearer " + alice);
      String unfinished = open.create(3, "Authorization", "Bearer " + alice);
      assertThat(open.sendForBytes(HttpRequest.newBuilder(URI.create(finished)).build()).body()).containsExactly(1, 2, 3);
      assertThat(open.send(HttpRequest.newBuilder(URI.create(unfinished)).build()).statusCode()).isEqualTo(401);
      assertThat(open.head(finished).statusCode()).isEqualTo(401);
    }
    assertThat(server.send(HttpRequest.newBuilder(URI.create(create(token("alice")))).build()).statusCode()).isEqualTo(401);
  }

  @Test
  void finalsAndRenditionsArePublicByDefaultAndPrivateOnRequest() throws Exception {
    String alice = token("alice");
    String finished = server.create(3, "Authorization", "Bearer " + alice, "Upload-Metadata", "filetype dmlkZW8vbXA0");
    server.patch(finished, 0, new byte[] {1, 2, 3}, "Authorization", "Bearer " + alice);
    String unfinished = server.create(3, "Authorization", "Bearer " + alice);
    HttpResponse<byte[]> anonymous = server.sendForBytes(HttpRequest.newBuilder(URI.create(finished)).build());
    assertThat(anonymous.statusCode()).isEqualTo(200);
    assertThat(anonymous.headers().firstValue("Cache-Control")).hasValue("public, max-age=86400");
    assertThat(anonymous.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("inline;");
    String id = finished.substring(finished.lastIndexOf('/') + 1);
    String unfinishedId = unfinished.substring(unfinished.lastIndexOf('/') + 1);
    // A rendition of a completed upload is let through (here there is none: 404, not 401) ...
    assertThat(server.send(HttpRequest.newBuilder(server.uri("/api/videos/" + id + "/renditions/sd")).build()).statusCode()).isEqualTo(404);
    // ... an unfinished upload is never public.
    assertThat(server.send(HttpRequest.newBuilder(server.uri("/api/videos/" + unfinishedId + "/renditions/sd")).build()).statusCode()).isEqualTo(401);
    assertThat(server.send(HttpRequest.newBuilder(URI.create(unfinished)).build()).statusCode()).isEqualTo(401);

    try (TestServer closed = TestServer.start("--auth.mode=jwt", "--auth.hmac-secret=" + SECRET, "--storage.public-finals=false")) {
      String bob = hs256(SECRET, c -> c.subject("bob").issuer(null).audience((String) null));
      String file = closed.create(3, "Authorization", "Bearer " + bob);
      closed.patch(file, 0, new byte[] {1, 2, 3}, "Authorization", "Bearer " + bob);
      assertThat(closed.send(HttpRequest.newBuilder(URI.create(file)).build()).statusCode()).isEqualTo(401);
      HttpResponse<byte[]> owner = closed.sendForBytes(HttpRequest.newBuilder(URI.create(file)).header("Authorization", "Bearer " + bob).build());
      assertThat(owner.headers().firstValue("Cache-Control")).hasValue("private, max-age=0, must-revalidate");

      // The JSON API's url is then a signed, expiring read link a page can still embed.
      String auth = "Bearer " + bob;
      HttpResponse<String> init = closed.send(HttpRequest.newBuilder(closed.uri("/api/storage/init-chunked-upload")).header("Authorization", auth)
          .header("Content-Type", "application/json")
          .POST(BodyPublishers.ofString("{\"fileName\":\"a.mp4\",\"fileSize\":3,\"contentType\":\"video/mp4\",\"totalChunks\":1}")).build());
      String chunkedId = new ObjectMapper().readTree(init.body()).get("uploadId").asText();
      closed.send(HttpRequest.newBuilder(closed.uri("/api/storage/upload-chunk")).header("Authorization", auth)
          .header("Content-Type", Multipart.contentType())
          .POST(new Multipart().field("uploadId", chunkedId).field("chunkIndex", "0").file("chunk", new byte[] {7, 8, 9}).publisher()).build());
      HttpResponse<String> done = closed.send(HttpRequest.newBuilder(closed.uri("/api/storage/complete-chunked-upload")).header("Authorization", auth)
          .header("Content-Type", "application/json").POST(BodyPublishers.ofString("{\"uploadId\":\"" + chunkedId + "\"}")).build());
      String url = new ObjectMapper().readTree(done.body()).get("url").asText();
      assertThat(url).contains("/files/" + chunkedId + "?read=");
      assertThat(closed.sendForBytes(HttpRequest.newBuilder(URI.create(url)).build()).body()).containsExactly(7, 8, 9);
      assertThat(closed.send(HttpRequest.newBuilder(URI.create(url.substring(0, url.length() - 2) + "xx")).build()).statusCode()).isEqualTo(401);
      assertThat(closed.send(HttpRequest.newBuilder(URI.create(url)).DELETE().header("Tus-Resumable", "1.0.0").build()).statusCode()).isEqualTo(401);
      assertThat(closed.send(HttpRequest.newBuilder(URI.create(url.replace(chunkedId, file.substring(file.lastIndexOf('/') + 1)))).build()).statusCode())
          .isEqualTo(401);
      // Every listing shows the same kind of link (one place makes them).
      String listed = new ObjectMapper().readTree(closed.send(HttpRequest.newBuilder(closed.uri("/api/uploads"))
          .header("Authorization", auth).build()).body()).get("items").get(0).get("url").asText();
      assertThat(listed).contains("?read=");
      assertThat(closed.sendForBytes(HttpRequest.newBuilder(URI.create(listed)).build()).body()).containsExactly(7, 8, 9);
    }
  }

  private static HttpResponse<String> createWith(TestServer target, String jwt) throws Exception {
    return target.send(target.tus("/files/").header("Upload-Length", "1").header("Authorization", "Bearer " + jwt)
        .POST(BodyPublishers.noBody()).build());
  }

  private static String create(String jwt) throws Exception {
    return server.create(5, "Authorization", "Bearer " + jwt);
  }
}
