-- 0008: storefront limits shared by every node (fixed one-minute windows), so a shop's limit is the same with one node or ten.
CREATE TABLE rate_limits (
  key text NOT NULL,
  window_start timestamptz NOT NULL,
  count integer NOT NULL,
  PRIMARY KEY (key, window_start)
);
