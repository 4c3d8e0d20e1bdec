package com.xeadline.uploads.gcs;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.xeadline.uploads.storage.StorageProvider;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;

/**
 * The same contract against a real bucket: set GCS_TEST_BUCKET (and GOOGLE_APPLICATION_CREDENTIALS
 * or application-default credentials). Skipped otherwise, saying so.
 */
class GcsRealBucketTest extends StorageProviderContract {
  private static final String BUCKET = System.getenv("GCS_TEST_BUCKET");

  @BeforeEach
  void needsABucket() {
    assumeTrue(BUCKET != null && !BUCKET.isBlank(), "GCS_TEST_BUCKET is not set: the real-bucket contract run is skipped");
  }

  @Override
  StorageProvider provider() throws Exception {
    String credentials = System.getenv("GOOGLE_APPLICATION_CREDENTIALS");
    return GcsStorageFactory.create(BUCKET, "xeadline-uploads-test", credentials == null ? null : Path.of(credentials), null);
  }
}
