-- 0007: a delivery is one paid order line of one book (a published book bought twice is delivered twice);
-- who bought it lives here, not in columns of the story that the next order would overwrite.
ALTER TABLE deliveries ADD COLUMN line_item_id character varying(64) NOT NULL DEFAULT '';
ALTER TABLE deliveries ALTER COLUMN line_item_id DROP DEFAULT;
ALTER TABLE deliveries ADD COLUMN customer_id character varying(64);
DROP INDEX ix_deliveries_story_id_order_id;
CREATE UNIQUE INDEX ix_deliveries_story_id_order_id_line_item_id ON deliveries (story_id, order_id, line_item_id);
CREATE INDEX ix_deliveries_shop_id_customer_id ON deliveries (shop_id, customer_id);
