-- 0014: the shop's time zone (Shopify's shop.ianaTimezone), so the admin shows dates as the merchant lives them.
ALTER TABLE shops ADD COLUMN iana_timezone character varying(64);
