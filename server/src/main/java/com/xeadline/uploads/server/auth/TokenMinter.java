package com.xeadline.uploads.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;

/** HS256 tokens for the configured or generated secret: the {@code token} command. */
public final class TokenMinter {
  private final byte[] secret;
  private final String issuer;
  private final String audience;
  private final Clock clock;

  public TokenMinter(byte[] secret, String issuer, String audience, Clock clock) {
    this.secret = secret.clone();
    this.issuer = issuer;
    this.audience = audience;
    this.clock = clock;
  }

  public String mint(String user, Duration ttl) {
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .subject(user)
            .issueTime(Date.from(clock.instant()))
            .expirationTime(Date.from(clock.instant().plus(ttl)));
    if (!issuer.isEmpty()) {
      claims.issuer(issuer);
    }
    if (!audience.isEmpty()) {
      claims.audience(audience);
    }
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
    try {
      jwt.sign(new MACSigner(secret));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign with the configured secret", e);
    }
    return jwt.serialize();
  }
}
