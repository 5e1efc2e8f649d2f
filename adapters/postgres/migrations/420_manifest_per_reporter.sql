-- A manifest is kept per flight and per reporter. An airline's newer PAXLST for its flight still replaces
-- its older one, but two agencies filing their own pilgrims on one flight no longer overwrite each other
-- (the second filing used to replace the first agency's travellers).
ALTER TABLE manifests DROP CONSTRAINT manifests_pkey;
ALTER TABLE manifests ADD PRIMARY KEY (carrier, flight_number, departure_date, origin, kind, reported_by);
