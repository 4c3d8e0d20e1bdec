-- One row per user, locked (SELECT ... FOR UPDATE) while a creation checks that user's quotas,
-- so parallel creations of one user are checked one after the other and cannot overshoot.
CREATE TABLE user_quotas (
  user_id VARCHAR(255) NOT NULL PRIMARY KEY
);
CREATE INDEX idx_upload_sessions_user_created ON upload_sessions (user_id, created_at);
