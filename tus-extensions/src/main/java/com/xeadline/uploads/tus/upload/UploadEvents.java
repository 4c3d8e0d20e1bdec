package com.xeadline.uploads.tus.upload;

import com.xeadline.uploads.tus.rows.UploadRow;

/** What happens to uploads, for metrics. Every method has a do-nothing default. */
public interface UploadEvents {
  default void created(UploadRow row) {}

  /** One PATCH (or creation-with-upload) body appended: the upload now, its bytes, how long. */
  default void appended(UploadRow row, long bytes, long nanos) {}

  default void appendStarted() {}

  default void appendEnded() {}

  default void failed(String uploadId, String reason) {}

  default void quotaRefused(String quota) {}
}
