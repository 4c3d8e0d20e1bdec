package com.xeadline.uploads.tus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class JsonMappersTest {
  @Test
  void threadsShareOnePoolOfBuffers() throws Exception {
    ObjectMapper mapper = JsonMappers.create();
    BufferRecycler first;
    BufferRecycler second;
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<BufferRecycler> a = threads.submit(() -> writeAndTakeBack(mapper));
      first = a.get();
      Future<BufferRecycler> b = threads.submit(() -> writeAndTakeBack(mapper));
      second = b.get();
    }
    // Per-thread buffers (Jackson's default) would give each thread its own recycler.
    assertThat(second).isSameAs(first);
  }

  private static BufferRecycler writeAndTakeBack(ObjectMapper mapper) throws Exception {
    assertThat(mapper.writeValueAsString(Map.of("filename", "a.mp4"))).isEqualTo("{\"filename\":\"a.mp4\"}");
    BufferRecycler recycler = mapper.getFactory()._getRecyclerPool().acquireAndLinkPooled();
    recycler.releaseToPool();
    return recycler;
  }
}
