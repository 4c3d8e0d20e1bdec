package com.xeadline.uploads.gcs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** 1 GiB into the GCS provider inside a 128 MiB heap: the write path is bounded. */
class GcsMemoryIT {
  @Test
  void aGibibyteFitsThroughA128MibHeap() throws Exception {
    long size = 1L << 30;
    Process child =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    BoundedMemoryMain.class.getName(),
                    Long.toString(size)))
            .redirectErrorStream(true)
            .start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor()).as(output).isZero();
    assertThat(output).contains("received=" + size);
  }
}
