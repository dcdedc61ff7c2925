-- 0014: the shop's time zone and currency (Shopify's shop.ianaTimezone and shop.currencyCode): the admin shows dates as
-- the merchant lives them, the storefront's preview its price in the shop's currency.
ALTER TABLE shops ADD COLUMN iana_timezone character varying(64);
ALTER TABLE shops ADD COLUMN currency_code character varying(3);
