-- 0001: shops, stories, story pages and the generation ledger (generated from AppDbContext, then reviewed).
CREATE TABLE shops (
    id uuid NOT NULL,
    domain character varying(255) NOT NULL,
    name text,
    created_at timestamp with time zone NOT NULL,
    uninstalled_at timestamp with time zone,
    CONSTRAINT pk_shops PRIMARY KEY (id)
);

CREATE TABLE stories (
    id uuid NOT NULL,
    shop_id uuid NOT NULL,
    shopify_customer_id text,
    shopify_product_id text,
    shopify_order_id text,
    child_name character varying(40) NOT NULL,
    age_group character varying(8) NOT NULL,
    genre character varying(40) NOT NULL,
    language character varying(8) NOT NULL DEFAULT 'en',
    moral_lesson character varying(200),
    companions jsonb NOT NULL,
    title text,
    description text,
    characters jsonb NOT NULL,
    settings text[] NOT NULL,
    cover_image text,
    images text[] NOT NULL,
    audio_files text[] NOT NULL,
    pdf_url text,
    print_pdf_key text,
    status character varying(20) NOT NULL,
    stages_done integer NOT NULL,
    failure_reason text,
    generation_time_ms bigint,
    word_count integer NOT NULL,
    page_count integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    generation_started_at timestamp with time zone,
    published_at timestamp with time zone,
    CONSTRAINT pk_stories PRIMARY KEY (id),
    CONSTRAINT fk_stories_shops_shop_id FOREIGN KEY (shop_id) REFERENCES shops (id) ON DELETE CASCADE
);

CREATE TABLE generations (
    id uuid NOT NULL,
    story_id uuid NOT NULL,
    type character varying(10) NOT NULL,
    page_number integer,
    prompt text NOT NULL,
    result jsonb,
    error text,
    cost numeric(12,6) NOT NULL,
    duration_ms integer NOT NULL,
    provider character varying(40) NOT NULL,
    model character varying(80),
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_generations PRIMARY KEY (id),
    CONSTRAINT fk_generations_stories_story_id FOREIGN KEY (story_id) REFERENCES stories (id) ON DELETE CASCADE
);

CREATE TABLE story_pages (
    id uuid NOT NULL,
    story_id uuid NOT NULL,
    number integer NOT NULL,
    text text NOT NULL,
    illustration_prompt text NOT NULL,
    scene jsonb NOT NULL,
    image_key text,
    image_stage character varying(10) NOT NULL,
    audio_key text,
    audio_stage character varying(10) NOT NULL,
    CONSTRAINT pk_story_pages PRIMARY KEY (id),
    CONSTRAINT fk_story_pages_stories_story_id FOREIGN KEY (story_id) REFERENCES stories (id) ON DELETE CASCADE
);

CREATE INDEX ix_generations_story_id ON generations (story_id);

CREATE INDEX ix_generations_type ON generations (type);

CREATE UNIQUE INDEX ix_shops_domain ON shops (domain);

CREATE INDEX ix_stories_shop_id_created_at ON stories (shop_id, created_at);

CREATE INDEX ix_stories_shop_id_shopify_customer_id ON stories (shop_id, shopify_customer_id);

CREATE INDEX ix_stories_shop_id_status ON stories (shop_id, status);

CREATE UNIQUE INDEX ix_stories_shopify_product_id ON stories (shopify_product_id) WHERE shopify_product_id IS NOT NULL;

CREATE INDEX ix_stories_status ON stories (status);

CREATE UNIQUE INDEX ix_story_pages_story_id_number ON story_pages (story_id, number);

