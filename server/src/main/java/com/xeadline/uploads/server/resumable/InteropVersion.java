package com.xeadline.uploads.server.resumable;

import java.util.Optional;

/**
 * The interop versions of draft-ietf-httpbis-resumable-upload served here, and what differs
 * between them. 3 is -01, 4 is -02, 5 is -03, 6 is -04 and -05, 7 is -06 to -08, 8 is -09 on.
 */
enum InteropVersion {
  V3(3),
  V4(4),
  V5(5),
  V6(6),
  V7(7),
  V8(8);

  static final String HEADER = "Upload-Draft-Interop-Version";
  static final String SUPPORTED = "3, 4, 5, 6, 7, 8";

  private final int number;

  InteropVersion(int number) {
    this.number = number;
  }

  /** The version a request names, when it is one served here. */
  static Optional<InteropVersion> of(String header) {
    if (header == null) {
      return Optional.empty();
    }
    String value = header.trim();
    for (InteropVersion version : values()) {
      if (version.toString().equals(value)) {
        return Optional.of(version);
      }
    }
    return Optional.empty();
  }

  /** -01 says whether an upload is incomplete ({@code Upload-Incomplete}); -02 on say the opposite. */
  boolean usesIncomplete() {
    return this == V3;
  }

  /** Appends carry {@code Content-Type: application/partial-upload} from -04 on. */
  boolean requiresPartialUpload() {
    return number >= 6;
  }

  /** {@code Upload-Limit} exists from -04 on; its lifetime key was {@code expires} until -06 named it {@code max-age}. */
  boolean hasLimits() {
    return number >= 6;
  }

  String lifetimeKey() {
    return number >= 7 ? "max-age" : "expires";
  }

  /** The problem types for offsets and completed uploads came with -04, the one for lengths with -06. */
  boolean hasProblemType(DraftProblem.Kind kind) {
    return switch (kind) {
      case MISMATCHING_OFFSET, COMPLETED_UPLOAD -> number >= 6;
      case INCONSISTENT_LENGTH -> number >= 7;
      case OTHER -> false;
    };
  }

  @Override
  public String toString() {
    return Integer.toString(number);
  }
}
