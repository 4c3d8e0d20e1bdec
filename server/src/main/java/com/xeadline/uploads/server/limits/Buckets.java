package com.xeadline.uploads.server.limits;

import com.xeadline.uploads.config.UploadsConfig;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.ExpiredEntriesCleaner;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * Where token buckets live: in this process (one node), or in PostgreSQL so that a budget of N is
 * N across every node of a cluster (bucket4j's SELECT … FOR UPDATE proxy manager).
 */
public final class Buckets {
  private static final int EXPIRED_BATCH = 500;
  private final ProxyManager<String> shared;
  private final Map<String, Bucket> cache = new ConcurrentHashMap<>();

  private Buckets(ProxyManager<String> shared) {
    this.shared = shared;
  }

  public static Buckets inProcess() {
    return new Buckets(null);
  }

  public static Buckets inPostgres(DataSource dataSource) {
    return new Buckets(
        Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
            .primaryKeyMapper(PrimaryKeyMapper.STRING)
            .table("rate_limit_buckets")
            .idColumn("id")
            .stateColumn("state")
            .expiresAtColumn("expires_at")
            // A row may go once its bucket would be full again (plus a minute): a fresh one is the same.
            .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1)))
            .build());
  }

  public boolean isShared() {
    return shared != null;
  }

  /** The bucket of one caller for one budget; the rate is part of its identity. */
  Bucket bucket(String key, UploadsConfig.Rate rate) {
    String id = key + " " + rate.count() + "/" + rate.period().toMillis();
    return cache.computeIfAbsent(
        id,
        k -> {
          BucketConfiguration config =
              BucketConfiguration.builder()
                  .addLimit(limit -> limit.capacity(rate.count()).refillGreedy(rate.count(), rate.period()))
                  .build();
          return shared == null ? Bucket.builder().addLimit(config.getBandwidths()[0]).build() : shared.builder().build(k, () -> config);
        });
  }

  /**
   * Drops cached buckets that are full again (a fresh one would be identical) and, in PostgreSQL,
   * the rows of expired ones, a batch at a time.
   */
  void forgetFull(java.util.function.ToLongFunction<String> capacityOf) {
    cache.entrySet().removeIf(e -> e.getValue().getAvailableTokens() >= capacityOf.applyAsLong(e.getKey()));
    if (shared instanceof ExpiredEntriesCleaner cleaner) {
      while (cleaner.removeExpired(EXPIRED_BATCH) == EXPIRED_BATCH) {
        // more to sweep
      }
    }
  }
}
