package com.xeadline.uploads.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jwt.SignedJWT;
import java.util.List;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.xeadline.uploads.config.UploadsConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.HashSet;
import java.util.Set;

/**
 * Verifies bearer JWTs and answers the user id (the {@code sub} claim). Keys are an HMAC secret
 * (HS256/384/512) or a local JWKS file (RS256, ES256, EdDSA). Only the algorithms of the configured key
 * kind are accepted, so {@code alg: none} and algorithm confusion (an HMAC token made with a public
 * key) are refused before any signature is checked.
 */
public final class JwtVerifier {
  private static final Set<JWSAlgorithm> HMAC = Set.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512);
  private static final Set<JWSAlgorithm> PUBLIC_KEY = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);
  private static final Set<JWSAlgorithm> EDDSA = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

  private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
  private final DefaultJWTClaimsVerifier<SecurityContext> claims;
  /** Ed25519 keys of the JWKS file: nimbus's key selector cannot hand OKP keys to a verifier. */
  private final List<OctetKeyPair> edKeys;

  private JwtVerifier(
      UploadsConfig.Auth config, JWSVerificationKeySelector<SecurityContext> keys, List<OctetKeyPair> edKeys) {
    this.edKeys = edKeys;
    processor.setJWSKeySelector(keys);
    JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
    if (!config.issuer().isEmpty()) {
      exact.issuer(config.issuer());
    }
    Set<String> required = new HashSet<>(Set.of("sub", "exp"));
    claims =
        new DefaultJWTClaimsVerifier<>(
            config.audience().isEmpty() ? null : config.audience(), exact.build(), required);
    claims.setMaxClockSkew((int) config.clockSkew().toSeconds());
    processor.setJWTClaimsSetVerifier(claims);
  }

  public static JwtVerifier hmac(UploadsConfig.Auth config, byte[] secret) {
    return new JwtVerifier(config, new JWSVerificationKeySelector<>(HMAC, new ImmutableSecret<>(secret)), List.of());
  }

  public static JwtVerifier jwks(UploadsConfig.Auth config, Path jwksFile) throws IOException, ParseException {
    JWKSet keys = JWKSet.load(jwksFile.toFile());
    List<OctetKeyPair> ed =
        keys.getKeys().stream()
            .filter(k -> k instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve()))
            .map(k -> (OctetKeyPair) k)
            .toList();
    return new JwtVerifier(config, new JWSVerificationKeySelector<>(PUBLIC_KEY, new ImmutableJWKSet<>(keys)), ed);
  }

  /** The token's user id. */
  public String verify(String token) throws InvalidTokenException {
    try {
      JWTClaimsSet verified = isEdDsa(token) ? verifyEdDsa(token) : processor.process(token, null);
      String subject = verified.getSubject();
      // nimbus turns a numeric sub into text; RFC 7519 makes sub a string, and {"sub":12345}
      // must not pass as user "12345" (an issuer's numeric ids are not its user names).
      if (!(SignedJWT.parse(token).getPayload().toJSONObject().get("sub") instanceof String)
          || subject == null || subject.isBlank() || subject.length() > 255) {
        throw new InvalidTokenException("The token has no usable sub claim");
      }
      return subject;
    } catch (ParseException e) {
      throw new InvalidTokenException("The token is not a signed JWT");
    } catch (BadJOSEException e) {
      throw new InvalidTokenException(describe(e));
    } catch (JOSEException e) {
      throw new InvalidTokenException("The token's signature cannot be checked");
    }
  }

  private boolean isEdDsa(String token) {
    if (edKeys.isEmpty()) {
      return false;
    }
    try {
      return EDDSA.contains(JWSHeader.parse(com.nimbusds.jose.util.Base64URL.from(token.substring(0, Math.max(0, token.indexOf('.'))))).getAlgorithm());
    } catch (ParseException e) {
      return false;
    }
  }

  private JWTClaimsSet verifyEdDsa(String token) throws ParseException, JOSEException, BadJOSEException {
    SignedJWT jwt = SignedJWT.parse(token);
    String kid = jwt.getHeader().getKeyID();
    for (OctetKeyPair key : edKeys) {
      if ((kid == null || kid.equals(key.getKeyID())) && jwt.verify(new Ed25519Verifier(key.toPublicJWK()))) {
        JWTClaimsSet set = jwt.getJWTClaimsSet();
        claims.verify(set, null);
        return set;
      }
    }
    throw new BadJOSEException("Signed JWT rejected: signature");
  }

  private static String describe(BadJOSEException e) {
    String message = String.valueOf(e.getMessage());
    if (message.contains("expired")) {
      return "The token has expired";
    }
    if (message.contains("before use time")) {
      return "The token is not valid yet";
    }
    if (message.contains("audience")) {
      return "The token is for another audience";
    }
    if (message.contains("iss")) {
      return "The token has the wrong issuer";
    }
    if (message.contains("missing required claims")) {
      return "The token lacks a required claim (sub, exp)";
    }
    if (message.contains("Signed JWT rejected") || message.contains("signature")) {
      return "The token's signature or algorithm is not accepted";
    }
    return "The token is not accepted";
  }
}
