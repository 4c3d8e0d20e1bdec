package com.xeadline.uploads.storage;

import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Object keys {@code user/<millis>-<random>-<name>}: unique, and safe as a path or an object name.
 * The random part matters: two uploads of one user with one name in the same millisecond (a
 * chunked init next to a finishing tus upload, found by scripts/soak) got the same key, and the
 * second final replaced the first one's bytes.
 */
public final class ObjectKeys {
  private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");
  private static final Pattern SAFE_KEY = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}(/[A-Za-z0-9_-][A-Za-z0-9._-]{0,254})*");

  private ObjectKeys() {}

  public static String forUpload(String userId, String fileName, String uploadId) {
    String owner = userId == null ? "anonymous" : clean(userId);
    String name = fileName == null || fileName.isBlank() ? uploadId : clean(fileName);
    String unique = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xFFFF_FFFF_FFFFL);
    return owner + "/" + Instant.now().toEpochMilli() + "-" + unique + "-" + name;
  }

  /** Keys never start a segment with a dot, so ".." and hidden files cannot be formed. */
  public static boolean isSafe(String key) {
    return key != null && key.length() <= 1024 && SAFE_KEY.matcher(key).matches();
  }

  private static String clean(String text) {
    String cleaned = UNSAFE.matcher(text).replaceAll("_");
    while (cleaned.startsWith(".")) {
      cleaned = "_" + cleaned.substring(1);
    }
    return cleaned.length() > 200 ? cleaned.substring(0, 200) : cleaned;
  }
}
