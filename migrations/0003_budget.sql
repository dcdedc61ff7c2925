-- 0003: a per-shop monthly provider budget (USD); null falls back to Generation:DefaultMonthlyBudgetUsd.
ALTER TABLE shops ADD COLUMN monthly_budget_usd numeric(12,2);
