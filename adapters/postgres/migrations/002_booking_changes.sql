-- Outbox of booking changes, written in the same transaction as the change itself, so that whatever must
-- follow a booking (reservation delivery to a provider's property system, notifications) can never miss
-- one. `providers` lists every provider the change concerns: on a modify, those of the old and new lines.
CREATE TABLE booking_changes (
  id           bigserial PRIMARY KEY,
  locator      char(6) NOT NULL,
  action       text NOT NULL CHECK (action IN ('hold','book','confirm','cancel','modify','expire')),
  status       text NOT NULL,
  providers    text[] NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  consumed_at  timestamptz
);
CREATE INDEX booking_changes_pending ON booking_changes (id) WHERE consumed_at IS NULL;
