import { Redis } from 'ioredis';
import type { ReserveResult, ScopeCheck, SpendCounter } from './spend-counter.js';

/*
 * Per scope and month, three keys: `c` (counted micro-dollars), `r` (hash: reservation ID →
 * amount) and `e` (sorted set: reservation ID → expiry, ms). Each script purges expired
 * reservations, raises `c` to the floor it is given, and acts on all scopes atomically.
 */

/** KEYS: c, r, e per scope. ARGV: now, id, amount, expiry, then limit and floor per scope. Returns {-1} or {index, spent}. */
const RESERVE = `
local now = tonumber(ARGV[1])
local amount = tonumber(ARGV[3])
local n = #KEYS / 3
local spent = {}
for i = 1, n do
  local c, r, e = KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i]
  local expired = redis.call('ZRANGEBYSCORE', e, '-inf', now)
  for _, id in ipairs(expired) do redis.call('HDEL', r, id) end
  if #expired > 0 then redis.call('ZREMRANGEBYSCORE', e, '-inf', now) end
  local counted = math.max(tonumber(redis.call('GET', c) or '0'), tonumber(ARGV[4 + 2 * i]))
  redis.call('SET', c, string.format('%.0f', counted), 'EX', 3456000)
  local total = counted
  for _, v in ipairs(redis.call('HVALS', r)) do total = total + tonumber(v) end
  spent[i] = total
end
for i = 1, n do
  if spent[i] + amount > tonumber(ARGV[3 + 2 * i]) then return { i - 1, string.format('%.0f', spent[i]) } end
end
for i = 1, n do
  redis.call('HSET', KEYS[3 * i - 1], ARGV[2], ARGV[3])
  redis.call('ZADD', KEYS[3 * i], tonumber(ARGV[4]), ARGV[2])
  redis.call('EXPIRE', KEYS[3 * i - 1], 3456000)
  redis.call('EXPIRE', KEYS[3 * i], 3456000)
end
return { -1, '0' }
`;

/** KEYS: c, r, e per scope. ARGV: id, actual. */
const SETTLE = `
for i = 1, #KEYS / 3 do
  redis.call('HDEL', KEYS[3 * i - 1], ARGV[1])
  redis.call('ZREM', KEYS[3 * i], ARGV[1])
  redis.call('INCRBY', KEYS[3 * i - 2], ARGV[2])
  redis.call('EXPIRE', KEYS[3 * i - 2], 3456000)
end
return 0
`;

/** KEYS: c, r, e. ARGV: now, floor. Returns counted (at least floor) plus reserved. */
const SPENT = `
local now = tonumber(ARGV[1])
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)
for _, id in ipairs(expired) do redis.call('HDEL', KEYS[2], id) end
if #expired > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now) end
local total = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), tonumber(ARGV[2]))
for _, v in ipairs(redis.call('HVALS', KEYS[2])) do total = total + tonumber(v) end
return string.format('%.0f', total)
`;

interface Scripts {
  orgplaneSpendReserve(...args: Array<string | number>): Promise<[number, string]>;
  orgplaneSpendSettle(...args: Array<string | number>): Promise<number>;
  orgplaneSpendSpent(...args: Array<string | number>): Promise<string>;
}

/** The spend counter in Redis (REDIS_URL): one counter every replica shares, one script per call. */
export class RedisSpendCounter implements SpendCounter {
  private readonly redis: Redis;
  private readonly scripts: Scripts;

  constructor(url: string, private readonly prefix = 'orgplane:spend:') {
    this.redis = new Redis(url, { enableAutoPipelining: true, maxRetriesPerRequest: 2 });
    this.redis.defineCommand('orgplaneSpendReserve', { lua: RESERVE });
    this.redis.defineCommand('orgplaneSpendSettle', { lua: SETTLE });
    this.redis.defineCommand('orgplaneSpendSpent', { lua: SPENT, numberOfKeys: 3 });
    this.scripts = this.redis as unknown as Scripts;
  }

  private keys(month: string, scopeId: string): string[] {
    const base = `${this.prefix}${month}:${scopeId}:`;
    return [`${base}c`, `${base}r`, `${base}e`];
  }

  async reserve(id: string, month: string, scopes: ScopeCheck[], amount: number, expiresAtMs: number, nowMs: number): Promise<ReserveResult> {
    const keys = scopes.flatMap((s) => this.keys(month, s.scopeId));
    const args: Array<string | number> = [keys.length, ...keys, nowMs, id, amount, expiresAtMs];
    for (const s of scopes) args.push(s.limit, s.floor);
    const [index, spent] = await this.scripts.orgplaneSpendReserve(...args);
    return Number(index) < 0 ? { ok: true } : { ok: false, scopeId: scopes[Number(index)].scopeId, spent: Number(spent) };
  }

  async settle(id: string, month: string, scopeIds: string[], actual: number): Promise<void> {
    const keys = scopeIds.flatMap((s) => this.keys(month, s));
    await this.scripts.orgplaneSpendSettle(keys.length, ...keys, id, Math.round(actual));
  }

  async spent(month: string, scopeId: string, floor: number, nowMs: number): Promise<number> {
    return Number(await this.scripts.orgplaneSpendSpent(...this.keys(month, scopeId), nowMs, floor));
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
