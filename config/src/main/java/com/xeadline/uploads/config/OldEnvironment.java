package com.xeadline.uploads.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Environment variables of the old Next.js upload service that have no effect here. A deployment
 * moved over keeps them set; each gets one warning at start naming what replaces it, so nobody
 * believes the limits still live in Redis or the files in Vercel Blob.
 */
public final class OldEnvironment {
  /** A variable the old service read, and what does its job here. */
  public record Ignored(String variable, String replacement) {}

  private static final List<Ignored> OLD =
      List.of(
          new Ignored("REDIS_URL", "limits and quotas live in the database (limits.*, quota.*), shared by all nodes on PostgreSQL"),
          new Ignored("BLOB_READ_WRITE_TOKEN", "finished files are stored on local disk or in GCS (storage.provider, gcs.*)"));

  private OldEnvironment() {}

  /** The old variables that are set (to anything but blank) in {@code env}. */
  public static List<Ignored> setIn(Map<String, String> env) {
    List<Ignored> set = new ArrayList<>();
    for (Ignored old : OLD) {
      String value = env.get(old.variable());
      if (value != null && !value.isBlank()) {
        set.add(old);
      }
    }
    return set;
  }
}
