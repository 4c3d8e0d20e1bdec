package com.xeadline.uploads.server.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The JSON API's request id and its one {@code http.request} line per request. */
@PreMatching
final class ApiRequestLog implements ContainerRequestFilter, ContainerResponseFilter {
  private static final Logger log = LoggerFactory.getLogger("http");
  private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final String START = "uploads.start";
  private static final String ID = "uploads.request_id";

  @Override
  public void filter(ContainerRequestContext request) {
    String incoming = request.getHeaderString("X-Request-Id");
    request.setProperty(ID, incoming != null && SANE_ID.matcher(incoming).matches() ? incoming : UUID.randomUUID().toString());
    request.setProperty(START, System.nanoTime());
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    Object id = request.getProperty(ID);
    Object start = request.getProperty(START);
    response.getHeaders().putSingle("X-Request-Id", id);
    log.atInfo()
        .addKeyValue("request_id", id)
        .addKeyValue("method", request.getMethod())
        .addKeyValue("path", "/" + request.getUriInfo().getPath())
        .addKeyValue("status", response.getStatus())
        .addKeyValue("millis", start == null ? null : (System.nanoTime() - (Long) start) / 1_000_000)
        .log("http.request");
  }
}
