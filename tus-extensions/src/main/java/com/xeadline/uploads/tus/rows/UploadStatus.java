package com.xeadline.uploads.tus.rows;

/** The old service's upload states, shared by tus and the JSON API. */
public enum UploadStatus {
  INITIALIZED("initialized"),
  IN_PROGRESS("in-progress"),
  COMPLETED("completed"),
  FAILED("failed");

  private final String dbValue;

  UploadStatus(String dbValue) {
    this.dbValue = dbValue;
  }

  public String dbValue() {
    return dbValue;
  }

  public static UploadStatus fromDb(String value) {
    for (UploadStatus s : values()) {
      if (s.dbValue.equals(value)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown upload status " + value);
  }

  /** The state an upload is in once {@code offset} of {@code length} bytes are stored. */
  public static UploadStatus forProgress(long offset, Long length) {
    if (length != null && offset == length) {
      return COMPLETED;
    }
    return offset == 0 ? INITIALIZED : IN_PROGRESS;
  }
}
