package com.xeadline.uploads.tus.protocol;

import com.xeadline.uploads.tus.TusError;
import com.xeadline.uploads.tus.upload.UploadService;
import java.util.ArrayList;
import java.util.List;
import me.desair.tus.server.exception.TusException;
import me.desair.tus.server.upload.UploadType;

/** The Upload-Concat header: absent, {@code partial}, or {@code final;URL URL ...}. */
record Concat(UploadType type, String header, List<String> partUrls) {

  static Concat parse(String header) throws TusException {
    if (header == null || header.isBlank()) {
      return new Concat(UploadType.REGULAR, null, List.of());
    }
    String value = header.trim();
    if (value.equals("partial")) {
      return new Concat(UploadType.PARTIAL, value, List.of());
    }
    if (value.startsWith("final;")) {
      List<String> urls = new ArrayList<>();
      for (String url : value.substring("final;".length()).trim().split("\\s+")) {
        if (!url.isEmpty()) {
          urls.add(url);
        }
      }
      return new Concat(UploadType.CONCATENATED, value, List.copyOf(urls));
    }
    throw TusError.BAD_CONCAT.exception();
  }

  /** The ids of the listed parts; null for a URL that names no upload of this server. */
  List<String> partIds(UploadService storage) {
    List<String> ids = new ArrayList<>();
    for (String url : partUrls) {
      ids.add(storage.readId(url));
    }
    return ids;
  }
}
