/**
 * The shopping cache: search answers kept per query, like a GDS availability cache. Shopping may be
 * eventually consistent because a booking always re-checks stock atomically in its own transaction; a
 * cached answer is at most a short while behind the database:
 * - changes made through this gateway (ARI, bookings, cancellations, expired holds) invalidate before the
 *   next search is answered (the write marks a sync due; the search awaits it);
 * - changes made by other processes reach us through the ARI outbox, read as a change feed (id order,
 *   product + day) at most every FEED_POLL_MS, by the first search after that;
 * - an answer is never older than TTL_MS, which bounds the one case the feed can miss: an outbox row
 *   whose transaction commits after rows with higher ids were already read (sequence order is not commit
 *   order).
 * Invalidation is by product and day: an answer is dropped when a changed product could be in it (same
 * provider, kind, city … as its query) and the day falls inside its stay.
 */
import type { AvailabilityQuery, IsoDate, Offer, Product } from './model';
import type { Clock, StoreReads } from './ports';

/**
 * How stale another process's change may be before a search looks for it: one indexed outbox read per
 * 100 ms costs ~10 queries/s whatever the shopping rate (2,000 req/s measured with the cache).
 */
export const FEED_POLL_MS = 100;
/** Hard bound on an answer's age (see above). 2 s keeps the hit rate of a hot query near 99% at 2,000 req/s. */
export const TTL_MS = 2_000;
/** Answers kept; the oldest goes first. ~1–3 KB each, so ≤ ~30 MB. */
const MAX_ENTRIES = 10_000;
/** Feed rows read per sync; a bigger burst (a 10,000-day ARI batch) just empties the cache. */
const FEED_BATCH = 2_000;

interface Entry {
  q: AvailabilityQuery & { end: IsoDate };
  offers: readonly Offer[];
  at: number;
}

export class SearchCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every write and every invalidation: an answer computed across a bump is not stored. */
  private gen = 0;
  /** Writes finished by this gateway, and how many of them the last completed feed read started after. */
  private writeSeq = 0;
  private syncedSeq = 0;
  private feedId: number | null = null;
  private lastSync = -Infinity;
  private syncing: Promise<void> | null = null;

  constructor(
    private readonly store: Pick<StoreReads, 'ariChangesSince' | 'ariHighWater'>,
    private readonly clock: Clock,
    private readonly productOf: (id: string) => Product | undefined,
  ) {}

  /**
   * `visibility` names what the caller may see: '*' (the operator), a provider's id (public products and its
   * own), or 'public' for everyone else (sellers own no products), so that all channels share answers.
   */
  static key(q: AvailabilityQuery & { end: IsoDate }, visibility: string): string {
    return [visibility, q.kind ?? '', q.city ?? '', q.origin ?? '', q.destination ?? '', q.providerId ?? '',
      q.productIds?.join(',') ?? '', q.start, q.end, q.guests, q.quantity].join('|');
  }

  /** The cached answer, after the change feed was read if a read is due. */
  async get(key: string): Promise<{ offers?: readonly Offer[]; gen: number }> {
    if (this.clock.now().getTime() - this.lastSync >= FEED_POLL_MS) await this.sync();
    // Read-your-writes: a feed read that began before our last write finished may have missed its rows.
    while (this.syncedSeq < this.writeSeq) await this.sync();
    const e = this.entries.get(key);
    if (e && this.clock.now().getTime() - e.at < TTL_MS) return { offers: e.offers, gen: this.gen };
    if (e) this.entries.delete(key);
    return { gen: this.gen };
  }

  /** Stores an answer unless something changed since `gen` was read (it may then be stale already). */
  put(key: string, q: Entry['q'], offers: Offer[], gen: number): readonly Offer[] {
    // Frozen all the way to the daily prices: the same objects are handed to every caller (and adapters may
    // key their own render caches on them).
    for (const o of offers) {
      for (const pr of o.ratePlans) { Object.freeze(pr.daily); Object.freeze(pr); }
      Object.freeze(o.ratePlans);
      Object.freeze(o);
    }
    const frozen = Object.freeze(offers);
    if (gen !== this.gen) return frozen;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { q, offers: frozen, at: this.clock.now().getTime() });
    return frozen;
  }

  /** Runs a write of this gateway: no answer computed meanwhile is stored, and the next search syncs first. */
  async writing<T>(fn: () => Promise<T>): Promise<T> {
    this.gen++;
    try {
      return await fn();
    } finally {
      this.gen++;
      this.writeSeq++;
    }
  }

  private sync(): Promise<void> {
    if (!this.syncing) {
      this.syncing = this.readFeed().finally(() => { this.syncing = null; });
    }
    return this.syncing;
  }

  private async readFeed(): Promise<void> {
    const started = this.clock.now().getTime();
    const seq = this.writeSeq;
    if (this.feedId === null) {
      this.feedId = await this.store.ariHighWater();
      this.entries.clear();
      this.gen++;
    } else {
      const rows = await this.store.ariChangesSince(this.feedId, FEED_BATCH);
      if (rows.length > 0) {
        this.gen++;
        this.feedId = rows[rows.length - 1].id;
        if (rows.length >= FEED_BATCH) {
          this.entries.clear();
          this.feedId = await this.store.ariHighWater();
        } else this.invalidate(rows);
      }
    }
    this.lastSync = started;
    this.syncedSeq = seq;
  }

  private invalidate(rows: { productId: string; providerId: string; day: IsoDate }[]): void {
    const spans = new Map<string, { providerId: string; from: IsoDate; to: IsoDate }>();
    for (const r of rows) {
      const s = spans.get(r.productId);
      if (!s) spans.set(r.productId, { providerId: r.providerId, from: r.day, to: r.day });
      else {
        if (r.day < s.from) s.from = r.day;
        if (r.day > s.to) s.to = r.day;
      }
    }
    for (const [productId, s] of spans) {
      const p = this.productOf(productId);
      for (const [key, { q }] of this.entries) {
        // The stay's last day counts too: its closed-to-departure flag is read.
        if (s.to < q.start || s.from > q.end) continue;
        if (q.providerId !== undefined && q.providerId !== s.providerId) continue;
        if (q.productIds !== undefined && !q.productIds.includes(productId)) continue;
        if (p && ((q.kind !== undefined && q.kind !== p.kind) || (q.city !== undefined && q.city !== p.city)
          || (q.origin !== undefined && q.origin !== p.origin) || (q.destination !== undefined && q.destination !== p.destination))) continue;
        this.entries.delete(key);
      }
    }
  }
}
