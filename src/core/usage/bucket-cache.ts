import type { UsageStore } from './store.js';

const DAY = 86400;
/** Memory the kept results may take, unless configured otherwise. */
export const DEFAULT_CACHE_BYTES = 256 * 1024 * 1024;

interface Entry {
  version: number;
  json: Buffer;
}

/**
 * The results JSON of buckets, kept between requests. What a bucket holds changes only when usage
 * of its day is ingested, and each ingestion bumps the version of the days it touches in the same
 * transaction (usage_day_versions); an entry is used only while its day still has the version it
 * was computed under. Bounded in bytes, least recently used out first. One per database, shared by
 * the usage and costs queries (createCore).
 */
export class BucketCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(private readonly store: UsageStore, private readonly maxBytes: number = DEFAULT_CACHE_BYTES) {}

  /**
   * The results JSON of every bucket from `from` to `to` (exclusive), `width` apart, for the
   * question `shape` (everything but the time range that decides a bucket's results): from the
   * cache where current, the rest from `compute` (called once, over the range of the missing
   * buckets; buckets it returns nothing for have no results).
   */
  async buckets(shape: string, from: number, to: number, width: number, compute: (from: number, to: number) => Promise<Map<number, Buffer>>): Promise<Map<number, Buffer>> {
    const out = new Map<number, Buffer>();
    if (to <= from) return out;
    if (this.maxBytes === 0) return compute(from, to);
    // Versions first, then data: results read afterwards are at least as new as the versions they are kept under.
    const versions = await this.store.dayVersions(from - (from % DAY), to);
    const versionOf = (start: number) => versions.get(start - (start % DAY)) ?? 0;
    let first = -1;
    let last = -1;
    for (let start = from; start < to; start += width) {
      const key = `${shape}@${start}`;
      const hit = this.entries.get(key);
      if (hit !== undefined && hit.version === versionOf(start)) {
        this.entries.delete(key);
        this.entries.set(key, hit);
        out.set(start, hit.json);
      } else {
        if (first < 0) first = start;
        last = start;
      }
    }
    if (first < 0) return out;
    const computed = await compute(first, last + width);
    for (let start = first; start <= last; start += width) {
      if (out.has(start)) continue;
      const json = computed.get(start) ?? EMPTY;
      out.set(start, json);
      this.put(`${shape}@${start}`, { version: versionOf(start), json });
    }
    return out;
  }

  private put(key: string, entry: Entry): void {
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= size(key, old);
      this.entries.delete(key);
    }
    const bytes = size(key, entry);
    if (bytes > this.maxBytes) return;
    this.entries.set(key, entry);
    this.bytes += bytes;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= size(k, e);
    }
  }
}

const EMPTY = Buffer.from('[]');
const size = (key: string, e: Entry) => 2 * key.length + e.json.length + 64;
