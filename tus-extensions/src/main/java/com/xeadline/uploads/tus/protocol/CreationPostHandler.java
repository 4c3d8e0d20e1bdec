package com.xeadline.uploads.tus.protocol;

import com.xeadline.uploads.tus.TusError;
import com.xeadline.uploads.tus.upload.CreationGate;
import com.xeadline.uploads.tus.upload.FileConcatenation;
import com.xeadline.uploads.tus.rows.NewUpload;
import com.xeadline.uploads.tus.rows.QuotaExceededException;
import com.xeadline.uploads.tus.upload.UploadService;
import com.xeadline.uploads.tus.upload.UploadMetadata;
import com.xeadline.uploads.tus.rows.UploadRow;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import me.desair.tus.server.HttpHeader;
import me.desair.tus.server.HttpMethod;
import me.desair.tus.server.exception.TusException;
import me.desair.tus.server.upload.UploadStorageService;
import me.desair.tus.server.upload.UploadType;
import me.desair.tus.server.util.AbstractRequestHandler;
import me.desair.tus.server.util.TusServletRequest;
import me.desair.tus.server.util.TusServletResponse;

/**
 * POST: creates the row and its empty file, answers 201 with an absolute Location, and with
 * creation-with-upload streams the body in as a first PATCH would. A final concatenation is
 * completed at once when all its parts are.
 */
final class CreationPostHandler extends AbstractRequestHandler {
  private final UploadService storage;
  private final FileConcatenation concatenation;
  private final PublicUrls urls;
  private final RequestBodies bodies;

  CreationPostHandler(
      UploadService storage, FileConcatenation concatenation, PublicUrls urls, RequestBodies bodies) {
    this.storage = storage;
    this.concatenation = concatenation;
    this.urls = urls;
    this.bodies = bodies;
  }

  @Override
  public boolean supports(HttpMethod method) {
    return HttpMethod.POST.equals(method);
  }

  @Override
  public void process(
      HttpMethod method,
      TusServletRequest request,
      TusServletResponse response,
      UploadStorageService uploadStorageService,
      String ownerKey)
      throws IOException, TusException {
    Concat concat = Concat.parse(request.getHeader(HttpHeader.UPLOAD_CONCAT));
    String encodedMetadata = request.getHeader(HttpHeader.UPLOAD_METADATA);
    UploadRow row;
    try {
      row =
        storage.createUpload(
            new NewUpload(
                ownerKey,
                TusHeaders.nonNegative(request, HttpHeader.UPLOAD_LENGTH),
                encodedMetadata == null || encodedMetadata.isBlank() ? null : encodedMetadata.trim(),
                UploadMetadata.decode(encodedMetadata),
                request.getRemoteAddr(),
                concat.type().name(),
                concat.header(),
                concat.type() == UploadType.CONCATENATED ? concat.partIds(storage) : List.of(),
                null,
                null,
                null));
    } catch (QuotaExceededException e) {
      throw TusError.NOT_ALLOWED.exception(e.getMessage());
    } catch (CreationGate.Refused e) {
      throw new TusException(e.status(), e.getMessage());
    }
    response.setHeader(HttpHeader.LOCATION, urls.upload(request, row.id()));
    response.setStatus(HttpServletResponse.SC_CREATED);
    if (concat.type() == UploadType.CONCATENATED) {
      concatenation.tryComplete(row);
      return;
    }
    if (TusHeaders.hasBody(request)) {
      row = TusBody.append(storage, bodies, row, request);
    }
    // On every 201, body or not, as tusd does: some clients (tus-js-client with a deferred length
    // and uploadDataDuringCreation) read it unconditionally.
    response.setHeader(HttpHeader.UPLOAD_OFFSET, Long.toString(row.offset()));
  }
}
