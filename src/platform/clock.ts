/** The single source of time. Production uses the system clock; tests use a ManualClock. */
export interface Clock {
  /** Current time in Unix seconds (integer). */
  now(): number;
  /** Current time in Unix milliseconds. */
  nowMs(): number;
}

export const systemClock: Clock = {
  now: () => Math.floor(Date.now() / 1000),
  nowMs: () => Date.now(),
};

/** A clock tests can set and advance. */
export class ManualClock implements Clock {
  constructor(private ms: number = Date.UTC(2026, 0, 1) ) {}
  now(): number {
    return Math.floor(this.ms / 1000);
  }
  nowMs(): number {
    return this.ms;
  }
  set(unixSeconds: number): void {
    this.ms = unixSeconds * 1000;
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}
