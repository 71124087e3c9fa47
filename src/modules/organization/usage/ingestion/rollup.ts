/**
 * Rollup rows of one batch: per bucket and tuple number, `[kind, bucket, id, ...values]` (or,
 * without a kind, `[bucket, id, ...values]`) with the values summed across the batch.
 */
export class Rollup {
  /** Bucket index → tuple number → row (small integer keys: cheap to hash). */
  private readonly buckets = new Map<number, Map<number, number[]>>();
  private readonly offset: number;
  /** The bucket added to last (records of a batch mostly come in time order). */
  private lastIndex = NaN;
  private lastRows?: Map<number, number[]>;
  constructor(private readonly width: number, private readonly kinded: boolean) {
    this.offset = kinded ? 3 : 2;
  }
  add(kind: number, bucket: number, id: number, values: ArrayLike<number>, n: number): void {
    const index = bucket / this.width;
    let rows = index === this.lastIndex ? this.lastRows : this.buckets.get(index);
    if (rows === undefined) this.buckets.set(index, (rows = new Map()));
    this.lastIndex = index;
    this.lastRows = rows;
    const row = rows.get(id);
    const offset = this.offset;
    if (row === undefined) {
      const fresh = new Array<number>(offset + n);
      if (this.kinded) fresh[0] = kind;
      fresh[offset - 2] = bucket;
      fresh[offset - 1] = id;
      for (let i = 0; i < n; i++) fresh[offset + i] = values[i];
      rows.set(id, fresh);
      return;
    }
    for (let i = 0; i < n; i++) row[offset + i] += values[i];
  }
  /** Every row, in no particular order. */
  *rows(): IterableIterator<number[]> {
    for (const rows of this.buckets.values()) yield* rows.values();
  }
  /** The starts of the buckets with rows, in order. */
  starts(): number[] {
    return [...this.buckets.keys()].sort((x, y) => x - y).map((index) => index * this.width);
  }
  /** Rows in (bucket, tuple) order: concurrent writers then lock rows in the same order (no deadlocks on PostgreSQL). */
  sorted(): number[][] {
    const out: number[][] = [];
    for (const index of [...this.buckets.keys()].sort((x, y) => x - y)) {
      const rows = this.buckets.get(index)!;
      for (const id of [...rows.keys()].sort((x, y) => x - y)) out.push(rows.get(id)!);
    }
    return out;
  }
  /** The sorted rows per kind, kinds in order. */
  byKind(): Map<number, number[][]> {
    const out = new Map<number, number[][]>();
    for (const row of this.sorted()) {
      let rows = out.get(row[0]);
      if (!rows) out.set(row[0], (rows = []));
      rows.push(row);
    }
    return new Map([...out].sort(([a], [b]) => a - b));
  }
}

