-- 0012: a merchant's jobs-dashboard ticket lives while its page is open (every request renews it, up to a maximum)
-- and dies soon after the page is closed.
CREATE TABLE dashboard_tickets (
    id uuid PRIMARY KEY,
    shop_id uuid NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL
);
CREATE INDEX ix_dashboard_tickets_expires_at ON dashboard_tickets (expires_at);
