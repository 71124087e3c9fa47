import { lockUsageWrites } from '../../platform/db/locks.js';
import { writeAudit } from '../audit.js';
import { type AppContext, inTransaction } from '../context.js';
import { organizationId } from '../policies/repository.js';
import { COUNTERS, type UsageKind } from './kinds.js';
import { type Counters, type LinePlan, pricePlan } from './pricing.js';
import type { CostTable, UsageStore } from './store.js';
import { SEP } from './tuple-numbers.js';

const DAY = 86400;
const COST_TABLES: readonly CostTable[] = ['usage_costs_1d', 'usage_costs_projects_1d'];

/** What a re-pricing changed (or, in a dry run, would change). */
export interface RepriceResult {
  /** First day re-priced (its start, Unix seconds): every day from it on. */
  since: number;
  /** Days from `since` on that hold usage. */
  days: number;
  /** Days whose costs changed. */
  changedDays: number;
  /** Cost lines (a project's, API key's line item on a day) whose amount changed. */
  lines: number;
  /** USD of those lines before and after. */
  before: number;
  after: number;
  /** The same per model (or tool line, for tool usage), largest change first. */
  byModel: Array<{ model: string; before: number; after: number }>;
  dryRun: boolean;
}

/** Amounts that differ by floating-point noise only (sums taken in another order) are equal. */
function differs(a: number, b: number): boolean {
  return Math.abs(a - b) > 1e-9 * Math.max(Math.abs(a), Math.abs(b)) + 1e-12;
}

/**
 * Re-prices recorded usage from the current model catalog (`orgplane usage reprice`). Costs are
 * priced at ingestion and stored in daily cost rollups; usage the catalog could not price (a model
 * it did not know) was stored at $0. This prices each tuple's daily usage (the per-day usage
 * rollup) again, as the ingestion does, and corrects the stored amounts that differ. Line items
 * and quantities do not depend on prices, so only amounts change.
 *
 * One transaction: the usage is read, and the corrections written, while ingestion is held back
 * (lockUsageWrites); corrections are added to the stored amounts (not written over them), and the
 * changed days' versions are bumped, so cached results are recomputed. Audited as one
 * `organization.updated` event (no actor: it comes from the command line) when something changed.
 * Idempotent: a second run finds nothing to change, writes nothing and says so.
 */
export class UsageRepricing {
  constructor(private readonly store: UsageStore, private readonly ctx: AppContext) {}

  reprice(since: number, options: { dryRun?: boolean } = {}): Promise<RepriceResult> {
    const from = since - (since % DAY);
    const dryRun = options.dryRun === true;
    return inTransaction(this.ctx, async (tx) => {
      await lockUsageWrites(tx);
      const usage = await this.store.dailyUsage(tx, from);
      // What each cost line should be, per table: day + item tuple → amount, and the model it prices.
      const expected = COST_TABLES.map(() => new Map<string, { amount: number; model: string }>());
      const plans = new Map<string, LinePlan[]>();
      const counters = Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Counters;
      const days = new Set<number>();
      for (const row of usage) {
        const day = Number(row.bucket_start);
        days.add(day);
        const tuple = { kind: row.kind as UsageKind, model: row.model, batch: Number(row.batch) === 1, size: row.size };
        const planKey = `${tuple.kind}${SEP}${tuple.model}${SEP}${tuple.batch}${SEP}${tuple.size}`;
        let plan = plans.get(planKey);
        if (!plan) plans.set(planKey, (plan = pricePlan(tuple, this.ctx.catalog)));
        for (const c of COUNTERS) counters[c] = Number(row[c]);
        for (const line of plan) {
          const quantity = line.quantity(counters);
          if (quantity <= 0) continue;
          const amount = line.amount(quantity, counters);
          const keyIds = [row.api_key_id, ''];
          COST_TABLES.forEach((_, t) => {
            const key = [day, row.project_id, keyIds[t], line.line_item, line.unit].join(SEP);
            const entry = expected[t].get(key);
            if (entry) entry.amount += amount;
            else expected[t].set(key, { amount, model: row.model || line.line_item });
          });
        }
      }

      const result: RepriceResult = { since: from, days: days.size, changedDays: 0, lines: 0, before: 0, after: 0, byModel: [], dryRun };
      const changedDays = new Set<number>();
      const byModel = new Map<string, { model: string; before: number; after: number }>();
      for (const [t, table] of COST_TABLES.entries()) {
        const stored = await this.store.dailyCosts(tx, table, from);
        const corrections: number[] = [];
        for (const row of stored) {
          const day = Number(row.bucket_start);
          const want = expected[t].get([day, row.project_id, row.api_key_id, row.line_item, row.quantity_unit].join(SEP));
          const have = Number(row.amount);
          if (!want || !differs(want.amount, have)) continue;
          corrections.push(day, Number(row.item_id), want.amount - have, 0);
          changedDays.add(day);
          if (t === 0) {
            result.lines++;
            result.before += have;
            result.after += want.amount;
            const m = byModel.get(want.model) ?? { model: want.model, before: 0, after: 0 };
            m.before += have;
            m.after += want.amount;
            byModel.set(want.model, m);
          }
        }
        if (!dryRun && corrections.length) await this.store.execute(tx, this.store.costStatements(table, Float64Array.from(corrections)));
      }
      result.changedDays = changedDays.size;
      result.byModel = [...byModel.values()].sort((a, b) => Math.abs(b.after - b.before) - Math.abs(a.after - a.before) || a.model.localeCompare(b.model));
      if (dryRun || changedDays.size === 0) return result;

      // Cached usage and costs results of these days are now stale.
      await this.store.execute(tx, this.store.dayVersionStatements([...changedDays].sort((a, b) => a - b)));
      const id = await organizationId(tx);
      await writeAudit(tx, this.ctx.clock, null, {
        type: 'organization.updated',
        resourceId: id,
        details: {
          id,
          changes_requested: {
            usage_repriced: {
              since: new Date(from * 1000).toISOString().slice(0, 10),
              days: result.changedDays,
              cost_lines: result.lines,
              amount_before: result.before,
              amount_after: result.after,
              models: result.byModel.map((m) => m.model),
            },
          },
        },
      });
      return result;
    });
  }
}
