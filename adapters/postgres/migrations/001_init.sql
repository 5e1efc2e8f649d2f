-- Partners, credentials, catalogue, daily inventory and rates, bookings, idempotency, ARI outbox.
-- Money is kept in minor units (bigint); dates are local service dates (date).

CREATE TABLE partners (
  id          text PRIMARY KEY CHECK (id ~ '^[A-Z0-9][A-Z0-9-]{1,39}$'),
  name        text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('hotel','transport','catering','experience','insurance','agency','airline','channel','gds','operator')),
  city        text,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE credentials (
  id          bigserial PRIMARY KEY,
  partner_id  text NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
  salt        bytea NOT NULL,
  hash        bytea NOT NULL,
  label       text NOT NULL DEFAULT 'api',
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX credentials_partner ON credentials (partner_id);

CREATE TABLE products (
  id           text PRIMARY KEY,
  provider_id  text NOT NULL REFERENCES partners(id),
  kind         text NOT NULL CHECK (kind IN ('hotel','transport','catering','experience','insurance')),
  code         text NOT NULL,
  name         text NOT NULL,
  city         text,
  origin       text,
  destination  text,
  max_guests   int  NOT NULL DEFAULT 1 CHECK (max_guests BETWEEN 1 AND 99),
  pricing      text NOT NULL CHECK (pricing IN ('per_night','per_unit')),
  public       boolean NOT NULL DEFAULT true,
  details      jsonb NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (provider_id, code)
);
CREATE INDEX products_search ON products (kind, city);

CREATE TABLE rate_plans (
  id          text PRIMARY KEY,
  product_id  text NOT NULL REFERENCES products(id),
  code        text NOT NULL,
  name        text NOT NULL,
  currency    char(3) NOT NULL DEFAULT 'SAR',
  meal_plan   text,
  refundable  boolean NOT NULL DEFAULT true,
  UNIQUE (product_id, code)
);

CREATE TABLE inventory (
  product_id           text NOT NULL REFERENCES products(id),
  day                  date NOT NULL,
  allotment            int  NOT NULL DEFAULT 0,
  sold                 int  NOT NULL DEFAULT 0,
  held                 int  NOT NULL DEFAULT 0,
  stop_sell            boolean NOT NULL DEFAULT false,
  closed_to_arrival    boolean NOT NULL DEFAULT false,
  closed_to_departure  boolean NOT NULL DEFAULT false,
  min_los              int CHECK (min_los BETWEEN 1 AND 999),
  max_los              int CHECK (max_los BETWEEN 1 AND 999),
  version              bigint NOT NULL DEFAULT 1,
  PRIMARY KEY (product_id, day),
  -- The last line of defence against overselling: whatever the code does, stock cannot go negative.
  CONSTRAINT inventory_within_allotment CHECK (sold >= 0 AND held >= 0 AND sold + held <= allotment)
);

CREATE TABLE rates (
  rate_plan_id  text NOT NULL REFERENCES rate_plans(id),
  day           date NOT NULL,
  currency      char(3) NOT NULL,
  amounts       jsonb NOT NULL,          -- {"1": 40000, "2": 45000}: minor units per guests in the unit
  extra_adult   bigint,
  extra_child   bigint,
  version       bigint NOT NULL DEFAULT 1,
  PRIMARY KEY (rate_plan_id, day)
);

CREATE TABLE bookings (
  locator          char(6) PRIMARY KEY,
  agent_id         text NOT NULL REFERENCES partners(id),
  status           text NOT NULL CHECK (status IN ('held','confirmed','cancelled','expired')),
  hold_expires_at  timestamptz,
  currency         char(3) NOT NULL,
  total_minor      bigint NOT NULL,
  contact          jsonb,
  external_ref     text,
  channel          text,
  travellers       jsonb NOT NULL DEFAULT '[]',
  history          jsonb NOT NULL DEFAULT '[]',
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bookings_held_expiry ON bookings (hold_expires_at) WHERE status = 'held';
CREATE INDEX bookings_agent ON bookings (agent_id, created_at DESC);
CREATE UNIQUE INDEX bookings_external_ref ON bookings (agent_id, external_ref) WHERE external_ref IS NOT NULL;

CREATE TABLE booking_items (
  locator        char(6) NOT NULL REFERENCES bookings(locator) ON DELETE CASCADE,
  line           int NOT NULL,
  product_id     text NOT NULL REFERENCES products(id),
  provider_id    text NOT NULL REFERENCES partners(id),
  kind           text NOT NULL,
  rate_plan_id   text NOT NULL REFERENCES rate_plans(id),
  start_date     date NOT NULL,
  end_date       date NOT NULL,
  quantity       int NOT NULL CHECK (quantity > 0),
  guests         int NOT NULL CHECK (guests > 0),
  amount_minor   bigint NOT NULL,
  currency       char(3) NOT NULL,
  PRIMARY KEY (locator, line),
  CHECK (end_date > start_date)
);
CREATE INDEX booking_items_provider ON booking_items (provider_id);

CREATE TABLE idempotency_keys (
  partner_id    text NOT NULL,
  key           text NOT NULL,
  request_hash  text NOT NULL,
  response      jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (partner_id, key)
);

-- Transactional outbox of ARI changes. Each row is a full snapshot of one key (product+day, or
-- rate plan+day) with that key's version as `seq`: consumers keep the highest seq they have seen.
CREATE TABLE ari_outbox (
  id            bigserial PRIMARY KEY,
  kind          text NOT NULL CHECK (kind IN ('availability','rate')),
  provider_id   text NOT NULL,
  product_id    text NOT NULL,
  rate_plan_id  text,
  day           date NOT NULL,
  seq           bigint NOT NULL,
  state         jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  published_at  timestamptz,
  attempts      int NOT NULL DEFAULT 0,
  last_error    text
);
CREATE INDEX ari_outbox_pending ON ari_outbox (id) WHERE published_at IS NULL;
