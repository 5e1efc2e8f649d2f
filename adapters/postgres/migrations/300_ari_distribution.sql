-- ARI distribution (adapters/channels): what each channel has acknowledged, its counters, parked changes,
-- and the replay/resync requests the CLI leaves for the running distribution.

-- Highest seq a channel acknowledged per key (availability: product+day; rate: rate plan+day). Workers
-- never send a change whose seq is below it: a channel never applies an older value over a newer one.
CREATE TABLE ari_channel_seq (
  channel       text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('availability','rate')),
  item_id       text NOT NULL,
  day           date NOT NULL,
  seq           bigint NOT NULL,
  delivered_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (channel, kind, item_id, day)
);

CREATE TABLE ari_channel_stats (
  channel            text PRIMARY KEY,
  delivered          bigint NOT NULL DEFAULT 0,
  failed             bigint NOT NULL DEFAULT 0,
  requests           bigint NOT NULL DEFAULT 0,
  last_error         text,
  last_error_at      timestamptz,
  last_delivered_at  timestamptz,
  -- Every outbox row with id <= watermark is known delivered (or superseded) for this channel: the lag
  -- query starts after it instead of scanning the whole outbox.
  watermark          bigint NOT NULL DEFAULT 0
);

-- Changes a channel did not accept after maxAttempts: visible (`maqam channels dead-letters`) and
-- replayable (`maqam channels replay`), which sets replay_requested_at for the running distribution.
CREATE TABLE ari_dead_letters (
  id                   bigserial PRIMARY KEY,
  channel              text NOT NULL,
  message_id           text NOT NULL,
  routing_key          text NOT NULL,
  body                 jsonb NOT NULL,
  attempts             int NOT NULL,
  error                text NOT NULL,
  created_at           timestamptz NOT NULL DEFAULT now(),
  replay_requested_at  timestamptz,
  UNIQUE (channel, message_id)
);
CREATE INDEX ari_dead_letters_replay ON ari_dead_letters (id) WHERE replay_requested_at IS NOT NULL;

-- Full refresh of a channel from the state tables over a date range (`maqam channels resync`).
CREATE TABLE ari_resync_requests (
  id            bigserial PRIMARY KEY,
  channel       text NOT NULL,
  from_day      date NOT NULL,
  to_day        date NOT NULL,
  requested_at  timestamptz NOT NULL DEFAULT now(),
  done_at       timestamptz,
  changes       int
);
CREATE INDEX ari_resync_pending ON ari_resync_requests (id) WHERE done_at IS NULL;
