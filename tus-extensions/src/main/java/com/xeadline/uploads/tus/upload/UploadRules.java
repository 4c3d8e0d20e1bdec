package com.xeadline.uploads.tus.upload;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What every upload must satisfy, whichever API creates it: a usable file name, a size within
 * the maximum, an allowed media type. One code path for tus creation and the JSON API.
 */
public final class UploadRules {
  public static final int MAX_NAME_LENGTH = 255;
  public static final int MAX_CHUNKS = 1000;
  private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

  private final long maxSize;
  private final List<String> allowedTypes;

  public UploadRules(long maxSize, List<String> allowedTypes) {
    this.maxSize = maxSize;
    this.allowedTypes = allowedTypes.stream().map(t -> t.toLowerCase(Locale.ROOT)).toList();
  }

  /** One broken rule, named by the field it concerns. */
  public record Violation(String field, String message) {}

  public long maxSize() {
    return maxSize;
  }

  public List<String> allowedTypes() {
    return allowedTypes;
  }

  /**
   * The name as stored: the last path segment, without control characters and without "..".
   * Never reaches a filesystem path; it only names the download.
   */
  public static String sanitizeFileName(String name) {
    if (name == null) {
      return "";
    }
    String last = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
    String clean = CONTROL.matcher(last).replaceAll("");
    while (clean.contains("..")) {
      clean = clean.replace("..", ".");
    }
    return clean.strip();
  }

  public List<Violation> check(String fileName, Long fileSize, String contentType) {
    List<Violation> violations = new ArrayList<>();
    checkName(fileName, violations);
    if (fileSize == null || fileSize < 1) {
      violations.add(new Violation("fileSize", "must be a positive number of bytes"));
    } else if (fileSize > maxSize) {
      violations.add(new Violation("fileSize", "must be at most " + maxSize + " bytes, was " + fileSize));
    }
    checkType(contentType, violations);
    return violations;
  }

  public void checkName(String fileName, List<Violation> violations) {
    String clean = sanitizeFileName(fileName);
    if (clean.isEmpty() || clean.equals(".")) {
      violations.add(new Violation("fileName", "must name a file (1 to 255 characters)"));
    } else if (clean.length() > MAX_NAME_LENGTH) {
      violations.add(new Violation("fileName", "must be at most 255 characters, was " + clean.length()));
    }
  }

  public void checkType(String contentType, List<Violation> violations) {
    if (!isAllowedType(contentType)) {
      violations.add(
          new Violation("contentType", "must be one of " + String.join(", ", allowedTypes) + ", was '" + contentType + "'"));
    }
  }

  public boolean isAllowedType(String contentType) {
    return contentType != null && allowedTypes.contains(contentType.trim().toLowerCase(Locale.ROOT));
  }
}
