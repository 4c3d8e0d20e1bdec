package com.xeadline.uploads.tus.protocol;

import com.xeadline.uploads.tus.TusError;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.List;
import me.desair.tus.server.HttpHeader;
import me.desair.tus.server.HttpMethod;
import me.desair.tus.server.RequestValidator;
import me.desair.tus.server.exception.TusException;
import me.desair.tus.server.upload.UploadStorageService;

/**
 * A tus header sent twice with different values is ambiguous (which length, which offset?): the
 * request is refused with 400 instead of acting on whichever value a reader happens to pick.
 * The same value repeated is harmless and passes.
 */
final class RepeatedHeaderValidator implements RequestValidator {
  private static final List<String> SINGLE_VALUED =
      List.of(
          HttpHeader.TUS_RESUMABLE,
          HttpHeader.UPLOAD_LENGTH,
          HttpHeader.UPLOAD_OFFSET,
          HttpHeader.UPLOAD_DEFER_LENGTH,
          HttpHeader.UPLOAD_METADATA,
          HttpHeader.UPLOAD_CONCAT,
          HttpHeader.UPLOAD_CHECKSUM);

  @Override
  public boolean supports(HttpMethod method) {
    return method != null;
  }

  @Override
  public void validate(
      HttpMethod method,
      HttpServletRequest request,
      UploadStorageService uploadStorageService,
      String ownerKey)
      throws TusException {
    for (String name : SINGLE_VALUED) {
      List<String> values = Collections.list(request.getHeaders(name));
      if (values.stream().map(String::trim).distinct().count() > 1) {
        throw TusError.REPEATED_HEADER.exception(name);
      }
    }
  }
}
