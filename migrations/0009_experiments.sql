-- 0009: text-model experiments. A shop's experiment has arms (writer + model + prompt variant + weight); each new
-- story is assigned to one arm once, and the story and its ledger rows carry it. The story also counts what the
-- experiment page compares: corrective retries, moderation rewrites, the merchant's text rewrites, and whether a
-- shopper started it on the storefront (conversion = those paid for).
CREATE TABLE experiments (
    id uuid NOT NULL,
    shop_id uuid NOT NULL,
    name character varying(80) NOT NULL,
    arms jsonb NOT NULL,
    starts_at timestamp with time zone NOT NULL,
    ends_at timestamp with time zone NOT NULL,
    created_at timestamp with time zone NOT NULL,
    stopped_at timestamp with time zone,
    chosen_arm character varying(40),
    CONSTRAINT pk_experiments PRIMARY KEY (id),
    CONSTRAINT fk_experiments_shops_shop_id FOREIGN KEY (shop_id) REFERENCES shops (id) ON DELETE CASCADE
);
CREATE INDEX ix_experiments_shop_id_created_at ON experiments (shop_id, created_at);

ALTER TABLE stories ADD COLUMN experiment_id uuid;
ALTER TABLE stories ADD COLUMN experiment_arm character varying(40);
ALTER TABLE stories ADD COLUMN started_on_storefront boolean NOT NULL DEFAULT FALSE;
ALTER TABLE stories ALTER COLUMN started_on_storefront DROP DEFAULT;
ALTER TABLE stories ADD COLUMN text_corrections integer NOT NULL DEFAULT 0;
ALTER TABLE stories ALTER COLUMN text_corrections DROP DEFAULT;
ALTER TABLE stories ADD COLUMN moderation_rewrites integer NOT NULL DEFAULT 0;
ALTER TABLE stories ALTER COLUMN moderation_rewrites DROP DEFAULT;
ALTER TABLE stories ADD COLUMN text_regenerations integer NOT NULL DEFAULT 0;
ALTER TABLE stories ALTER COLUMN text_regenerations DROP DEFAULT;
ALTER TABLE stories ADD CONSTRAINT fk_stories_experiments_experiment_id
    FOREIGN KEY (experiment_id) REFERENCES experiments (id) ON DELETE SET NULL;
CREATE INDEX ix_stories_experiment_id_experiment_arm ON stories (experiment_id, experiment_arm);

ALTER TABLE generations ADD COLUMN experiment_arm character varying(40);
