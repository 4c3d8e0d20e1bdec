package com.xeadline.uploads.tus.protocol;

import com.xeadline.uploads.tus.rows.UploadRow;
import com.xeadline.uploads.tus.upload.BodyCheck;
import com.xeadline.uploads.tus.upload.BodySource;
import com.xeadline.uploads.tus.upload.UploadService;
import java.io.IOException;
import java.util.Locale;
import me.desair.tus.server.HttpHeader;
import me.desair.tus.server.exception.TusException;
import me.desair.tus.server.util.TusServletRequest;

/** Appends a PATCH's (or a creation's) body, read the cheapest way its checks allow. */
final class TusBody {
  private TusBody() {}

  /**
   * A checksummed body goes through tus-java-server's stream, which computes the digests as it
   * reads; any other body is read from the server's own buffers as they arrive.
   */
  static UploadRow append(UploadService storage, RequestBodies bodies, UploadRow row, TusServletRequest request)
      throws IOException, TusException {
    if (!checksummed(request)) {
      BodySource direct = bodies.open(request);
      if (direct != null) {
        return storage.appendBody(row, direct, BodyCheck.NONE);
      }
    }
    return storage.appendBody(row, request.getContentInputStream(), new ChecksumBodyCheck(request));
  }

  private static boolean checksummed(TusServletRequest request) {
    String header = request.getHeader(HttpHeader.UPLOAD_CHECKSUM);
    String trailer = request.getHeader("Trailer");
    return (header != null && !header.isBlank())
        || (trailer != null && trailer.toLowerCase(Locale.ROOT).contains("upload-checksum"));
  }
}
