import type { Static } from 'typebox';
import type { AppContext } from '../../../shared/context.js';
import * as repo from '../usage/repository.js';
import type { CostsQuery } from '../usage/schemas.js';
import { bucketWindow, COSTS_LIMIT, distinctGroupBy, toPage, WIDTH_SECONDS } from '../usage/service.js';

/** Amounts are sums of per-line prices; rounding hides floating-point noise beyond a billionth of a cent. */
const roundUsd = (v: number) => Math.round(v * 1e11) / 1e11;

/** Serves `/organization/costs` from the daily cost rollups, priced when the usage was ingested. */
export class CostsService {
  constructor(private readonly ctx: AppContext) {}

  async query(q: Static<typeof CostsQuery>) {
    const window = bucketWindow(this.ctx, q, WIDTH_SECONDS['1d'], COSTS_LIMIT);
    const groupBy = distinctGroupBy(q.group_by);
    const filters: repo.CostQuery['filters'][number][] = [];
    if (q.project_ids) filters.push({ column: 'project_id', values: [...new Set(q.project_ids)] });
    if (q.api_key_ids) filters.push({ column: 'api_key_id', values: [...new Set(q.api_key_ids)] });
    const perKey = groupBy.includes('api_key_id') || q.api_key_ids !== undefined;
    const byLine = groupBy.includes('line_item');
    const empty = filters.some((f) => f.values.length === 0);
    const rows = window.to > window.from && !empty
      ? await repo.queryCosts(this.ctx.db, perKey ? 'usage_costs_1d' : 'usage_costs_projects_1d', { from: window.from, to: window.to, groupBy, filters })
      : [];
    return toPage(window, rows, (row) => ({
      object: 'organization.costs.result' as const,
      amount: { value: roundUsd(Number(row.amount)), currency: 'usd' },
      line_item: byLine ? row.line_item! : null,
      project_id: groupBy.includes('project_id') ? row.project_id || null : null,
      api_key_id: groupBy.includes('api_key_id') ? row.api_key_id || null : null,
      quantity: byLine ? Number(row.quantity) : null,
      quantity_unit: byLine ? row.quantity_unit || null : null,
    }));
  }
}
