package com.xeadline.uploads.server.resumable;

/**
 * A refused draft request: its status, the draft's problem type when one fits, and for an offset
 * mismatch the offsets the answer must name. Thrown before a byte of the body is kept.
 */
final class DraftProblem extends Exception {
  enum Kind {
    MISMATCHING_OFFSET("mismatching-upload-offset"),
    COMPLETED_UPLOAD("completed-upload"),
    INCONSISTENT_LENGTH("inconsistent-upload-length"),
    OTHER(null);

    private final String name;

    Kind(String name) {
      this.name = name;
    }

    String typeUri() {
      return "https://iana.org/assignments/http-problem-types#" + name;
    }
  }

  private final int status;
  private final Kind kind;
  private final Long expectedOffset;
  private final Long providedOffset;

  DraftProblem(int status, String detail) {
    this(status, Kind.OTHER, detail, null, null);
  }

  DraftProblem(int status, Kind kind, String detail) {
    this(status, kind, detail, null, null);
  }

  private DraftProblem(int status, Kind kind, String detail, Long expectedOffset, Long providedOffset) {
    super(detail, null, false, false);
    this.status = status;
    this.kind = kind;
    this.expectedOffset = expectedOffset;
    this.providedOffset = providedOffset;
  }

  static DraftProblem mismatchingOffset(long expected, long provided) {
    return new DraftProblem(
        409,
        Kind.MISMATCHING_OFFSET,
        "Upload-Offset " + provided + " does not match the upload's offset " + expected,
        expected,
        provided);
  }

  int status() {
    return status;
  }

  Kind kind() {
    return kind;
  }

  /** The upload's offset, for the answer's Upload-Offset; null when the problem is not about it. */
  Long expectedOffset() {
    return expectedOffset;
  }

  Long providedOffset() {
    return providedOffset;
  }
}
