-- With storage.in-progress=gcs the bytes of an unfinished upload are write-once part objects in
-- the bucket, not a local file. A part counts only once it is recorded here, in the same
-- transaction that moves the upload's offset over it: a part object with no row is debris (its
-- node died before the commit, or lost the upload to another writer) and is never read. The
-- primary key makes a second part at an acknowledged start impossible.
CREATE TABLE upload_parts (
  upload_id    VARCHAR(64)   NOT NULL,
  start_offset BIGINT        NOT NULL,
  end_offset   BIGINT        NOT NULL,
  object_key   VARCHAR(1024) NOT NULL,
  generation   BIGINT        NOT NULL,
  PRIMARY KEY (upload_id, start_offset),
  CONSTRAINT upload_parts_upload_fk FOREIGN KEY (upload_id) REFERENCES upload_sessions (id) ON DELETE CASCADE,
  CONSTRAINT upload_parts_range_check CHECK (start_offset >= 0 AND end_offset > start_offset)
);

-- A legacy chunk in that mode is an object of its own, named by its chunk row.
ALTER TABLE upload_chunks ADD COLUMN object_key VARCHAR(1024);
ALTER TABLE upload_chunks ADD COLUMN generation BIGINT;
