package com.xeadline.uploads.gcs;

import com.google.api.gax.retrying.RetrySettings;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.storage.StorageOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Builds the GCS client: a key file or application-default credentials, retries with backoff. */
public final class GcsStorageFactory {
  private GcsStorageFactory() {}

  public static GcsStorageProvider create(String bucket, String prefix, Path credentialsFile) throws IOException {
    GoogleCredentials credentials;
    if (credentialsFile != null) {
      try (InputStream in = Files.newInputStream(credentialsFile)) {
        credentials = GoogleCredentials.fromStream(in);
      }
    } else {
      credentials = GoogleCredentials.getApplicationDefault();
    }
    return new GcsStorageProvider(options(retries(Duration.ofMillis(500))).setCredentials(credentials).build().getService(), bucket, prefix);
  }

  /** The client options every provider uses; tests add a host and shorter delays. */
  public static StorageOptions.Builder options(RetrySettings retries) {
    return StorageOptions.newBuilder().setRetrySettings(retries);
  }

  /** Six attempts, backing off from {@code initialDelay} by doubling, up to 16 s apart. */
  public static RetrySettings retries(Duration initialDelay) {
    return StorageOptions.getDefaultRetrySettings().toBuilder()
        .setMaxAttempts(6)
        .setInitialRetryDelayDuration(initialDelay)
        .setRetryDelayMultiplier(2.0)
        .setMaxRetryDelayDuration(Duration.ofSeconds(16))
        .build();
  }
}
