package com.xeadline.uploads.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One server with the default configuration, shared by the tests of a class. */
abstract class ServerPerClass {
  static TestServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = TestServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }
}
