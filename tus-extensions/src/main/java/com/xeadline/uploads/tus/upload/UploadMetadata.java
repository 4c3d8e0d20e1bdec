package com.xeadline.uploads.tus.upload;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** The tus Upload-Metadata header: comma-separated {@code key base64value} pairs. */
public final class UploadMetadata {
  private static final Pattern KEY = Pattern.compile("[^\\s,]+");
  private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]*={0,2}");

  private UploadMetadata() {}

  /**
   * Decodes the header. Throws {@link IllegalArgumentException} naming the bad pair when a key is
   * empty or repeated, or a value is not base64.
   */
  public static Map<String, String> decode(String header) {
    Map<String, String> values = new LinkedHashMap<>();
    if (header == null || header.isBlank()) {
      return values;
    }
    for (String pair : header.split(",")) {
      String trimmed = pair.trim();
      String[] parts = trimmed.split(" +");
      if (trimmed.isEmpty() || parts.length > 2 || !KEY.matcher(parts[0]).matches()) {
        throw new IllegalArgumentException("Upload-Metadata pair '" + trimmed + "' is not 'key base64value'");
      }
      String key = parts[0];
      if (values.containsKey(key)) {
        throw new IllegalArgumentException("Upload-Metadata key '" + key + "' appears twice");
      }
      String value = "";
      if (parts.length == 2) {
        if (!BASE64.matcher(parts[1]).matches() || parts[1].length() % 4 == 1) {
          throw new IllegalArgumentException("Upload-Metadata value of '" + key + "' is not base64");
        }
        value = new String(Base64.getDecoder().decode(pad(parts[1])), StandardCharsets.UTF_8);
      }
      values.put(key, value);
    }
    return values;
  }

  private static String pad(String base64) {
    int missing = (4 - base64.length() % 4) % 4;
    return base64 + "=".repeat(missing);
  }
}
