-- The legacy JSON API uploads in fixed-size chunks that may arrive out of order. Each chunk is
-- claimed by a row here before its bytes are written to their place in the upload's file, so a
-- chunk sent twice (or twice at once) is written and counted once.
ALTER TABLE upload_sessions ADD COLUMN chunk_size BIGINT;
ALTER TABLE upload_sessions ADD COLUMN storage_key VARCHAR(1024);

CREATE TABLE upload_chunks (
  upload_id   VARCHAR(64) NOT NULL,
  chunk_index INTEGER     NOT NULL,
  state       VARCHAR(8)  NOT NULL,
  claimed_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (upload_id, chunk_index),
  CONSTRAINT upload_chunks_upload_fk FOREIGN KEY (upload_id) REFERENCES upload_sessions (id) ON DELETE CASCADE,
  CONSTRAINT upload_chunks_state_check CHECK (state IN ('writing', 'stored'))
);
