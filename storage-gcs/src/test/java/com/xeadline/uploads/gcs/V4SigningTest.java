package com.xeadline.uploads.gcs;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.storage.StorageOptions;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** V4 signed direct-upload URLs, checked offline with a generated service-account key. */
class V4SigningTest {
  @Test
  void signsAPutUrlBoundToTheContentTypeForFifteenMinutes() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair keys = generator.generateKeyPair();
    ServiceAccountCredentials credentials =
        ServiceAccountCredentials.newBuilder()
            .setClientEmail("uploads@test-project.iam.gserviceaccount.com")
            .setPrivateKey(keys.getPrivate())
            .setPrivateKeyId("key-1")
            .setProjectId("test-project")
            .build();
    GcsStorageProvider provider =
        new GcsStorageProvider(
            StorageOptions.newBuilder().setCredentials(credentials).setProjectId("test-project").build().getService(),
            "uploads-bucket",
            "finals");

    URI url = provider.directUploadUrl("alice/1-clip.mp4", "video/mp4", Duration.ofMinutes(15));

    assertThat(url.getHost()).isEqualTo("storage.googleapis.com");
    assertThat(url.getRawPath()).isEqualTo("/uploads-bucket/finals/alice/1-clip.mp4");
    Map<String, String> query = new LinkedHashMap<>();
    for (String pair : url.getRawQuery().split("&")) {
      String[] kv = pair.split("=", 2);
      query.put(kv[0], kv[1]);
    }
    assertThat(query.get("X-Goog-Algorithm")).isEqualTo("GOOG4-RSA-SHA256");
    assertThat(query.get("X-Goog-Expires")).isEqualTo("900");
    assertThat(decode(query.get("X-Goog-SignedHeaders"))).isEqualTo("content-type;host");
    String date = query.get("X-Goog-Date");
    String scope = date.substring(0, 8) + "/auto/storage/goog4_request";
    assertThat(decode(query.get("X-Goog-Credential"))).isEqualTo("uploads@test-project.iam.gserviceaccount.com/" + scope);

    String canonicalQuery =
        Arrays.stream(url.getRawQuery().split("&"))
            .filter(p -> !p.startsWith("X-Goog-Signature="))
            .sorted()
            .collect(Collectors.joining("&"));
    String canonicalRequest =
        "PUT\n" + url.getRawPath() + "\n" + canonicalQuery + "\n"
            + "content-type:video/mp4\nhost:storage.googleapis.com\n\n"
            + "content-type;host\nUNSIGNED-PAYLOAD";
    String stringToSign =
        "GOOG4-RSA-SHA256\n" + date + "\n" + scope + "\n"
            + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
    Signature verifier = Signature.getInstance("SHA256withRSA");
    verifier.initVerify(keys.getPublic());
    verifier.update(stringToSign.getBytes(StandardCharsets.UTF_8));
    assertThat(verifier.verify(HexFormat.of().parseHex(query.get("X-Goog-Signature")))).isTrue();
  }

  private static String decode(String value) {
    return URLDecoder.decode(value, StandardCharsets.UTF_8);
  }
}
