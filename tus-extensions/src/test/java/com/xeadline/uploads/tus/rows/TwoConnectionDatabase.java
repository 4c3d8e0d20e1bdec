package com.xeadline.uploads.tus.rows;

import com.xeadline.uploads.config.ConfigLoader;
import com.xeadline.uploads.tus.db.Database;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A fresh in-memory H2 database whose main pool has two connections: easy to hold all of them. */
final class TwoConnectionDatabase {
  private TwoConnectionDatabase() {}

  static Database open() {
    return Database.open(new ConfigLoader(Map.of())
        .load(List.of("--database.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "--database.pool-size=2"))
        .database());
  }
}
