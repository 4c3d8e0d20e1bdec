package com.xeadline.uploads.tus.protocol;

import com.xeadline.uploads.tus.upload.BodySource;
import jakarta.servlet.http.HttpServletRequest;

/**
 * How the server hands over a request body without the servlet stream's copy: the HTTP layer
 * provides it (it knows its own buffers); null means read through the servlet stream.
 */
@FunctionalInterface
public interface RequestBodies {
  RequestBodies SERVLET_STREAM = request -> null;

  BodySource open(HttpServletRequest request);
}
