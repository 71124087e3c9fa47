/**
 * Rollup rows of one batch: per bucket and tuple number, the kind, the bucket's start, the tuple
 * number and up to `width` values, summed across the batch.
 *
 * Rows live in typed arrays found through an open-addressing hash table, not in an object per
 * row: a batch of thousands of records makes thousands of rows per rollup, and rows kept as
 * objects are young garbage that every scavenge during the batch copies.
 */
export class Rollup {
  private count = 0;
  private kinds: Uint8Array;
  private buckets: Float64Array;
  private ids: Float64Array;
  private values: Float64Array;
  /** Row number + 1 per slot (0: empty); a power of two in size, at most half full. */
  private slots: Int32Array;
  /** The row added to last (records of a batch mostly come in time order, tuples repeat). */
  private last = -1;

  /** Room for `rows` rows to begin with (it grows as needed). */
  constructor(private readonly bucketWidth: number, private readonly width: number, rows = 1024) {
    // A power of two: slot numbers are hashes masked.
    const capacity = 2 ** Math.ceil(Math.log2(Math.max(rows, 16)));
    this.kinds = new Uint8Array(capacity);
    this.buckets = new Float64Array(capacity);
    this.ids = new Float64Array(capacity);
    this.values = new Float64Array(capacity * width);
    this.slots = new Int32Array(capacity * 2);
  }

  /** How many rows there are. */
  get size(): number {
    return this.count;
  }

  /** Adds the first `n` of `values` to the row of (`bucket`, `id`), made for `kind` if new. */
  add(kind: number, bucket: number, id: number, values: ArrayLike<number>, n: number): void {
    let row = this.last;
    if (row < 0 || this.ids[row] !== id || this.buckets[row] !== bucket) row = this.find(kind, bucket, id);
    this.last = row;
    const at = row * this.width;
    const sums = this.values;
    for (let i = 0; i < n; i++) sums[at + i] += values[i];
  }

  /** The row of (`bucket`, `id`), made (with zero values) if there is none. */
  private find(kind: number, bucket: number, id: number): number {
    const mask = this.slots.length - 1;
    let slot = hash(bucket / this.bucketWidth, id) & mask;
    for (;;) {
      const entry = this.slots[slot];
      if (entry === 0) break;
      const row = entry - 1;
      if (this.ids[row] === id && this.buckets[row] === bucket) return row;
      slot = (slot + 1) & mask;
    }
    if (this.count === this.kinds.length) {
      this.grow();
      return this.find(kind, bucket, id);
    }
    const row = this.count++;
    this.kinds[row] = kind;
    this.buckets[row] = bucket;
    this.ids[row] = id;
    this.slots[slot] = row + 1;
    return row;
  }

  private grow(): void {
    const capacity = this.kinds.length * 2;
    const kinds = new Uint8Array(capacity);
    kinds.set(this.kinds);
    const buckets = new Float64Array(capacity);
    buckets.set(this.buckets);
    const ids = new Float64Array(capacity);
    ids.set(this.ids);
    const values = new Float64Array(capacity * this.width);
    values.set(this.values);
    this.kinds = kinds;
    this.buckets = buckets;
    this.ids = ids;
    this.values = values;
    this.slots = new Int32Array(capacity * 2);
    const mask = this.slots.length - 1;
    for (let row = 0; row < this.count; row++) {
      let slot = hash(buckets[row] / this.bucketWidth, ids[row]) & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = row + 1;
    }
  }

  bucket(row: number): number {
    return this.buckets[row];
  }
  id(row: number): number {
    return this.ids[row];
  }
  /** The row's `j`-th value. */
  value(row: number, j: number): number {
    return this.values[row * this.width + j];
  }

  /** The starts of the buckets with rows, in order. */
  starts(): number[] {
    return [...new Set(this.buckets.subarray(0, this.count))].sort((x, y) => x - y);
  }

  /**
   * The row numbers in (kind, bucket, tuple) order: concurrent writers then lock rows in the same
   * order (no deadlocks between concurrent transactions).
   */
  order(): Uint32Array {
    const { kinds, buckets, ids } = this;
    const order = new Uint32Array(this.count);
    for (let row = 0; row < this.count; row++) order[row] = row;
    return order.sort((a, b) => kinds[a] - kinds[b] || buckets[a] - buckets[b] || ids[a] - ids[b]);
  }

  /** The same per kind, kinds in order. */
  byKind(): Map<number, Uint32Array> {
    const { kinds } = this;
    const order = this.order();
    const out = new Map<number, Uint32Array>();
    for (let start = 0; start < order.length;) {
      const kind = kinds[order[start]];
      let end = start + 1;
      while (end < order.length && kinds[order[end]] === kind) end++;
      out.set(kind, order.subarray(start, end));
      start = end;
    }
    return out;
  }

  /**
   * These rows as statement parameters, one after the other: `[kind, bucket, id, ...values]`
   * (`[bucket, id, ...values]` without `withKind`), the first `n` values of each.
   */
  packed(rows: ArrayLike<number>, n: number, withKind: boolean): Float64Array {
    const head = withKind ? 3 : 2;
    const stride = head + n;
    const out = new Float64Array(rows.length * stride);
    const { values, width } = this;
    for (let i = 0, at = 0; i < rows.length; i++) {
      const row = rows[i];
      if (withKind) out[at++] = this.kinds[row];
      out[at++] = this.buckets[row];
      out[at++] = this.ids[row];
      for (let j = 0, from = row * width; j < n; j++) out[at++] = values[from + j];
    }
    return out;
  }
}

/** Mixes a bucket index and a tuple number into a slot number (before masking). */
function hash(index: number, id: number): number {
  let h = Math.imul(index | 0, 0x9e3779b1) ^ Math.imul(id | 0, 0x85ebca6b);
  h ^= h >>> 15;
  return Math.imul(h, 0x2c1b3c6d) >>> 0;
}
