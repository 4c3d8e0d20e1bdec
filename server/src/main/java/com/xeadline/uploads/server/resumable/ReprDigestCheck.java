package com.xeadline.uploads.server.resumable;

import com.xeadline.uploads.tus.TusError;
import com.xeadline.uploads.tus.upload.BodyCheck;
import com.xeadline.uploads.tus.upload.UploadBytes;
import com.xeadline.uploads.tus.rows.UploadRow;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import me.desair.tus.server.exception.TusException;

/**
 * RFC 9530 Repr-Digest over the whole representation, checked by the request that brings its last
 * byte: the digest starts from the bytes already stored, continues over the body as it streams
 * to disk, and must match before the final offset is acknowledged. sha-512 and sha-256 are
 * checked (the stronger when both are sent); other algorithms are ignored.
 */
final class ReprDigestCheck implements BodyCheck {
  static final String HEADER = "Repr-Digest";
  /** Where a creation's digest is kept for the request that completes the upload later. */
  static final String METADATA_KEY = "repr-digest";

  private static final List<String[]> ALGORITHMS = List.of(new String[] {"sha-512", "SHA-512"}, new String[] {"sha-256", "SHA-256"});
  private static final Pattern MEMBER = Pattern.compile("(?:^|,)\\s*([a-z0-9-]+)\\s*=\\s*:([A-Za-z0-9+/=]*):");

  record Expected(String name, String javaName, byte[] digest) {}

  private final Expected expected;
  private final MessageDigest digest;
  private final long start;
  private final Long length;
  private final boolean complete;
  private long received;
  private boolean failed;

  private ReprDigestCheck(Expected expected, long start, Long length, boolean complete) throws NoSuchAlgorithmException {
    this.expected = expected;
    this.digest = MessageDigest.getInstance(expected.javaName());
    this.start = start;
    this.length = length;
    this.complete = complete;
  }

  /** The strongest supported digest in a Repr-Digest value; empty when there is none. */
  static Optional<Expected> parse(String header) {
    if (header == null) {
      return Optional.empty();
    }
    for (String[] algorithm : ALGORITHMS) {
      Matcher member = MEMBER.matcher(header);
      while (member.find()) {
        if (member.group(1).equals(algorithm[0])) {
          try {
            return Optional.of(new Expected(algorithm[0], algorithm[1], Base64.getDecoder().decode(member.group(2))));
          } catch (IllegalArgumentException malformed) {
            return Optional.empty();
          }
        }
      }
    }
    return Optional.empty();
  }

  /** A check seeded with the {@code row.offset()} bytes already stored. */
  static ReprDigestCheck over(Expected expected, UploadBytes bytes, UploadRow row, boolean complete) throws IOException {
    ReprDigestCheck check;
    try {
      check = new ReprDigestCheck(expected, row.offset(), row.length(), complete);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    if (row.offset() == 0) {
      return check;
    }
    try (InputStream stored = bytes.open(row.id(), 0, row.offset())) {
      byte[] buffer = new byte[256 * 1024];
      for (int n; (n = stored.read(buffer)) > 0; ) {
        check.digest.update(buffer, 0, n);
      }
    }
    return check;
  }

  /** The body, digested as it is read. */
  InputStream wrap(InputStream body) {
    return new FilterInputStream(body) {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          digest.update(b, off, n);
          received += n;
        }
        return n;
      }
    };
  }

  /** Bytes up to the checkpoints may be committed: a mismatch fails the whole upload anyway. */
  @Override
  public boolean pending() {
    return false;
  }

  @Override
  public void verify() throws TusException {
    boolean whole = length != null ? start + received == length : complete;
    if (whole && !Arrays.equals(digest.digest(), expected.digest())) {
      failed = true;
      throw TusError.DIGEST_MISMATCH.exception(expected.name());
    }
  }

  boolean failed() {
    return failed;
  }
}
