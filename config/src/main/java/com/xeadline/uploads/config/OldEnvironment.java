package com.xeadline.uploads.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Environment variables of the old Next.js upload service. Some are read as they were (the
 * options whose environment name is the old one); the others have no effect here: a deployment
 * moved over keeps them set, and each gets one warning at start naming what replaces it, so
 * nobody believes the limits still live in Redis or the files in Vercel Blob.
 */
public final class OldEnvironment {
  /** The options read from the old service's variable of the same name. */
  public static final List<ConfigOption> HONOURED =
      List.of(ConfigOption.UPLOAD_DIR, ConfigOption.DATABASE_URL, ConfigOption.NEXTAUTH_SECRET);

  /** A variable the old service read, and what does its job here. */
  public record Ignored(String variable, String replacement) {}

  private static final List<Ignored> OLD =
      List.of(
          new Ignored("REDIS_URL", "limits and quotas live in the database (limits.*, quota.*), shared by all nodes on PostgreSQL"),
          new Ignored("BLOB_READ_WRITE_TOKEN", "finished files are stored on local disk or in GCS (storage.provider, gcs.*)"));

  private OldEnvironment() {}

  /** Every old variable that has no effect here, with what does its job. */
  public static List<Ignored> ignored() {
    return OLD;
  }

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
