package com.xeadline.uploads.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Keys made in the same millisecond for the same user and name still differ, and stay safe. */
class ObjectKeysTest {
  @Test
  void keysForOneNameInOneMillisecondNeverCollide() {
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      String key = ObjectKeys.forUpload(null, "soak.mp4", null);
      assertThat(ObjectKeys.isSafe(key)).isTrue();
      assertThat(key).startsWith("anonymous/").endsWith("-soak.mp4");
      keys.add(key);
    }
    assertThat(keys).hasSize(2000);
  }
}
