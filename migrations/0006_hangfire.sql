-- Jobs run on Hangfire (schema "hangfire", installed by the migrator before this file); Quartz's tables go.
DO $$
DECLARE t text;
BEGIN
  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'qrtz\_%' LOOP
    EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', t);
  END LOOP;
END $$;

-- Every job about a story: which story and shop it serves and what it does. Written in the same transaction
-- as Hangfire's job row; goes with it when Hangfire expires the job, and with the story when it is erased.
CREATE TABLE story_jobs (
  job_id bigint PRIMARY KEY REFERENCES hangfire.job (id) ON DELETE CASCADE,
  story_id uuid NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
  shop_id uuid NOT NULL,
  kind text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX story_jobs_story ON story_jobs (story_id, kind, job_id DESC);
CREATE INDEX story_jobs_shop ON story_jobs (shop_id, job_id DESC);
