-- 0013: what merchants pay for the app (Shopify's Billing API): the shop's subscription as Shopify last described it,
-- and each book sold counted against its plan (included, or one usage charge with its idempotency key).
CREATE TABLE subscriptions (
    shop_id uuid NOT NULL,
    plan_handle character varying(64) NOT NULL,
    shopify_id character varying(100) NOT NULL,
    status character varying(16) NOT NULL,
    test boolean NOT NULL,
    usage_line_item_id character varying(200),
    capped_amount numeric(12,2) NOT NULL,
    balance_used numeric(12,2) NOT NULL,
    currency character varying(3) NOT NULL,
    trial_days integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    current_period_end timestamp with time zone,
    requested_cap numeric(12,2),
    checked_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_subscriptions PRIMARY KEY (shop_id),
    CONSTRAINT fk_subscriptions_shops_shop_id FOREIGN KEY (shop_id) REFERENCES shops (id) ON DELETE CASCADE
);

CREATE TABLE book_charges (
    id uuid NOT NULL,
    shop_id uuid NOT NULL,
    story_id uuid NOT NULL,
    order_id character varying(64) NOT NULL,
    line_item_id character varying(64) NOT NULL,
    subscription_id character varying(100) NOT NULL,
    period_start timestamp with time zone NOT NULL,
    sequence integer NOT NULL,
    amount numeric(12,2) NOT NULL,
    currency character varying(3) NOT NULL,
    idempotency_key character varying(255) NOT NULL,
    status character varying(16) NOT NULL,
    usage_record_id character varying(100),
    error character varying(1000),
    created_at timestamp with time zone NOT NULL,
    charged_at timestamp with time zone,
    CONSTRAINT pk_book_charges PRIMARY KEY (id),
    CONSTRAINT fk_book_charges_shops_shop_id FOREIGN KEY (shop_id) REFERENCES shops (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX ix_book_charges_story_id_order_id_line_item_id ON book_charges (story_id, order_id, line_item_id);
CREATE UNIQUE INDEX ix_book_charges_idempotency_key ON book_charges (idempotency_key);
CREATE INDEX ix_book_charges_shop_id_subscription_id_period_start ON book_charges (shop_id, subscription_id, period_start);
