package com.xeadline.uploads.server.api;

import com.xeadline.uploads.server.auth.UploadGrants;
import jakarta.ws.rs.core.UriInfo;
import java.time.Duration;

/**
 * Where a page can read a finished upload's file or rendition: the plain URL while finals are
 * public, else a signed link that reads (never writes) for {@link #READ_LINK_VALIDITY}, so it still
 * works in {@code <video src>}. Every JSON answer that shows a {@code url} takes it from here.
 */
public final class FinalUrls {
  static final Duration READ_LINK_VALIDITY = Duration.ofHours(24);

  private final boolean publicFinals;
  private final UploadGrants grants;

  public FinalUrls(boolean publicFinals, UploadGrants grants) {
    this.publicFinals = publicFinals;
    this.grants = grants;
  }

  /** Whether anyone may read finished files (and caches may keep them). */
  boolean arePublic() {
    return publicFinals;
  }

  /** {@code path} (relative to the server's base) of upload {@code uploadId}, as a page may load it. */
  String of(UriInfo uri, String path, String uploadId) {
    String url = uri.getBaseUri().resolve(path).toString();
    return publicFinals ? url : url + (url.contains("?") ? "&" : "?") + "read=" + grants.readLink(uploadId, READ_LINK_VALIDITY);
  }
}
