package com.xeadline.uploads.tus.protocol;

import com.xeadline.uploads.tus.TusError;
import com.xeadline.uploads.tus.rows.QuotaExceededException;
import com.xeadline.uploads.tus.upload.UploadService;
import com.xeadline.uploads.tus.rows.UploadRow;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import me.desair.tus.server.HttpHeader;
import me.desair.tus.server.HttpMethod;
import me.desair.tus.server.exception.TusException;
import me.desair.tus.server.exception.UploadNotFoundException;
import me.desair.tus.server.upload.UploadStorageService;
import me.desair.tus.server.util.AbstractRequestHandler;
import me.desair.tus.server.util.TusServletRequest;
import me.desair.tus.server.util.TusServletResponse;

/**
 * PATCH: fixes a deferred length when Upload-Length comes along, then streams the body to disk
 * and answers the new durable offset. Checksums are verified inside the append, before the offset
 * moves.
 */
final class PatchRequestHandler extends AbstractRequestHandler {
  private final UploadService storage;
  private final RequestBodies bodies;

  PatchRequestHandler(UploadService storage, RequestBodies bodies) {
    this.storage = storage;
    this.bodies = bodies;
  }

  @Override
  public boolean supports(HttpMethod method) {
    return HttpMethod.PATCH.equals(method);
  }

  @Override
  public void process(
      HttpMethod method,
      TusServletRequest request,
      TusServletResponse response,
      UploadStorageService uploadStorageService,
      String ownerKey)
      throws IOException, TusException {
    UploadRow row = PatchTarget.row(storage, request, ownerKey);
    if (row == null) {
      throw new UploadNotFoundException("The upload " + request.getRequestURI() + " was not found");
    }
    Long declared = TusHeaders.nonNegative(request, HttpHeader.UPLOAD_LENGTH);
    if (declared != null && row.length() == null) {
      try {
        row = storage.declareLength(row, declared);
      } catch (QuotaExceededException e) {
        throw TusError.NOT_ALLOWED.exception(e.getMessage());
      }
    }
    row = TusBody.append(storage, bodies, row, request);
    response.setHeader(HttpHeader.UPLOAD_OFFSET, Long.toString(row.offset()));
    response.setStatus(HttpServletResponse.SC_NO_CONTENT);
  }
}
