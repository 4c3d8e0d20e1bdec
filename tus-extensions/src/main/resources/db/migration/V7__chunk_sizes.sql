-- Chunks of the legacy JSON API are of the client's own size. A chunk is either in its place in
-- the upload's file (at chunk_index * the upload's chunk_size: fixed-size chunks, the common case)
-- or spilled to a file of its own (a chunk of another size), joined at completion. 'joined' marks
-- chunks whose bytes were joined into the upload's file in their order, so a completion cut short
-- by a crash is finished rather than joined again from moved bytes.
ALTER TABLE upload_chunks ADD COLUMN chunk_bytes BIGINT;
ALTER TABLE upload_chunks ADD COLUMN in_place BOOLEAN DEFAULT TRUE NOT NULL;

UPDATE upload_chunks SET chunk_bytes =
  (SELECT CASE WHEN upload_chunks.chunk_index = s.total_chunks - 1
               THEN s.file_size - upload_chunks.chunk_index * s.chunk_size
               ELSE s.chunk_size END
   FROM upload_sessions s WHERE s.id = upload_chunks.upload_id);

ALTER TABLE upload_chunks DROP CONSTRAINT upload_chunks_state_check;
ALTER TABLE upload_chunks ADD CONSTRAINT upload_chunks_state_check CHECK (state IN ('writing', 'stored', 'joined'));
