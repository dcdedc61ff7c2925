-- 0005: storefront previews wait for payment (released/paid_at); deliveries of paid books (download page + fulfillment).
ALTER TABLE stories ADD COLUMN released boolean NOT NULL DEFAULT TRUE;
ALTER TABLE stories ADD COLUMN paid_at timestamp with time zone;
CREATE INDEX ix_stories_shop_id_shopify_order_id ON stories (shop_id, shopify_order_id);

CREATE TABLE deliveries (
    id uuid NOT NULL,
    shop_id uuid NOT NULL,
    story_id uuid NOT NULL,
    order_id character varying(64) NOT NULL,
    token character varying(64) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    revoked_at timestamp with time zone,
    fulfillment_id character varying(100),
    CONSTRAINT pk_deliveries PRIMARY KEY (id),
    CONSTRAINT fk_deliveries_shops_shop_id FOREIGN KEY (shop_id) REFERENCES shops (id) ON DELETE CASCADE,
    CONSTRAINT fk_deliveries_stories_story_id FOREIGN KEY (story_id) REFERENCES stories (id) ON DELETE CASCADE
);
CREATE INDEX ix_deliveries_shop_id_order_id ON deliveries (shop_id, order_id);
CREATE UNIQUE INDEX ix_deliveries_story_id_order_id ON deliveries (story_id, order_id);
CREATE UNIQUE INDEX ix_deliveries_token ON deliveries (token);
