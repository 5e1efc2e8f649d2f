-- An airline PNR is kept per reporter, as manifests are since 420: an airline's or GDS's newer report of a
-- PNR replaces its own, never another reporter's. Keyed on carrier and record locator alone, any airline or
-- GDS could overwrite (or empty) another carrier's PNR by reporting the same locator. Rows stored before
-- keep their reporter: the old key was unique, so the new one is.
ALTER TABLE air_bookings DROP CONSTRAINT air_bookings_pkey;
ALTER TABLE air_bookings ADD PRIMARY KEY (carrier, record_locator, reported_by);
