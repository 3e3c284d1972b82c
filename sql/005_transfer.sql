-- 005 transfer: documents move in chunks. Pieces of a document being uploaded are staged per
-- user until the upload that names them stores the document (and removes them); stale ones are
-- pruned. Stored documents are kept uncompressed out of line so that a chunk of one is read
-- without reading the whole value.

CREATE TABLE upload_chunks (
    user_id    bigint NOT NULL REFERENCES users(id),
    upload_id  numeric(20) NOT NULL,
    size       bigint NOT NULL,
    off        bigint NOT NULL,
    data       bytea NOT NULL,
    at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, upload_id, off)
);
CREATE INDEX upload_chunks_at ON upload_chunks (at);

ALTER TABLE documents ALTER COLUMN content SET STORAGE EXTERNAL;
