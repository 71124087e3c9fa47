/**
 * Token buckets: each has a capacity (the limit) and refills continuously at capacity / window.
 * A request takes from several buckets at once (requests, tokens, images, audio), all or none.
 */
export interface BucketDemand {
  key: string;
  capacity: number;
  /** Refill, per millisecond. */
  perMs: number;
  /** What the request takes now. */
  take: number;
}

export interface TakeResult {
  ok: boolean;
  /** Per demand: what is left (after the take when ok; as it stands when refused). */
  remaining: number[];
  /** When refused: the first demand that cannot be met, and how long until it can (ms; Infinity if it exceeds the capacity). */
  failed: number;
  retryAfterMs: number;
}

export interface Buckets {
  take(demands: readonly BucketDemand[]): TakeResult | Promise<TakeResult>;
  /** Gives back (`amount` > 0) or takes more (< 0; the bucket may go below zero) after the fact: reconciling a reservation. */
  adjust(demand: BucketDemand, amount: number): void | Promise<void>;
  close(): Promise<void>;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** How long until a bucket with `level` tokens holds `need` (ms). */
export function waitMs(level: number, need: number, capacity: number, perMs: number): number {
  if (need > capacity) return Infinity;
  return level >= need ? 0 : Math.ceil((need - level) / perMs);
}

/** Buckets in this process's memory (one replica; the default without REDIS_URL). */
export class MemoryBuckets implements Buckets {
  private readonly buckets = new Map<string, Bucket>();
  private sweepAt = 0;

  constructor(private readonly nowMs: () => number) {}

  private level(d: BucketDemand, now: number): Bucket {
    let b = this.buckets.get(d.key);
    if (b === undefined) {
      b = { tokens: d.capacity, at: now };
      this.buckets.set(d.key, b);
    } else if (now > b.at) {
      b.tokens = Math.min(d.capacity, b.tokens + (now - b.at) * d.perMs);
      b.at = now;
    } else if (b.tokens > d.capacity) {
      b.tokens = d.capacity; // the limit was lowered
    }
    return b;
  }

  take(demands: readonly BucketDemand[]): TakeResult {
    const now = this.nowMs();
    this.sweep(now);
    const levels = demands.map((d) => this.level(d, now));
    for (let i = 0; i < demands.length; i++) {
      const d = demands[i];
      if (levels[i].tokens < d.take) {
        return { ok: false, remaining: levels.map((b) => b.tokens), failed: i, retryAfterMs: waitMs(levels[i].tokens, d.take, d.capacity, d.perMs) };
      }
    }
    for (let i = 0; i < demands.length; i++) levels[i].tokens -= demands[i].take;
    return { ok: true, remaining: levels.map((b) => b.tokens), failed: -1, retryAfterMs: 0 };
  }

  adjust(demand: BucketDemand, amount: number): void {
    const b = this.level(demand, this.nowMs());
    b.tokens = Math.min(demand.capacity, b.tokens + amount);
  }

  /** Forgets full buckets now and then (a full bucket is the same as none). */
  private sweep(now: number): void {
    if (now < this.sweepAt) return;
    this.sweepAt = now + 60_000;
    if (this.buckets.size < 10_000) return;
    for (const [key, b] of this.buckets) if (now - b.at > 86_400_000) this.buckets.delete(key);
  }

  async close(): Promise<void> {}
}
