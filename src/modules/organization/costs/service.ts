import type { Static } from 'typebox';
import type { AppContext } from '../../../shared/context.js';
import * as repo from '../usage/repository.js';
import type { CostsQuery } from '../usage/schemas.js';
import { bucketCache } from '../usage/bucket-cache.js';
import { bucketJson, bucketWindow, COSTS_LIMIT, distinctGroupBy, pageJson, WIDTH_SECONDS } from '../usage/service.js';

/** Amounts are sums of per-line prices; rounding hides floating-point noise beyond a billionth of a cent. */
const USD_DECIMALS = 11;
const roundUsd = (v: number) => Math.round(v * 10 ** USD_DECIMALS) / 10 ** USD_DECIMALS;

// roundUsd in SQL, as a whole number of 1e-11 USD: round(x) is (double)(int64)(x + 0.5), as Math.round for x >= 0.
const UNITS = `round(g.amount * 1e${USD_DECIMALS})`;
// Between 1e-6 and 1e4 USD, JavaScript writes the value as the plain decimal of those units (15 digits at
// most, so it round-trips), trailing zeros removed; SQLite writes that decimal itself. Otherwise js_number.
const AMOUNT_JSON =
  `case when ${UNITS} >= 1e5 and ${UNITS} < 1e15 ` +
  `then rtrim(rtrim(printf('%d.%0${USD_DECIMALS}d', cast(${UNITS} as integer) / 1${'0'.repeat(USD_DECIMALS)}, cast(${UNITS} as integer) % 1${'0'.repeat(USD_DECIMALS)}), '0'), '.') ` +
  `else js_number(js_round(g.amount, ${USD_DECIMALS})) end`;
// Whole quantities (tokens, images, ...) are written as integers, as JavaScript does.
const QUANTITY_JSON = 'case when g.quantity = cast(g.quantity as integer) and abs(g.quantity) < 1e15 then cast(cast(g.quantity as integer) as text) else js_number(g.quantity) end';

/** Serves `/organization/costs` from the daily cost rollups, priced when the usage was ingested. */
export class CostsService {
  constructor(private readonly ctx: AppContext) {}

  /** The page as UTF-8 JSON, in parts. */
  async query(q: Static<typeof CostsQuery>): Promise<Buffer[]> {
    const window = bucketWindow(this.ctx, q, WIDTH_SECONDS['1d'], COSTS_LIMIT);
    const groupBy = distinctGroupBy(q.group_by);
    const filters: repo.CostQuery['filters'][number][] = [];
    if (q.project_ids) filters.push({ column: 'project_id', values: [...new Set(q.project_ids)] });
    if (q.api_key_ids) filters.push({ column: 'api_key_id', values: [...new Set(q.api_key_ids)] });
    const perKey = groupBy.includes('api_key_id') || q.api_key_ids !== undefined;
    const byLine = groupBy.includes('line_item');
    const byProject = groupBy.includes('project_id');
    const byKey = groupBy.includes('api_key_id');
    const empty = filters.some((f) => f.values.length === 0);
    // The JSON of a result, written by SQLite with numbers exactly as JavaScript writes them.
    const item: repo.JsonPart[] = [
      { text: '{"object":"organization.costs.result","amount":{"value":' },
      { sql: AMOUNT_JSON },
      { text: ',"currency":"usd"},"line_item":' },
      byLine ? { sql: 'json_quote(g.line_item)' } : { text: 'null' },
      { text: ',"project_id":' },
      byProject ? { sql: repo.jsonText('g.project_id') } : { text: 'null' },
      { text: ',"api_key_id":' },
      byKey ? { sql: repo.jsonText('g.api_key_id') } : { text: 'null' },
      { text: ',"quantity":' },
      byLine ? { sql: QUANTITY_JSON } : { text: 'null' },
      { text: ',"quantity_unit":' },
      byLine ? { sql: repo.jsonText('g.quantity_unit') } : { text: 'null' },
      { text: '}' },
    ];
    const toResult = (row: repo.CostRow) => ({
      object: 'organization.costs.result' as const,
      amount: { value: roundUsd(Number(row.amount)), currency: 'usd' },
      line_item: byLine ? row.line_item! : null,
      project_id: byProject ? row.project_id || null : null,
      api_key_id: byKey ? row.api_key_id || null : null,
      quantity: byLine ? Number(row.quantity) : null,
      quantity_unit: byLine ? row.quantity_unit || null : null,
    });
    const table = perKey ? 'usage_costs_1d' : 'usage_costs_projects_1d';
    const shape = JSON.stringify(['costs', table, groupBy, filters]);
    const json = empty
      ? new Map<number, Buffer>()
      : await bucketCache(this.ctx).buckets(this.ctx, shape, window.from, window.to, window.width, async (from, to) =>
        bucketJson(await repo.queryCosts(this.ctx, table, { from, to, groupBy, filters }, item), toResult));
    return pageJson(window, json);
  }
}
