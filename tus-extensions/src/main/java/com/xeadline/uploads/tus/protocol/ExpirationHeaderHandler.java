package com.xeadline.uploads.tus.protocol;

import com.xeadline.uploads.tus.upload.UploadService;
import com.xeadline.uploads.tus.rows.UploadRow;
import me.desair.tus.server.HttpHeader;
import me.desair.tus.server.HttpMethod;
import me.desair.tus.server.upload.UploadStorageService;
import me.desair.tus.server.util.AbstractRequestHandler;
import me.desair.tus.server.util.TusServletRequest;
import me.desair.tus.server.util.TusServletResponse;

/**
 * Upload-Expires on POST, PATCH and HEAD of an unfinished upload. The expiry itself is pushed
 * forward in the same row update that records progress.
 */
final class ExpirationHeaderHandler extends AbstractRequestHandler {
  private final UploadService storage;

  ExpirationHeaderHandler(UploadService storage) {
    this.storage = storage;
  }

  @Override
  public boolean supports(HttpMethod method) {
    return HttpMethod.POST.equals(method)
        || HttpMethod.PATCH.equals(method)
        || HttpMethod.HEAD.equals(method);
  }

  @Override
  public boolean isErrorHandler() {
    return true;
  }

  @Override
  public void process(
      HttpMethod method,
      TusServletRequest request,
      TusServletResponse response,
      UploadStorageService uploadStorageService,
      String ownerKey) {
    String location = response.getHeader(HttpHeader.LOCATION);
    String id = storage.readId(location != null ? location : request.getRequestURI());
    if (id == null) {
      return;
    }
    storage
        .findOwned(id, ownerKey)
        .filter(row -> !row.isFinished() && row.expiresAt() != null)
        .map(UploadRow::expiresAt)
        .ifPresent(expiry -> response.setDateHeader(HttpHeader.UPLOAD_EXPIRES, expiry.toEpochMilli()));
  }
}
