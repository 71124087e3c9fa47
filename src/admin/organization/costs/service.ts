import type { Static } from 'typebox';
import type { DialectName } from '../../../platform/db/database.js';
import type { AppContext } from '../../../platform/context.js';
import * as repo from '../../../core/usage/store.js';
import type { CostsQuery } from '../usage/schemas.js';
import { bucketCache } from '../../../core/usage/bucket-cache.js';
import { bucketWindow, COSTS_LIMIT, distinctGroupBy, pageJson, WIDTH_SECONDS } from '../../../core/usage/queries.js';

/** Amounts are sums of per-line prices; rounding hides floating-point noise beyond a billionth of a cent. */
const USD_DECIMALS = 11;

// Math.round(amount * 1e11) / 1e11 (a whole number of 1e-11 USD), written as JavaScript writes it:
// between 1e-6 and 1e4 USD, as the plain decimal of those units (15 digits at most, so it
// round-trips), trailing zeros removed, which the database writes itself; otherwise by js_round and
// js_number (registered on SQLite connections; migration 0006 on PostgreSQL). On SQLite, round(x) is
// (double)(int64)(x + 0.5), as Math.round for x >= 0; on PostgreSQL, floor plus the half, as
// Math.round is defined (round() there rounds halves to even).
const SCALED = `g.amount * 1e${USD_DECIMALS}`;
const UNITS: Record<DialectName, string> = {
  sqlite: `round(${SCALED})`,
  postgres: `(floor(${SCALED}) + case when ${SCALED} - floor(${SCALED}) >= 0.5 then 1 else 0 end)`,
};
const ONE = `1${'0'.repeat(USD_DECIMALS)}`;
const amountJson = (dialect: DialectName) => {
  const units = UNITS[dialect];
  const decimal = dialect === 'postgres'
    ? `(${units})::bigint / ${ONE} || '.' || lpad(((${units})::bigint % ${ONE})::text, ${USD_DECIMALS}, '0')`
    : `printf('%d.%0${USD_DECIMALS}d', cast(${units} as integer) / ${ONE}, cast(${units} as integer) % ${ONE})`;
  return `case when ${units} >= 1e5 and ${units} < 1e15 then rtrim(rtrim(${decimal}, '0'), '.') else js_number(js_round(g.amount, ${USD_DECIMALS})) end`;
};
const AMOUNT_JSON: Record<DialectName, string> = { sqlite: amountJson('sqlite'), postgres: amountJson('postgres') };
// Whole quantities (tokens, images, ...) are written as integers, as JavaScript does.
const QUANTITY_JSON: Record<DialectName, string> = {
  sqlite: 'case when g.quantity = cast(g.quantity as integer) and abs(g.quantity) < 1e15 then cast(cast(g.quantity as integer) as text) else js_number(g.quantity) end',
  postgres: 'case when g.quantity = trunc(g.quantity) and abs(g.quantity) < 1e15 then trunc(g.quantity)::bigint::text else js_number(g.quantity) end',
};

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
    // The JSON of a result, written by the database with numbers exactly as JavaScript writes them.
    const { dialect } = this.ctx;
    const item: repo.JsonPart[] = [
      { text: '{"object":"organization.costs.result","amount":{"value":' },
      { sql: AMOUNT_JSON[dialect] },
      { text: ',"currency":"usd"},"line_item":' },
      byLine ? { sql: repo.jsonString(dialect, 'g.line_item') } : { text: 'null' },
      { text: ',"project_id":' },
      byProject ? { sql: repo.jsonText(dialect, 'g.project_id') } : { text: 'null' },
      { text: ',"api_key_id":' },
      byKey ? { sql: repo.jsonText(dialect, 'g.api_key_id') } : { text: 'null' },
      { text: ',"quantity":' },
      byLine ? { sql: QUANTITY_JSON[dialect] } : { text: 'null' },
      { text: ',"quantity_unit":' },
      byLine ? { sql: repo.jsonText(dialect, 'g.quantity_unit') } : { text: 'null' },
      { text: '}' },
    ];
    const table = perKey ? 'usage_costs_1d' : 'usage_costs_projects_1d';
    const shape = JSON.stringify(['costs', table, groupBy, filters]);
    const json = empty
      ? new Map<number, Buffer>()
      : await bucketCache(this.ctx).buckets(this.ctx, shape, window.from, window.to, window.width, async (from, to) =>
        repo.queryCosts(this.ctx, table, { from, to, groupBy, filters }, item));
    return pageJson(window, json);
  }
}
