/**
 * Every SQL statement of the core store, in one place. Both drivers (pg, PGlite) run the same text.
 * Statements that change stock or rates write their ARI outbox rows in the same statement (data-modifying
 * CTEs), so a change and its outbox row can never be separated.
 */

/**
 * The availability snapshot an outbox row carries (canonical `AvailabilityState`), from an `inventory` row
 * aliased `u`. Exported because a channel resync reads the same snapshot from the state tables.
 */
export const AVAILABILITY_STATE = `jsonb_build_object(
  'available', u.allotment - u.sold - u.held, 'allotment', u.allotment, 'stopSell', u.stop_sell,
  'closedToArrival', u.closed_to_arrival, 'closedToDeparture', u.closed_to_departure,
  'minLos', u.min_los, 'maxLos', u.max_los)`;

/** Minor units (bigint) as a decimal string: 95000 → '950.00'. */
const DECIMAL = (x: string) => `to_char((${x})::numeric / 100, 'FM9999999999990.00')`;

/**
 * The rate snapshot an outbox row carries (canonical `RateState`: decimal strings), from a `rates` row
 * aliased `u`. Exported for the channel resync, like AVAILABILITY_STATE.
 */
export const RATE_STATE = `jsonb_build_object('currency', u.currency,
  'amounts', (SELECT coalesce(jsonb_object_agg(e.k, ${DECIMAL('e.v')}), '{}'::jsonb) FROM jsonb_each_text(u.amounts) AS e(k, v)),
  'extraAdult', ${DECIMAL('u.extra_adult')}, 'extraChild', ${DECIMAL('u.extra_child')})`;

/**
 * Stock deltas ($1 product ids, $2 days, $3 held deltas, $4 sold deltas; one entry per product-day) applied
 * with the atomic conditional update: a row changes only if it stays within its allotment, and a positive
 * net take is refused on a stop-sold day. Rows whose availability changed get an outbox row. Optionally
 * inserts a booking, its items and its booking_changes row in the same statement ($5 booking json, $6 items
 * json, $7 action, $8 providers; all may be null); $9 is how many product-days must change:
 * the caller compares the changed rows with what it asked for and rolls back when short.
 */
export const APPLY_STOCK = `
WITH d AS (
  SELECT * FROM unnest($1::text[], $2::date[], $3::int[], $4::int[]) AS d(product_id, day, dh, ds)
), u AS (
  UPDATE inventory i
     SET held = i.held + d.dh, sold = i.sold + d.ds, version = i.version + 1
    FROM d
   WHERE i.product_id = d.product_id AND i.day = d.day
     AND i.held + d.dh >= 0 AND i.sold + d.ds >= 0
     AND i.sold + d.ds + i.held + d.dh <= i.allotment
     AND (d.dh + d.ds <= 0 OR NOT i.stop_sell)
  RETURNING i.*, d.dh + d.ds AS net
), o AS (
  INSERT INTO ari_outbox (kind, provider_id, product_id, day, seq, state)
  SELECT 'availability', p.provider_id, u.product_id, u.day, u.version, ${AVAILABILITY_STATE}
    FROM u JOIN products p ON p.id = u.product_id
   WHERE u.net <> 0
), b AS (
  INSERT INTO bookings (locator, agent_id, status, hold_expires_at, currency, total_minor, contact, external_ref,
                        channel, travellers, history, created_at, updated_at)
  SELECT x.locator, x.agent_id, x.status, x.hold_expires_at, x.currency, x.total_minor, x.contact, x.external_ref,
         x.channel, x.travellers, x.history, x.at, x.at
    FROM jsonb_to_record($5::jsonb) AS x(locator text, agent_id text, status text, hold_expires_at timestamptz,
         currency text, total_minor bigint, contact jsonb, external_ref text, channel text, travellers jsonb,
         history jsonb, at timestamptz)
   WHERE $5::jsonb IS NOT NULL
  RETURNING locator
), it AS (
  INSERT INTO booking_items (locator, line, product_id, provider_id, kind, rate_plan_id, start_date, end_date,
                             quantity, guests, amount_minor, currency)
  SELECT b.locator, x.line, x.product_id, x.provider_id, x.kind, x.rate_plan_id, x.start_date, x.end_date,
         x.quantity, x.guests, x.amount_minor, x.currency
    FROM b, jsonb_to_recordset($6::jsonb) AS x(line int, product_id text, provider_id text, kind text,
         rate_plan_id text, start_date date, end_date date, quantity int, guests int, amount_minor bigint, currency text)
)
, bc AS (
  INSERT INTO booking_changes (locator, action, status, providers, created_at)
  SELECT b.locator, $7, x.status, $8::text[], x.at
    FROM b, jsonb_to_record($5::jsonb) AS x(status text, at timestamptz)
)
-- Fewer product-days changed than asked ($9) fails the whole statement (division by zero, SQLSTATE 22012),
-- undoing every CTE above: a booking is then atomic even as one autocommit statement.
SELECT CASE WHEN count(*) = $9::int THEN count(*)::int ELSE (count(*) / 0)::int END AS changed FROM u`;

export const RECORD_BOOKING_CHANGE = `
INSERT INTO booking_changes (locator, action, status, providers, created_at) VALUES ($1, $2, $3, $4::text[], $5)`;

export const CLAIM_IDEMPOTENCY = `
INSERT INTO idempotency_keys (partner_id, key, request_hash) VALUES ($1, $2, $3)
ON CONFLICT (partner_id, key) DO NOTHING RETURNING 1 AS fresh`;

export const READ_IDEMPOTENCY = `SELECT request_hash, response FROM idempotency_keys WHERE partner_id = $1 AND key = $2`;

export const SAVE_IDEMPOTENCY = `UPDATE idempotency_keys SET response = $3 WHERE partner_id = $1 AND key = $2`;

/** Stores an error answer for a key whose transaction rolled back (so a replay gets the same answer). */
export const SAVE_IDEMPOTENCY_ERROR = `
INSERT INTO idempotency_keys (partner_id, key, request_hash, response) VALUES ($1, $2, $3, $4)
ON CONFLICT (partner_id, key) DO NOTHING`;

const BOOKING_SELECT = `
SELECT b.locator, b.agent_id, b.status, b.hold_expires_at, b.currency, b.total_minor, b.contact, b.external_ref,
       b.channel, b.travellers, b.history, b.created_at, b.updated_at,
       (SELECT coalesce(json_agg(json_build_object(
                 'line', it.line, 'productId', it.product_id, 'providerId', it.provider_id, 'kind', it.kind,
                 'ratePlanId', it.rate_plan_id, 'start', it.start_date, 'end', it.end_date, 'quantity', it.quantity,
                 'guests', it.guests, 'amountMinor', it.amount_minor, 'currency', it.currency) ORDER BY it.line), '[]'::json)
          FROM booking_items it WHERE it.locator = b.locator) AS items
  FROM bookings b`;

export const GET_BOOKING = `${BOOKING_SELECT} WHERE b.locator = $1`;
export const LOCK_BOOKING = `${BOOKING_SELECT} WHERE b.locator = $1 FOR UPDATE OF b`;
export const GET_BOOKING_BY_REF = `${BOOKING_SELECT} WHERE b.agent_id = $1 AND b.external_ref = $2`;
export const LIST_BOOKINGS = `${BOOKING_SELECT}
 WHERE ($1::text IS NULL OR b.agent_id = $1)
   AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM booking_items x WHERE x.locator = b.locator AND x.provider_id = $2))
   AND ($3::text IS NULL OR b.status = $3)
 ORDER BY b.created_at DESC LIMIT $4`;

export const SET_BOOKING_STATUS = `
UPDATE bookings SET status = $2, hold_expires_at = $3, updated_at = $4, history = history || $5::jsonb WHERE locator = $1`;

export const DELETE_ITEMS = `DELETE FROM booking_items WHERE locator = $1`;
export const INSERT_ITEMS = `
INSERT INTO booking_items (locator, line, product_id, provider_id, kind, rate_plan_id, start_date, end_date,
                           quantity, guests, amount_minor, currency)
SELECT $1, x.line, x.product_id, x.provider_id, x.kind, x.rate_plan_id, x.start_date, x.end_date, x.quantity,
       x.guests, x.amount_minor, x.currency
  FROM jsonb_to_recordset($2::jsonb) AS x(line int, product_id text, provider_id text, kind text, rate_plan_id text,
       start_date date, end_date date, quantity int, guests int, amount_minor bigint, currency text)`;
export const SET_BOOKING_TOTAL = `
UPDATE bookings SET currency = $2, total_minor = $3, updated_at = $4, history = history || $5::jsonb WHERE locator = $1`;

/** Claims expired holds: several gateway processes may sweep at once (SKIP LOCKED). */
export const EXPIRE_HOLDS = `
WITH x AS (
  SELECT locator FROM bookings WHERE status = 'held' AND hold_expires_at <= $1
   ORDER BY hold_expires_at LIMIT $2 FOR UPDATE SKIP LOCKED
)
UPDATE bookings b SET status = 'expired', hold_expires_at = NULL, updated_at = $1,
       history = b.history || jsonb_build_array(jsonb_build_object('at', $1::timestamptz, 'action', 'expire', 'status', 'expired', 'actor', 'system'))
  FROM x WHERE b.locator = x.locator RETURNING b.locator`;

/**
 * One ARI inventory record over an inclusive date range and weekday set. Creates missing days (allotment 0),
 * computes the new values from the locked rows, refuses the whole record if any day would fall below what
 * is sold and held or end with a minimum stay above its maximum (whichever update set either), writes only
 * rows whose values really change, and their outbox rows.
 * $1 product, $2 from, $3 to, $4 ISO weekdays int[], $5 allotment, $6 available, $7 adjust, $8 stop_sell,
 * $9 cta, $10 ctd, $11 set min_los?, $12 min_los, $13 set max_los?, $14 max_los.
 */
export const ENSURE_INVENTORY_DAYS = `
INSERT INTO inventory (product_id, day)
SELECT $1, g::date FROM generate_series($2::date, $3::date, interval '1 day') g
 WHERE extract(isodow FROM g)::int = ANY($4::int[])
ON CONFLICT (product_id, day) DO NOTHING`;

export const UPDATE_INVENTORY = `
WITH t AS (
  SELECT i.product_id, i.day, i.sold, i.held,
         CASE WHEN $5::int IS NOT NULL THEN $5::int
              WHEN $6::int IS NOT NULL THEN i.sold + i.held + $6::int
              WHEN $7::int IS NOT NULL THEN i.allotment + $7::int
              ELSE i.allotment END AS na,
         coalesce($8::boolean, i.stop_sell) AS nss,
         coalesce($9::boolean, i.closed_to_arrival) AS ncta,
         coalesce($10::boolean, i.closed_to_departure) AS nctd,
         CASE WHEN $11::boolean THEN $12::int ELSE i.min_los END AS nmin,
         CASE WHEN $13::boolean THEN $14::int ELSE i.max_los END AS nmax
    FROM inventory i
   WHERE i.product_id = $1 AND i.day BETWEEN $2::date AND $3::date
     AND extract(isodow FROM i.day)::int = ANY($4::int[])
     FOR UPDATE
), bad AS (
  SELECT day FROM t WHERE na < sold + held
), los AS (
  SELECT day, nmin, nmax FROM t WHERE nmin > nmax
), u AS (
  UPDATE inventory i
     SET allotment = t.na, stop_sell = t.nss, closed_to_arrival = t.ncta, closed_to_departure = t.nctd,
         min_los = t.nmin, max_los = t.nmax, version = i.version + 1
    FROM t
   WHERE i.product_id = t.product_id AND i.day = t.day AND NOT EXISTS (SELECT 1 FROM bad) AND NOT EXISTS (SELECT 1 FROM los)
     AND (t.na, t.nss, t.ncta, t.nctd, t.nmin, t.nmax)
         IS DISTINCT FROM (i.allotment, i.stop_sell, i.closed_to_arrival, i.closed_to_departure, i.min_los, i.max_los)
  RETURNING i.*
), o AS (
  INSERT INTO ari_outbox (kind, provider_id, product_id, day, seq, state)
  SELECT 'availability', $15, u.product_id, u.day, u.version, ${AVAILABILITY_STATE} FROM u
)
SELECT (SELECT count(*)::int FROM u) AS changed,
       (SELECT coalesce(array_agg(to_char(day, 'YYYY-MM-DD') ORDER BY day), '{}') FROM bad) AS bad,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('day', to_char(day, 'YYYY-MM-DD'), 'minLos', nmin, 'maxLos', nmax) ORDER BY day), '[]') FROM los) AS los`;

/**
 * One rate record: $1 rate plan, $2 from, $3 to, $4 ISO weekdays, $5 currency, $6 amounts jsonb (minor units,
 * merged into what is there), $7 set extra_adult?, $8 extra_adult, $9 set extra_child?, $10 extra_child,
 * $11 provider id, $12 product id. Unchanged days are left alone and produce no outbox row.
 */
export const UPSERT_RATES = `
WITH u AS (
  INSERT INTO rates AS r (rate_plan_id, day, currency, amounts, extra_adult, extra_child)
  SELECT $1, g::date, $5, $6::jsonb, $8::bigint, $10::bigint
    FROM generate_series($2::date, $3::date, interval '1 day') g
   WHERE extract(isodow FROM g)::int = ANY($4::int[])
  ON CONFLICT (rate_plan_id, day) DO UPDATE
     SET currency = EXCLUDED.currency, amounts = r.amounts || EXCLUDED.amounts,
         extra_adult = CASE WHEN $7::boolean THEN EXCLUDED.extra_adult ELSE r.extra_adult END,
         extra_child = CASE WHEN $9::boolean THEN EXCLUDED.extra_child ELSE r.extra_child END,
         version = r.version + 1
   WHERE (EXCLUDED.currency, r.amounts || EXCLUDED.amounts,
          CASE WHEN $7::boolean THEN EXCLUDED.extra_adult ELSE r.extra_adult END,
          CASE WHEN $9::boolean THEN EXCLUDED.extra_child ELSE r.extra_child END)
         IS DISTINCT FROM (r.currency, r.amounts, r.extra_adult, r.extra_child)
  RETURNING r.*
), o AS (
  INSERT INTO ari_outbox (kind, provider_id, product_id, rate_plan_id, day, seq, state)
  SELECT 'rate', $11, $12, u.rate_plan_id, u.day, u.version, ${RATE_STATE}
    FROM u
)
SELECT count(*)::int AS changed FROM u`;

export const GET_INVENTORY = `
SELECT product_id, day, allotment, sold, held, stop_sell, closed_to_arrival, closed_to_departure, min_los, max_los, version
  FROM inventory WHERE product_id = $1 AND day BETWEEN $2::date AND $3::date ORDER BY day`;

export const GET_RATES = `
SELECT rate_plan_id, day, currency, amounts, extra_adult, extra_child, version
  FROM rates WHERE rate_plan_id = $1 AND day BETWEEN $2::date AND $3::date ORDER BY day`;

/** Inventory, restrictions and rates of each day of [$2, $3] for product $1 and rate plan $4. */
export const READ_STAY = `
SELECT to_char(g, 'YYYY-MM-DD') AS day, i.allotment - i.sold - i.held AS available, i.stop_sell,
       i.closed_to_arrival, i.closed_to_departure, i.min_los, i.max_los,
       r.amounts, r.extra_adult, r.extra_child, r.currency
  FROM generate_series($2::date, $3::date, interval '1 day') g
  LEFT JOIN inventory i ON i.product_id = $1 AND i.day = g::date
  LEFT JOIN rates r ON r.rate_plan_id = $4 AND r.day = g::date
 ORDER BY g`;

/**
 * Search candidates: products with stock on every day of the stay ($start..$end exclusive for per-night
 * products, the start day alone for per-unit ones) and no stop-sell; restrictions of arrival and departure
 * days come back for the rule check.
 */
export const SEARCH_CANDIDATES = `
SELECT p.id, p.provider_id, p.kind, p.code, p.name, p.city, p.origin, p.destination, p.max_guests, p.pricing,
       p.public, p.details,
       min(i.allotment - i.sold - i.held) FILTER (WHERE i.day < s.last) AS available,
       bool_or(i.stop_sell) FILTER (WHERE i.day < s.last) AS stop_sell,
       count(*) FILTER (WHERE i.day < s.last) AS days,
       bool_or(i.closed_to_arrival) FILTER (WHERE i.day = $1::date) AS cta,
       bool_or(i.closed_to_departure) FILTER (WHERE i.day = s.last AND p.pricing = 'per_night') AS ctd,
       max(i.min_los) FILTER (WHERE i.day = $1::date) AS min_los,
       max(i.max_los) FILTER (WHERE i.day = $1::date) AS max_los,
       max(s.nights) AS nights
  FROM products p
  CROSS JOIN LATERAL (SELECT CASE WHEN p.pricing = 'per_unit' THEN $1::date + 1 ELSE $2::date END AS last,
                             CASE WHEN p.pricing = 'per_unit' THEN 1 ELSE ($2::date - $1::date) END AS nights) s
  JOIN inventory i ON i.product_id = p.id AND i.day >= $1::date AND i.day <= s.last
 WHERE ($3::text IS NULL OR p.kind = $3)
   AND ($4::text IS NULL OR p.city = $4)
   AND ($5::text IS NULL OR p.origin = $5)
   AND ($6::text IS NULL OR p.destination = $6)
   AND ($7::text IS NULL OR p.provider_id = $7)
   AND ($8::text[] IS NULL OR p.id = ANY($8::text[]))
   AND (p.public OR $9::boolean OR p.provider_id = $10)
   AND p.max_guests >= $11
 GROUP BY p.id
HAVING count(*) FILTER (WHERE i.day < s.last) = max(s.nights)
   AND min(i.allotment - i.sold - i.held) FILTER (WHERE i.day < s.last) >= $12
   AND NOT bool_or(i.stop_sell) FILTER (WHERE i.day < s.last)
 ORDER BY p.kind, p.city, p.id
 LIMIT 200`;

/**
 * SEARCH_CANDIDATES and, for each candidate, its rate plans with their rates over [$1, $2): one round trip
 * instead of two (a cache miss cost two ~1 ms statements, measured on the demo data with 32 clients).
 */
export const SEARCH_OFFERS = `
WITH c AS (${SEARCH_CANDIDATES})
SELECT c.*,
       (SELECT coalesce(json_agg(json_build_object('id', rp.id, 'product_id', rp.product_id, 'code', rp.code, 'name', rp.name,
                 'currency', rp.currency, 'meal_plan', rp.meal_plan, 'refundable', rp.refundable,
                 'days', (SELECT json_agg(json_build_object('day', r.day, 'amounts', r.amounts, 'extraAdult', r.extra_adult,
                                   'extraChild', r.extra_child, 'currency', r.currency) ORDER BY r.day)
                            FROM rates r WHERE r.rate_plan_id = rp.id AND r.day >= $1::date AND r.day < $2::date))
                 ORDER BY rp.code), '[]'::json)
          FROM rate_plans rp WHERE rp.product_id = c.id) AS rate_plans
  FROM c
 ORDER BY c.kind, c.city, c.id`;

/** Rate plans of products $1 with their rates over [$2, $3). */
export const SEARCH_RATES = `
SELECT rp.id, rp.product_id, rp.code, rp.name, rp.currency, rp.meal_plan, rp.refundable,
       json_agg(json_build_object('day', r.day, 'amounts', r.amounts, 'extraAdult', r.extra_adult,
                'extraChild', r.extra_child, 'currency', r.currency) ORDER BY r.day) FILTER (WHERE r.day IS NOT NULL) AS days
  FROM rate_plans rp
  LEFT JOIN rates r ON r.rate_plan_id = rp.id AND r.day >= $2::date AND r.day < $3::date
 WHERE rp.product_id = ANY($1::text[])
 GROUP BY rp.id ORDER BY rp.product_id, rp.code`;

/** The shopping cache's change feed: product-days changed after outbox id $1 (primary key order, at most $2). */
export const ARI_CHANGES_SINCE = `
SELECT id, provider_id, product_id, day FROM ari_outbox WHERE id > $1 ORDER BY id LIMIT $2`;

export const ARI_HIGH_WATER = `SELECT coalesce(max(id), 0) AS id FROM ari_outbox`;

export const PRODUCT_COLUMNS = `id, provider_id, kind, code, name, city, origin, destination, max_guests, pricing, public, details`;

export const PENDING_ARI = `
SELECT id, kind, provider_id, product_id, rate_plan_id, day, seq, state, created_at
  FROM ari_outbox WHERE published_at IS NULL ORDER BY id LIMIT $1`;

/**
 * A reporter's PNR replaces its own report of it, never another reporter's (migration 430). $5: the PNR's last
 * travel date (null when no segment has one: the day it is reported).
 */
export const UPSERT_AIR_BOOKING = `
INSERT INTO air_bookings (carrier, record_locator, data, reported_by, updated_at, last_travel_date)
VALUES ($1, $2, $3, $4, now(), coalesce($5::date, current_date))
ON CONFLICT (carrier, record_locator, reported_by) DO UPDATE
   SET data = EXCLUDED.data, updated_at = now(), last_travel_date = EXCLUDED.last_travel_date`;

/** A PNR as reported by $3, or (null) the latest report of it by anyone. */
export const GET_AIR_BOOKING = `
SELECT data FROM air_bookings
 WHERE carrier = $1 AND record_locator = $2 AND ($3::text IS NULL OR reported_by = $3)
 ORDER BY updated_at DESC LIMIT 1`;

export const UPSERT_MANIFEST = `
INSERT INTO manifests (carrier, flight_number, departure_date, origin, kind, data, reported_by, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, now())
ON CONFLICT (carrier, flight_number, departure_date, origin, kind, reported_by) DO UPDATE
   SET data = EXCLUDED.data, updated_at = now()`;

// ------------------------------------------------------------------------------------------ retention

/** The database's clock: retention ages are measured against the clock that stamped the rows. */
export const DB_NOW = `SELECT now() AS now`;

/**
 * One retention batch of a table with a bigserial `id` (ids grow with `time`): looks at the next $2 rows
 * after id $1 through the primary key, and deletes those before the first one not older than $3, unless
 * `keep` (SQL over the candidate row `c`: its id, `time` and `cols`) says a consumer still needs the row.
 * `with` adds CTEs `keep` may use. Returns what it deleted, what it kept, and where the next batch starts
 * (null: it met a younger row or the end of the table). Scanning by id keeps each batch to $2 index entries
 * without an index on the timestamp, and stopping at the first young row keeps the last batch as cheap.
 */
export function PRUNE_BY_ID(o: { table: string; time: string; cols?: string[]; keep?: string; with?: string }): string {
  const cols = ['id', `${o.time} AS t`, ...(o.cols ?? [])].join(', ');
  return `
WITH ${o.with ? `${o.with},` : ''} c AS (
  SELECT ${cols} FROM ${o.table} WHERE id > $1 ORDER BY id LIMIT $2
), old AS (
  SELECT c.id, (${o.keep ?? 'false'}) AS needed FROM c
   WHERE c.id < coalesce((SELECT min(y.id) FROM c y WHERE y.t >= $3::timestamptz), 9223372036854775807)
), gone AS (
  DELETE FROM ${o.table} x USING old WHERE x.id = old.id AND NOT old.needed RETURNING x.id
)
SELECT (SELECT count(*)::int FROM gone) AS deleted,
       (SELECT count(*)::int FROM old WHERE needed) AS kept,
       CASE WHEN (SELECT count(*) FROM old) = $2 THEN (SELECT max(id) FROM c) END AS next`;
}

/**
 * One retention batch by age alone: deletes at most $2 rows whose `time` is before $1 and, when given,
 * that match `where` (SQL over the row `c`). The rows are picked by ctid (a TID scan: picking them by a
 * composite primary key made PostgreSQL hash-join the whole table, 175 ms a batch on 1M rows against 3 ms).
 */
export function PRUNE_BY_TIME(table: string, time: string, where?: string): string {
  return pruneOld(table, `c.${time} < $1::timestamptz${where ? ` AND (${where})` : ''}`);
}

/** Deletes at most $2 rows of `table` matching `old` (SQL over the row `c`), picked by ctid; answers `deleted`. */
function pruneOld(table: string, old: string): string {
  return `
WITH gone AS (
  DELETE FROM ${table} WHERE ctid = ANY(ARRAY(SELECT c.ctid FROM ${table} c WHERE ${old} LIMIT $2)) RETURNING 1
)
SELECT count(*)::int AS deleted FROM gone`;
}

/**
 * One batch ($2 rows) of a table's rows whose `date` column is before the UTC day of $1 (a timestamptz), so
 * that the column's index serves the range.
 */
export function PRUNE_BY_DATE(table: string, date: string): string {
  return pruneOld(table, `c.${date} < ($1::timestamptz AT TIME ZONE 'UTC')::date`);
}

/** Airline PNRs whose travel ended before $1, and manifests of flights that left before it (migration 410). */
export const PRUNE_AIR_BOOKINGS = PRUNE_BY_DATE('air_bookings', 'last_travel_date');
export const PRUNE_MANIFESTS = PRUNE_BY_DATE('manifests', 'departure_date');

/** Idempotency keys stored before $1 (index idempotency_keys_created, migration 400). */
export const PRUNE_IDEMPOTENCY = PRUNE_BY_TIME('idempotency_keys', 'created_at');
