-- Orders (issue 8): imported from CSV or received by the signed orders webhook. The order id is
-- the shop's own, so a re-import or a redelivered webhook updates the same row and never counts
-- the order twice (members.orders and the `order` member event move only when the row is new).
-- The member is the one the order was first recorded for; merging members carries it.

CREATE TABLE orders (
  id text PRIMARY KEY,
  member_id text NOT NULL REFERENCES members (id),
  amount numeric(14, 2) NOT NULL CHECK (amount >= 0),
  currency text,
  product text,
  at timestamptz NOT NULL,
  source text NOT NULL CHECK (source IN ('csv', 'webhook')),
  imported_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz,
  raw jsonb
);
CREATE INDEX orders_member ON orders (member_id, at);
CREATE INDEX orders_at ON orders (at);
