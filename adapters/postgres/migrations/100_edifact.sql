-- EDIFACT adapter (issue 3): raw archive of every interchange in and out, the registry of received
-- interchanges (duplicate detection: same sender + control reference 0020 is processed once), and the
-- per-partner outgoing control reference sequences.

CREATE TABLE edifact_archive (
  id            bigserial PRIMARY KEY,
  direction     text NOT NULL CHECK (direction IN ('in', 'out')),
  partner_id    text,
  sender        text NOT NULL DEFAULT '',
  recipient     text NOT NULL DEFAULT '',
  control_ref   text NOT NULL DEFAULT '',
  message_types text[] NOT NULL DEFAULT '{}',
  bytes         bytea NOT NULL,
  size          integer NOT NULL,
  status        text NOT NULL DEFAULT 'received',
  -- what this interchange created or answered: bookings, manifests, the CONTRL sent back …
  correlation   jsonb NOT NULL DEFAULT '{}'::jsonb,
  in_reply_to   bigint REFERENCES edifact_archive(id),
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX edifact_archive_partner ON edifact_archive (partner_id, created_at);
CREATE INDEX edifact_archive_ref ON edifact_archive (sender, control_ref);

CREATE TABLE edifact_interchanges (
  sender            text NOT NULL,
  sender_qualifier  text NOT NULL DEFAULT '',
  control_ref       text NOT NULL,
  partner_id        text,
  status            text NOT NULL DEFAULT 'processing',
  archive_id        bigint REFERENCES edifact_archive(id),
  received_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sender, sender_qualifier, control_ref)
);

CREATE TABLE edifact_sequences (
  partner_id  text PRIMARY KEY,
  last_value  bigint NOT NULL CHECK (last_value > 0),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
