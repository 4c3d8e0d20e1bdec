package com.xeadline.uploads.tus.protocol;

import com.xeadline.uploads.tus.upload.UploadService;
import com.xeadline.uploads.tus.rows.UploadRow;
import jakarta.servlet.http.HttpServletRequest;
import me.desair.tus.server.upload.UploadId;

/** The upload row a request's URI names, for the caller; null when unknown, expired or not theirs. */
final class PatchTarget {
  private PatchTarget() {}

  static UploadRow row(UploadService storage, HttpServletRequest request, String ownerKey) {
    var info = storage.getUploadInfo(request.getRequestURI(), ownerKey);
    if (info == null) {
      return null;
    }
    UploadId id = info.getId();
    return storage.findOwned(id.toString(), ownerKey).orElse(null);
  }
}
