/**
 * The spend counter: per scope (organization or project) and UTC month, the spend counted so far
 * and the reservations of requests in flight, in integer micro-dollars. Admission reserves a
 * request's largest possible cost in every scope with a limit, atomically and only if all fit;
 * settlement swaps the reservation for the real cost. `floor` is the spend recorded in the database
 * (ingested usage included): the counted spend never falls below it.
 *
 * Two implementations with the same semantics: in memory (one process), and in Redis (one Lua
 * script per call, shared by replicas; `spend-counter-redis.ts`).
 */
export interface ScopeCheck {
  scopeId: string;
  /** Micro-dollars. */
  limit: number;
  /** Micro-dollars recorded in the database this month. */
  floor: number;
}

export type ReserveResult = { ok: true } | { ok: false; scopeId: string; spent: number };

export interface SpendCounter {
  reserve(id: string, month: string, scopes: ScopeCheck[], amount: number, expiresAtMs: number, nowMs: number): Promise<ReserveResult>;
  settle(id: string, month: string, scopeIds: string[], actual: number): Promise<void>;
  /** Counted (at least `floor`) plus reserved, in micro-dollars. */
  spent(month: string, scopeId: string, floor: number, nowMs: number): Promise<number>;
  close(): Promise<void>;
}

interface Entry {
  counted: number;
  reservations: Map<string, { amount: number; expiresAtMs: number }>;
}

/** The counter of one process. Reservations of requests that never settle expire. */
export class MemorySpendCounter implements SpendCounter {
  private readonly entries = new Map<string, Entry>();
  private month = '';

  private entry(month: string, scopeId: string, nowMs: number): Entry {
    if (month !== this.month) {
      // A new month starts from zero; older months are no longer asked for.
      this.entries.clear();
      this.month = month;
    }
    let e = this.entries.get(scopeId);
    if (!e) this.entries.set(scopeId, (e = { counted: 0, reservations: new Map() }));
    for (const [id, r] of e.reservations) if (r.expiresAtMs <= nowMs) e.reservations.delete(id);
    return e;
  }

  private total(e: Entry, floor: number): number {
    e.counted = Math.max(e.counted, floor);
    let reserved = 0;
    for (const r of e.reservations.values()) reserved += r.amount;
    return e.counted + reserved;
  }

  async reserve(id: string, month: string, scopes: ScopeCheck[], amount: number, expiresAtMs: number, nowMs: number): Promise<ReserveResult> {
    const entries = scopes.map((s) => this.entry(month, s.scopeId, nowMs));
    for (let i = 0; i < scopes.length; i++) {
      const spent = this.total(entries[i], scopes[i].floor);
      if (spent + amount > scopes[i].limit) return { ok: false, scopeId: scopes[i].scopeId, spent };
    }
    for (const e of entries) e.reservations.set(id, { amount, expiresAtMs });
    return { ok: true };
  }

  async settle(id: string, month: string, scopeIds: string[], actual: number): Promise<void> {
    if (month !== this.month) return;
    for (const scopeId of scopeIds) {
      const e = this.entries.get(scopeId);
      if (!e) continue;
      e.reservations.delete(id);
      e.counted += actual;
    }
  }

  async spent(month: string, scopeId: string, floor: number, nowMs: number): Promise<number> {
    return this.total(this.entry(month, scopeId, nowMs), floor);
  }

  async close(): Promise<void> {}
}
