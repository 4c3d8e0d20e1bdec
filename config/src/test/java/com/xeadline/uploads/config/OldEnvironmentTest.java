package com.xeadline.uploads.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OldEnvironmentTest {
  @Test
  void eachOldVariableThatIsSetIsNamedWithWhatReplacesIt() {
    var set = OldEnvironment.setIn(Map.of("REDIS_URL", "redis://cache:6379", "BLOB_READ_WRITE_TOKEN", "vercel_blob_rw_x", "PATH", "/bin"));
    assertThat(set).extracting(OldEnvironment.Ignored::variable).containsExactly("REDIS_URL", "BLOB_READ_WRITE_TOKEN");
    assertThat(set.get(0).replacement()).contains("database");
    assertThat(set.get(1).replacement()).contains("storage.provider");
    assertThat(OldEnvironment.setIn(Map.of("REDIS_URL", " "))).isEmpty();
  }
}
