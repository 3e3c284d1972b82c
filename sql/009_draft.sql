-- 009 draft: the LKIP draft that lkip writes (report/draft.h) is stored as document versions of
-- its instance like an upload (SHA-256, numbered per instance), a DOCX and a PDF per draft;
-- the organisation's own texts and signatory for it.

-- What a document version is: a file a user uploaded, or a draft lkip wrote. A draft does not
-- count as the upload a "dokumen: wajib" step needs, and the archive takes an upload over it.
ALTER TABLE documents
    ADD COLUMN kind  text NOT NULL DEFAULT 'upload' CHECK (kind IN ('upload', 'draft')),
    ADD COLUMN pages integer CHECK (pages >= 1);   -- a draft's PDF: its page count

-- The organisation's profile for the draft: Bab I (Markdown, docmd.h), the Kata Pengantar and
-- Bab IV templates (empty: the shipped defaults), and who signs where. One row per
-- organisation, changed by the administrator; version counts the changes.
CREATE TABLE org_profiles (
    org_id             bigint PRIMARY KEY REFERENCES organisations(id),
    profil_md          text NOT NULL DEFAULT '',
    kata_pengantar_md  text NOT NULL DEFAULT '',
    penutup_md         text NOT NULL DEFAULT '',
    kepala_nama        text NOT NULL DEFAULT '',
    kepala_nip         text NOT NULL DEFAULT '',
    kepala_jabatan     text NOT NULL DEFAULT '',
    kota               text NOT NULL DEFAULT '',
    version            integer NOT NULL DEFAULT 1,
    updated_by         bigint NOT NULL REFERENCES users(id),
    updated_at         timestamptz NOT NULL
);
