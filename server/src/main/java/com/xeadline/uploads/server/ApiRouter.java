package com.xeadline.uploads.server;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Sends {@code /api/...} to the JSON API (Jersey) and everything else to the servlets. (Jetty's
 * PathMappingsHandler fails on Jersey's context path lookup, and Jersey wants the full path.)
 */
final class ApiRouter extends Handler.Sequence {
  private final Handler api;
  private final Handler rest;

  ApiRouter(Handler api, Handler rest) {
    super(api, rest);
    this.api = api;
    this.rest = rest;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    boolean toApi = Request.getPathInContext(request).startsWith("/api/");
    return (toApi ? api : rest).handle(request, response, callback);
  }
}
