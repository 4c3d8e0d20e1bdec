-- Cluster-wide write locks: one row per upload being written, held by one node's request under a
-- lease it renews. A node that dies stops renewing; after the lease another node may take over.
-- release_requested is how a request on another node asks the holder to let go (as tusd does).
CREATE TABLE upload_locks (
  upload_id         VARCHAR(64)  NOT NULL PRIMARY KEY,
  owner             VARCHAR(255) NOT NULL,
  lease_until       TIMESTAMP WITH TIME ZONE NOT NULL,
  release_requested BOOLEAN      NOT NULL DEFAULT FALSE
);

-- Rate-limit buckets shared by all nodes (bucket4j's PostgreSQL proxy manager: one row per key;
-- expires_at, in epoch milliseconds, lets full buckets be swept).
CREATE TABLE rate_limit_buckets (
  id         VARCHAR(512) NOT NULL PRIMARY KEY,
  state      BYTEA,
  expires_at BIGINT
);
