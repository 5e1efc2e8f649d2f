-- OTA deliveries now consume the booking_changes outbox (migration 002); the updated_at watermark
-- they used to scan from is no longer read.
DROP TABLE IF EXISTS ota_delivery_watermark;
