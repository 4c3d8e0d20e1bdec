package com.xeadline.uploads.tus.protocol;

import me.desair.tus.server.HttpHeader;
import me.desair.tus.server.HttpMethod;
import me.desair.tus.server.RequestHandler;
import me.desair.tus.server.TusFileUploadService;
import me.desair.tus.server.upload.UploadStorageService;
import me.desair.tus.server.util.TusServletRequest;
import me.desair.tus.server.util.TusServletResponse;

/** A 412 for a wrong or missing Tus-Resumable must say which versions the server speaks. */
final class TusVersionOnErrorHandler implements RequestHandler {
  @Override
  public boolean supports(HttpMethod method) {
    // The methods whose Tus-Resumable is checked; null is a method the server does not support.
    return !HttpMethod.OPTIONS.equals(method) && !HttpMethod.GET.equals(method);
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
    if (!TusFileUploadService.TUS_API_VERSION.equals(request.getHeader(HttpHeader.TUS_RESUMABLE))) {
      response.setHeader(HttpHeader.TUS_VERSION, TusFileUploadService.TUS_API_VERSION);
    }
  }
}
