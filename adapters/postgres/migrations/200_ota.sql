-- OpenTravel adapter: message archive, WS-Security nonces, outbound reservation deliveries.

-- Every OTA message in and out, card numbers and passwords masked before they get here.
CREATE TABLE ota_messages (
  id              bigserial PRIMARY KEY,
  at              timestamptz NOT NULL DEFAULT now(),
  direction       text NOT NULL CHECK (direction IN ('in','out')),
  transport       text NOT NULL,
  partner_id      text,
  message         text NOT NULL,
  echo_token      text,
  correlation_id  text,
  locator         char(6),
  ok              boolean NOT NULL,
  body            text NOT NULL
);
CREATE INDEX ota_messages_locator ON ota_messages (locator) WHERE locator IS NOT NULL;
CREATE INDEX ota_messages_correlation ON ota_messages (correlation_id);
CREATE INDEX ota_messages_partner ON ota_messages (partner_id, id DESC);

-- WS-Security UsernameToken nonces seen recently: a replayed nonce is refused. Rows older than the
-- freshness window are deleted as new ones arrive.
CREATE TABLE ota_nonces (
  partner_id  text NOT NULL,
  nonce       text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (partner_id, nonce)
);

-- One row per (booking version, provider) to push to the provider's property system as OTA_HotelResNotifRQ.
-- The unique key makes the poller's overlapping scans harmless.
CREATE TABLE ota_deliveries (
  id                bigserial PRIMARY KEY,
  locator           char(6) NOT NULL,
  provider_id       text NOT NULL,
  action            text NOT NULL CHECK (action IN ('Commit','Modify','Cancel')),
  booking_version   text NOT NULL,
  status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','delivered','failed')),
  attempts          int NOT NULL DEFAULT 0,
  next_attempt_at   timestamptz NOT NULL DEFAULT now(),
  last_error        text,
  pms_confirmation  text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  delivered_at      timestamptz,
  UNIQUE (locator, provider_id, booking_version)
);
CREATE INDEX ota_deliveries_due ON ota_deliveries (next_attempt_at) WHERE status = 'pending';

-- How far the delivery poller has scanned bookings (updated_at of the last booking seen).
CREATE TABLE ota_delivery_watermark (
  id          int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  scanned_to  timestamptz NOT NULL
);
