import type { IngestRecord } from './records.js';

export interface UsageRecorderOptions {
  /** How often buffered records are written (ms; default 1000): what a crash can lose at most. */
  flushMs?: number;
  /** A batch this large is written at once, without waiting for the timer. */
  maxBatch?: number;
  onError?: (err: unknown, records: number) => void;
  /** Whether a failed batch is dropped rather than tried again (e.g. refused as invalid: it would fail again). */
  drop?: (err: unknown) => boolean;
}

/**
 * Usage from traffic, written in batches through the one ingestion service: a request adds its
 * record to a buffer (no database write on the request's path); the buffer is handed to the
 * ingestion service every `flushMs` (and when it reaches `maxBatch`), and on close. A crash loses
 * at most the records of the last interval plus the batch being written. A batch that fails to
 * be written is tried again with the next one (records carry IDs: the ingestion service never
 * counts one twice).
 */
export class UsageRecorder {
  private buffer: IngestRecord[] = [];
  private readonly timer: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();
  private readonly maxBatch: number;

  constructor(
    private readonly ingest: (records: IngestRecord[]) => Promise<unknown>,
    private readonly options: UsageRecorderOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 10_000;
    this.timer = setInterval(() => void this.flush(), options.flushMs ?? 1000);
    this.timer.unref();
  }

  record(r: IngestRecord): void {
    this.buffer.push(r);
    if (this.buffer.length >= this.maxBatch) void this.flush();
  }

  /** Writes what is buffered (after any write under way); resolves when it is written or failed. */
  flush(): Promise<void> {
    this.writing = this.writing.then(async () => {
      if (this.buffer.length === 0) return;
      const batch = this.buffer;
      this.buffer = [];
      try {
        await this.ingest(batch);
      } catch (err) {
        this.options.onError?.(err, batch.length);
        if (this.options.drop?.(err)) {
          // Refused as invalid: write the records one by one, so that only the bad one is lost.
          if (batch.length > 1) for (const r of batch) await this.ingest([r]).catch((e) => this.options.onError?.(e, 1));
          return;
        }
        // Kept for the next flush, up to a bound (a database down for long must not eat the memory).
        if (this.buffer.length < 100 * this.maxBatch) this.buffer = batch.concat(this.buffer);
      }
    });
    return this.writing;
  }

  /** Stops the timer and writes what is left. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
