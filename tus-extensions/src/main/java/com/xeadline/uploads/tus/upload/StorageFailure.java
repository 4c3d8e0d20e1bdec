package com.xeadline.uploads.tus.upload;

import java.io.IOException;

/**
 * Writing an upload's bytes failed on the server's side (disk full, I/O error), as opposed to the
 * client going away. Carries the offset that is committed despite the failure, so the client can
 * be told where to resume.
 */
public final class StorageFailure extends IOException {
  private final long committedOffset;

  public StorageFailure(IOException cause) {
    this(cause, -1);
  }

  private StorageFailure(IOException cause, long committedOffset) {
    super(cause.getMessage(), cause);
    this.committedOffset = committedOffset;
  }

  /** The same failure, knowing the committed offset. */
  public StorageFailure at(long offset) {
    StorageFailure located = new StorageFailure((IOException) getCause(), offset);
    located.setStackTrace(getStackTrace());
    return located;
  }

  /** The committed offset, or -1 when the failure came before any offset was known. */
  public long committedOffset() {
    return committedOffset;
  }

  /** Out of space (or quota) on the file system: 507 rather than 500. */
  public boolean diskFull() {
    return isDiskFull(getCause());
  }

  public static boolean isDiskFull(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      if (message.contains("No space left on device") || message.contains("Disk quota exceeded")) {
        return true;
      }
    }
    return false;
  }
}
