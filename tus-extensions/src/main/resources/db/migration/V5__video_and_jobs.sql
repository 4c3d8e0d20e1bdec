-- The old service's video-metadata table: one row per probed video, keyed by its upload (storage id).
CREATE TABLE video_metadata (
  storage_id          VARCHAR(64)   NOT NULL PRIMARY KEY,
  user_id             VARCHAR(255),
  title               VARCHAR(1024),
  description         VARCHAR(4000),
  duration_seconds    DOUBLE PRECISION,
  width               INTEGER,
  height              INTEGER,
  file_size           BIGINT,
  format              VARCHAR(255),
  codec               VARCHAR(64),
  bitrate             BIGINT,
  framerate           DOUBLE PRECISION,
  transcoded_versions VARCHAR,
  created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at          TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX idx_video_metadata_user_created ON video_metadata (user_id, created_at, storage_id);

-- Durable background work (probe, transcode). A job is claimed with FOR UPDATE SKIP LOCKED and a
-- lease; a worker that dies leaves a lease that runs out, and the job is claimed again.
CREATE TABLE jobs (
  id           VARCHAR(64)   NOT NULL PRIMARY KEY,
  kind         VARCHAR(32)   NOT NULL,
  upload_id    VARCHAR(64)   NOT NULL,
  payload      VARCHAR(255)  NOT NULL DEFAULT '',
  status       VARCHAR(16)   NOT NULL,
  attempts     INTEGER       NOT NULL DEFAULT 0,
  max_attempts INTEGER       NOT NULL,
  run_after    TIMESTAMP WITH TIME ZONE NOT NULL,
  locked_by    VARCHAR(255),
  lease_until  TIMESTAMP WITH TIME ZONE,
  progress     INTEGER,
  last_error   VARCHAR(4000),
  created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT jobs_status_check CHECK (status IN ('queued', 'running', 'done', 'failed')),
  -- One job per upload, kind and payload (a rendition name): enqueuing twice is a no-op.
  CONSTRAINT jobs_unique_work UNIQUE (upload_id, kind, payload)
);
CREATE INDEX idx_jobs_claim ON jobs (status, run_after);
