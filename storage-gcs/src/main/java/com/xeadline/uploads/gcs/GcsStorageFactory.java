package com.xeadline.uploads.gcs;

import com.google.api.gax.retrying.RetrySettings;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.StorageOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Builds the GCS client: a key file or application-default credentials, retries with backoff. */
public final class GcsStorageFactory {
  private GcsStorageFactory() {}

  /**
   * A provider on Google's endpoint, or on {@code endpoint} (an emulator or test server, which
   * is sent no credentials unless a key file is given) when it is not null.
   */
  public static GcsStorageProvider create(String bucket, String prefix, Path credentialsFile, String endpoint)
      throws IOException {
    StorageOptions.Builder options = options(retries(Duration.ofMillis(500)));
    if (endpoint != null) {
      options.setHost(endpoint).setProjectId("emulator");
    }
    if (credentialsFile != null) {
      try (InputStream in = Files.newInputStream(credentialsFile)) {
        options.setCredentials(GoogleCredentials.fromStream(in));
      }
    } else if (endpoint != null) {
      options.setCredentials(NoCredentials.getInstance());
    } else {
      options.setCredentials(GoogleCredentials.getApplicationDefault());
    }
    return new GcsStorageProvider(options.build().getService(), bucket, prefix);
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
