package com.xeadline.uploads.tus.protocol;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import me.desair.tus.server.HttpMethod;
import me.desair.tus.server.RequestHandler;
import me.desair.tus.server.RequestValidator;
import me.desair.tus.server.TusExtension;
import me.desair.tus.server.exception.TusException;
import me.desair.tus.server.upload.UploadStorageService;
import me.desair.tus.server.util.TusServletRequest;
import me.desair.tus.server.util.TusServletResponse;

/**
 * A tus extension assembled from validators and handlers, ours and tus-java-server's. (The
 * library's own base class builds its lists inside its constructor, before a subclass could hold
 * the storage its handlers need.)
 */
final class Extension implements TusExtension {
  private final String name;
  private final List<HttpMethod> methods;
  private final List<RequestValidator> validators;
  private final List<RequestHandler> handlers;

  Extension(
      String name,
      List<HttpMethod> methods,
      List<RequestValidator> validators,
      List<RequestHandler> handlers) {
    this.name = name;
    this.methods = List.copyOf(methods);
    this.validators = List.copyOf(validators);
    this.handlers = List.copyOf(handlers);
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public Collection<HttpMethod> getMinimalSupportedHttpMethods() {
    return methods;
  }

  @Override
  public void validate(
      HttpMethod method, jakarta.servlet.http.HttpServletRequest request, UploadStorageService storage, String ownerKey)
      throws TusException, IOException {
    for (RequestValidator validator : validators) {
      if (validator.supports(method)) {
        validator.validate(method, request, storage, ownerKey);
      }
    }
  }

  @Override
  public void process(
      HttpMethod method,
      TusServletRequest request,
      TusServletResponse response,
      UploadStorageService storage,
      String ownerKey)
      throws IOException, TusException {
    for (RequestHandler handler : handlers) {
      if (handler.supports(method)) {
        handler.process(method, request, response, storage, ownerKey);
      }
    }
  }

  @Override
  public void handleError(
      HttpMethod method,
      TusServletRequest request,
      TusServletResponse response,
      UploadStorageService storage,
      String ownerKey)
      throws IOException, TusException {
    for (RequestHandler handler : handlers) {
      if (handler.supports(method) && handler.isErrorHandler()) {
        handler.process(method, request, response, storage, ownerKey);
      }
    }
  }
}
