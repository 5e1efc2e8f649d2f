-- Flights reported by airline systems and GDSs: PNRs (PNRGOV) and passenger manifests (PAXLST), kept so that
-- packages can be linked to the flights of their pilgrims. A report replaces the previous one for its key.
CREATE TABLE air_bookings (
  carrier         text NOT NULL,
  record_locator  text NOT NULL,
  data            jsonb NOT NULL,
  reported_by     text NOT NULL REFERENCES partners(id),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (carrier, record_locator)
);

CREATE TABLE manifests (
  carrier         text NOT NULL,
  flight_number   text NOT NULL,
  departure_date  date NOT NULL,
  origin          text NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('passengers','crew')),
  data            jsonb NOT NULL,
  reported_by     text NOT NULL REFERENCES partners(id),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (carrier, flight_number, departure_date, origin, kind)
);
