package com.xeadline.uploads.tus.protocol;

import java.io.IOException;
import java.util.Objects;
import me.desair.tus.server.HttpHeader;
import me.desair.tus.server.HttpMethod;
import me.desair.tus.server.upload.UploadInfo;
import me.desair.tus.server.upload.UploadStorageService;
import me.desair.tus.server.upload.UploadType;
import me.desair.tus.server.util.AbstractRequestHandler;
import me.desair.tus.server.util.TusServletRequest;
import me.desair.tus.server.util.TusServletResponse;

/**
 * HEAD: where to resume, never cached, answered {@code 200 OK} as tusd and the protocol's own
 * examples do (tus-java-server answers 204, which some clients do not accept). A final
 * concatenation's length and offset come from the concatenation handler.
 */
final class HeadRequestHandler extends AbstractRequestHandler {
  @Override
  public boolean supports(HttpMethod method) {
    return HttpMethod.HEAD.equals(method);
  }

  @Override
  public void process(
      HttpMethod method,
      TusServletRequest request,
      TusServletResponse response,
      UploadStorageService uploadStorageService,
      String ownerKey)
      throws IOException {
    UploadInfo info = uploadStorageService.getUploadInfo(request.getRequestURI(), ownerKey);
    if (!UploadType.CONCATENATED.equals(info.getUploadType())) {
      if (info.hasLength()) {
        response.setHeader(HttpHeader.UPLOAD_LENGTH, Objects.toString(info.getLength()));
      }
      response.setHeader(HttpHeader.UPLOAD_OFFSET, Objects.toString(info.getOffset()));
    }
    response.setHeader(HttpHeader.CACHE_CONTROL, "no-store");
    response.setStatus(200);
  }
}
