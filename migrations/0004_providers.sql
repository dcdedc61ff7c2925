-- 0004: per-shop generation settings, narration word timings (read-along), page-level failures, the EPUB.
ALTER TABLE shops ADD COLUMN settings jsonb NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE stories ADD COLUMN epub_key text;
ALTER TABLE story_pages ADD COLUMN audio_seconds double precision;
ALTER TABLE story_pages ADD COLUMN words jsonb;
ALTER TABLE story_pages ADD COLUMN audio_request_id character varying(100);
ALTER TABLE story_pages ADD COLUMN error character varying(1000);
