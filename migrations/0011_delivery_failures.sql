-- 0011: a delivery Shopify refused (or that kept failing) says why, for the merchant to see and retry.
ALTER TABLE deliveries ADD COLUMN failure_reason character varying(1000);
ALTER TABLE deliveries ADD COLUMN failed_at timestamp with time zone;
