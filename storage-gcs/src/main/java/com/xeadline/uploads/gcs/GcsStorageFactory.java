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
    RetrySettings retries =
        StorageOptions.getDefaultRetrySettings().toBuilder()
            .setMaxAttempts(6)
            .setInitialRetryDelayDuration(Duration.ofMillis(500))
            .setRetryDelayMultiplier(2.0)
            .setMaxRetryDelayDuration(Duration.ofSeconds(16))
            .build();
    return new GcsStorageProvider(
        StorageOptions.newBuilder().setCredentials(credentials).setRetrySettings(retries).build().getService(),
        bucket,
        prefix);
  }
}
