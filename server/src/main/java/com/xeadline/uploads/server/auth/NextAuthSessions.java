package com.xeadline.uploads.server.auth;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jwt.JWTClaimsSet;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.jetty.http.HttpCookie;

/**
 * The app's signed-in users, read from its next-auth session tokens: encrypted JWTs (JWE, alg
 * dir) under a key derived from NEXTAUTH_SECRET with HKDF-SHA256. next-auth v4 encrypts with
 * A256GCM and a 32-byte key (info "NextAuth.js Generated Encryption Key", empty salt); Auth.js v5
 * with A256CBC-HS512 and a 64-byte key whose salt is the cookie's name. The user id is {@code sub}.
 */
public final class NextAuthSessions {
  /** Secure (https) names first, as next-auth sets them. */
  static final List<String> V4_COOKIES = List.of("__Secure-next-auth.session-token", "next-auth.session-token");

  static final List<String> V5_COOKIES = List.of("__Secure-authjs.session-token", "authjs.session-token");

  /** A session token found in the cookies (joined from its chunks) and the name it came under. */
  public record Found(String name, String token) {}

  private final byte[] v4Key;
  private final Map<String, byte[]> v5Keys = new LinkedHashMap<>();
  private final SessionTable table;
  private final Duration skew;
  private final Clock clock;

  /**
   * {@code secret} (NEXTAUTH_SECRET) reads JWT sessions, {@code table} database sessions; either
   * may be null, not both.
   */
  public NextAuthSessions(String secret, SessionTable table, Duration skew, Clock clock) {
    if (secret != null) {
      byte[] ikm = secret.getBytes(StandardCharsets.UTF_8);
      this.v4Key = hkdf(ikm, new byte[0], "NextAuth.js Generated Encryption Key", 32);
      for (String name : V5_COOKIES) {
        v5Keys.put(name, hkdf(ikm, name.getBytes(StandardCharsets.UTF_8), "Auth.js Generated Encryption Key (" + name + ")", 64));
      }
    } else {
      this.v4Key = null;
    }
    this.table = table;
    this.skew = skew;
    this.clock = clock;
  }

  /** The first session cookie present, whole or in chunks ({@code name.0}, {@code name.1} ...). */
  public Optional<Found> find(List<HttpCookie> cookies) {
    Map<String, String> byName = new LinkedHashMap<>();
    for (HttpCookie cookie : cookies) {
      byName.putIfAbsent(cookie.getName(), cookie.getValue());
    }
    List<String> names = new ArrayList<>(V4_COOKIES);
    names.addAll(V5_COOKIES);
    for (String name : names) {
      if (byName.containsKey(name)) {
        return Optional.of(new Found(name, byName.get(name)));
      }
      StringBuilder joined = new StringBuilder();
      for (int i = 0; byName.containsKey(name + "." + i); i++) {
        joined.append(byName.get(name + "." + i));
      }
      if (!joined.isEmpty()) {
        return Optional.of(new Found(name, joined.toString()));
      }
    }
    return Optional.empty();
  }

  /** A compact JWE (five parts) rather than a signed JWT (three). */
  public static boolean looksEncrypted(String token) {
    return token.chars().filter(c -> c == '.').count() == 4;
  }

  /**
   * The user id of a session token. {@code cookieName} is the cookie it came in (the v5 key's
   * salt); null for a Bearer token, when both v5 names are tried.
   */
  public String verify(String token, String cookieName) throws InvalidTokenException {
    if (!looksEncrypted(token) && table != null) {
      return table.userOf(token); // the database strategy: an opaque token
    }
    if (v4Key == null) {
      throw new InvalidTokenException("next-auth JWT sessions are not accepted here (auth.nextauth-secret is not set)");
    }
    JWEObject jwe;
    try {
      jwe = JWEObject.parse(token);
    } catch (ParseException e) {
      throw new InvalidTokenException("The next-auth session token is not an encrypted JWT");
    }
    if (!JWEAlgorithm.DIR.equals(jwe.getHeader().getAlgorithm())) {
      throw new InvalidTokenException("The next-auth session token is not encrypted with alg dir");
    }
    EncryptionMethod enc = jwe.getHeader().getEncryptionMethod();
    List<byte[]> keys = new ArrayList<>();
    if (EncryptionMethod.A256GCM.equals(enc)) {
      keys.add(v4Key);
    } else if (EncryptionMethod.A256CBC_HS512.equals(enc)) {
      if (cookieName != null && v5Keys.containsKey(cookieName)) {
        keys.add(v5Keys.get(cookieName));
      } else if (cookieName == null) {
        keys.addAll(v5Keys.values());
      }
    }
    if (keys.isEmpty()) {
      throw new InvalidTokenException("The next-auth session token uses an unknown encryption (" + enc + ")");
    }
    for (byte[] key : keys) {
      Optional<JWEObject> opened = decrypt(token, key);
      if (opened.isPresent()) {
        return subject(opened.get());
      }
    }
    throw new InvalidTokenException("The next-auth session cannot be decrypted (signed out, or not made with this NEXTAUTH_SECRET)");
  }

  /** A fresh parse per key: a JWE object that failed to decrypt is not tried again. */
  private static Optional<JWEObject> decrypt(String token, byte[] key) {
    try {
      JWEObject jwe = JWEObject.parse(token);
      jwe.decrypt(new DirectDecrypter(key));
      return Optional.of(jwe);
    } catch (JOSEException | ParseException | IllegalStateException e) {
      return Optional.empty();
    }
  }

  private String subject(JWEObject jwe) throws InvalidTokenException {
    JWTClaimsSet claims;
    try {
      claims = JWTClaimsSet.parse(jwe.getPayload().toJSONObject());
    } catch (ParseException | RuntimeException e) {
      throw new InvalidTokenException("The next-auth session holds no claims");
    }
    Instant now = clock.instant();
    if (claims.getExpirationTime() != null && claims.getExpirationTime().toInstant().plus(skew).isBefore(now)) {
      throw new InvalidTokenException("The next-auth session has expired; sign in again");
    }
    if (claims.getNotBeforeTime() != null && claims.getNotBeforeTime().toInstant().minus(skew).isAfter(now)) {
      throw new InvalidTokenException("The next-auth session is not valid yet");
    }
    String sub = claims.getSubject();
    if (sub == null || sub.isBlank() || sub.length() > 255) {
      throw new InvalidTokenException("The next-auth session has no usable sub (user id)");
    }
    return sub;
  }

  /** RFC 5869 HKDF with SHA-256 (an empty salt is HashLen zero bytes, as the RFC says). */
  public static byte[] hkdf(byte[] ikm, byte[] salt, String info, int length) {
    return hkdf(ikm, salt, info.getBytes(StandardCharsets.UTF_8), length);
  }

  public static byte[] hkdf(byte[] ikm, byte[] salt, byte[] info, int length) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(salt.length == 0 ? new byte[32] : salt, "HmacSHA256"));
      byte[] prk = mac.doFinal(ikm);
      mac.init(new SecretKeySpec(prk, "HmacSHA256"));
      byte[] out = new byte[length];
      byte[] block = new byte[0];
      for (int done = 0, counter = 1; done < length; counter++) {
        mac.update(block);
        mac.update(info);
        mac.update((byte) counter);
        block = mac.doFinal();
        int n = Math.min(block.length, length - done);
        System.arraycopy(block, 0, out, done, n);
        done += n;
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
