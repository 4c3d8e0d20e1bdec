-- One row per upload, whichever API (tus or the legacy JSON API) created it.
-- The first block is the old service's upload-session table; the second is what tus needs.
-- Plain types only, so the same migration runs on H2 and PostgreSQL.
CREATE TABLE upload_sessions (
  id               VARCHAR(64)   NOT NULL PRIMARY KEY,
  user_id          VARCHAR(255),
  file_name        VARCHAR(1024),
  file_size        BIGINT,
  content_type     VARCHAR(255),
  total_chunks     INTEGER,
  received_chunks  INTEGER       NOT NULL DEFAULT 0,
  status           VARCHAR(16)   NOT NULL,
  created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  last_activity_at TIMESTAMP WITH TIME ZONE NOT NULL,
  completed_at     TIMESTAMP WITH TIME ZONE,
  url              VARCHAR(2048),
  metadata         VARCHAR,

  upload_offset    BIGINT        NOT NULL DEFAULT 0,
  length_deferred  BOOLEAN       NOT NULL DEFAULT FALSE,
  expires_at       TIMESTAMP WITH TIME ZONE,
  upload_type      VARCHAR(16)   NOT NULL DEFAULT 'REGULAR',
  upload_concat    VARCHAR,
  concat_parts     VARCHAR,
  encoded_metadata VARCHAR,
  creator_ip       VARCHAR(255),
  failure_reason   VARCHAR(1024),
  CONSTRAINT upload_sessions_status_check
    CHECK (status IN ('initialized', 'in-progress', 'completed', 'failed')),
  CONSTRAINT upload_sessions_offset_check
    CHECK (upload_offset >= 0 AND (file_size IS NULL OR upload_offset <= file_size))
);

CREATE INDEX idx_upload_sessions_user_id ON upload_sessions (user_id);
CREATE INDEX idx_upload_sessions_status ON upload_sessions (status);
