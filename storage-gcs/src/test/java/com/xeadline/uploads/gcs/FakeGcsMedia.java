package com.xeadline.uploads.gcs;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Media downloads of the fake GCS: whole objects, or one {@code Range: bytes=a-b} / {@code bytes=a-}. */
final class FakeGcsMedia {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

  private FakeGcsMedia() {}

  static FakeGcs.Reply download(FakeGcsObjects.Stored stored, FakeGcs.Call call) {
    byte[] bytes = stored.bytes();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", stored.meta().getContentType());
    headers.put("x-goog-generation", stored.meta().getGeneration().toString());
    headers.put("x-goog-metageneration", stored.meta().getMetageneration().toString());
    headers.put("x-goog-stored-content-length", Integer.toString(bytes.length));
    headers.put("x-goog-stored-content-encoding", "identity");
    headers.put("x-goog-hash", "crc32c=" + stored.meta().getCrc32c() + ",md5=" + stored.meta().getMd5Hash());
    headers.put("ETag", stored.meta().getEtag());
    String range = call.exchange().getRequestHeaders().getFirst("Range");
    if (range == null) {
      return new FakeGcs.Reply(200, headers, bytes);
    }
    Matcher m = RANGE.matcher(range.trim());
    if (!m.matches()) {
      return FakeGcs.Reply.error(400, "unsupported Range " + range);
    }
    long from = Long.parseLong(m.group(1));
    long to = m.group(2).isEmpty() ? bytes.length - 1L : Math.min(Long.parseLong(m.group(2)), bytes.length - 1L);
    if (from >= bytes.length) {
      headers.put("Content-Range", "bytes */" + bytes.length);
      return new FakeGcs.Reply(416, headers, new byte[0]);
    }
    headers.put("Content-Range", "bytes " + from + "-" + to + "/" + bytes.length);
    return new FakeGcs.Reply(206, headers, Arrays.copyOfRange(bytes, (int) from, (int) to + 1));
  }
}
