package com.xeadline.uploads.server.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;

/** {@code /api/openapi.json}: the OpenAPI 3 description of the JSON API, shipped in the jar. */
@Path("/api/openapi.json")
public final class OpenApiResource {
  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public byte[] document() throws IOException {
    try (InputStream in = OpenApiResource.class.getResourceAsStream("/openapi.json")) {
      return in.readAllBytes();
    }
  }
}
