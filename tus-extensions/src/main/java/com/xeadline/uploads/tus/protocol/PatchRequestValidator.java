package com.xeadline.uploads.tus.protocol;

import com.xeadline.uploads.tus.UploadService;
import com.xeadline.uploads.tus.UploadRow;
import jakarta.servlet.http.HttpServletRequest;
import me.desair.tus.server.HttpHeader;
import me.desair.tus.server.HttpMethod;
import me.desair.tus.server.RequestValidator;
import me.desair.tus.server.exception.TusException;
import me.desair.tus.server.upload.UploadStorageService;
import me.desair.tus.server.upload.UploadType;

/**
 * The PATCH rules tus-java-server checks loosely or not at all: the exact Content-Type (415), a
 * well-formed Upload-Offset (400), no PATCH to a final concatenation (403), an Upload-Length only
 * to fix a deferred length, and no body that could run past the length or the maximum size (413),
 * checked before a byte is read.
 */
final class PatchRequestValidator implements RequestValidator {
  private final UploadService storage;

  PatchRequestValidator(UploadService storage) {
    this.storage = storage;
  }

  @Override
  public boolean supports(HttpMethod method) {
    return HttpMethod.PATCH.equals(method);
  }

  @Override
  public void validate(
      HttpMethod method,
      HttpServletRequest request,
      UploadStorageService uploadStorageService,
      String ownerKey)
      throws TusException {
    if (!TusHeaders.isOffsetOctetStream(request)) {
      throw new TusException(415, "PATCH requests must have Content-Type: " + TusHeaders.OFFSET_OCTET_STREAM);
    }
    Long claimedOffset = TusHeaders.nonNegative(request, HttpHeader.UPLOAD_OFFSET);
    if (claimedOffset == null) {
      throw new TusException(400, "PATCH requests must carry an Upload-Offset header");
    }
    UploadRow row = PatchTarget.row(storage, request, ownerKey);
    if (row == null) {
      return; // the core's id validator answers 404
    }
    if (UploadType.CONCATENATED.name().equals(row.uploadType())) {
      throw new TusException(403, "A final concatenation takes no PATCH; its parts do");
    }
    if (row.storageProvider() != null && !row.isFinished()) {
      throw new TusException(409, "This upload's bytes go straight to " + row.storageProvider() + " through its signed URL");
    }
    if (row.isChunked()) {
      long contiguousChunks = row.isFinished() ? row.totalChunks() : row.offset() / row.chunkSize();
      if (row.receivedChunks() > contiguousChunks) {
        throw new TusException(
            409, "Chunks after offset " + row.offset() + " are already stored; finish with upload-chunk");
      }
    }
    Long declared = TusHeaders.nonNegative(request, HttpHeader.UPLOAD_LENGTH);
    Long length = row.length();
    if (declared != null) {
      if (length != null && !length.equals(declared)) {
        throw new TusException(400, "Upload-Length is already " + length + " and cannot change");
      }
      if (declared > storage.getMaxUploadSize()) {
        throw new TusException(413, "Upload-Length " + declared + " exceeds Tus-Max-Size " + storage.getMaxUploadSize());
      }
      if (declared < Math.max(row.offset(), claimedOffset)) {
        throw new TusException(400, "Upload-Length " + declared + " is below the current offset " + row.offset());
      }
      length = declared;
    }
    long limit = length != null ? length : storage.getMaxUploadSize();
    // Measured from the offset the client claims: when that is stale, the answer is 409, not 413.
    long contentLength = request.getContentLengthLong();
    if (contentLength > 0 && claimedOffset + contentLength > limit) {
      throw new TusException(
          413,
          "A body of "
              + contentLength
              + " bytes at offset "
              + claimedOffset
              + " runs past the upload's "
              + (length != null ? "length " : "maximum size ")
              + limit);
    }
  }
}
