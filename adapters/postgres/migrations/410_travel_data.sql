-- Travel data: airline PNRs and passenger manifests hold pilgrims' passport numbers, birth dates and
-- itineraries. They go `retention.travelDataDays` after the travel they describe (maqam prune). A PNR's
-- last travel date (the latest departure or arrival date of its segments; the day it was reported when it
-- has none) has its own column so that the prune is an index range scan; a manifest's is its flight's
-- departure date.
ALTER TABLE air_bookings ADD COLUMN last_travel_date date;
UPDATE air_bookings b SET last_travel_date = coalesce((
  SELECT max(d)::date
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(b.data->'segments') = 'array' THEN b.data->'segments' ELSE '[]'::jsonb END) s,
         LATERAL (VALUES (s->>'departureDate'), (s->>'arrivalDate')) v(d)
   WHERE d ~ '^\d{4}-\d{2}-\d{2}$'), b.updated_at::date);
ALTER TABLE air_bookings ALTER COLUMN last_travel_date SET NOT NULL;
CREATE INDEX air_bookings_last_travel ON air_bookings (last_travel_date);
CREATE INDEX manifests_departure ON manifests (departure_date);
