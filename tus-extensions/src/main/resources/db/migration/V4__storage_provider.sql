-- Which provider holds an upload's final (NULL while its bytes are still in the upload directory);
-- with storage_key it locates the file even after the configured provider changes.
ALTER TABLE upload_sessions ADD COLUMN storage_provider VARCHAR(32);
