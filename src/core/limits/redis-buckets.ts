import { Redis } from 'ioredis';
import type { BucketDemand, Buckets, TakeResult } from './buckets.js';

/**
 * All of a request's buckets in one atomic step, on Redis's clock (replicas may disagree on
 * time): refill each, check all, take from all or none. One round trip per request.
 * KEYS: the buckets; ARGV: capacity, refill per ms and take, per bucket. Each bucket is a hash
 * {t = tokens, a = at (ms)} that expires once it would be full again.
 */
const TAKE = `
local now = redis.call('TIME')
now = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local n = #KEYS
local levels = {}
for i = 1, n do
  local cap = tonumber(ARGV[3 * i - 2])
  local rate = tonumber(ARGV[3 * i - 1])
  local b = redis.call('HMGET', KEYS[i], 't', 'a')
  local t = cap
  if b[1] then
    t = math.min(cap, tonumber(b[1]) + math.max(0, now - tonumber(b[2])) * rate)
  end
  levels[i] = t
end
local failed = -1
for i = 1, n do
  if levels[i] < tonumber(ARGV[3 * i]) then failed = i - 1; break end
end
local out = { failed }
for i = 1, n do
  local cap = tonumber(ARGV[3 * i - 2])
  local rate = tonumber(ARGV[3 * i - 1])
  local t = levels[i]
  if failed < 0 then
    t = t - tonumber(ARGV[3 * i])
    redis.call('HSET', KEYS[i], 't', tostring(t), 'a', now)
    redis.call('PEXPIRE', KEYS[i], math.ceil((cap - t) / rate) + 1000)
  end
  out[#out + 1] = tostring(t)
end
return out
`;

/** Gives back (or takes more of) one bucket: ARGV capacity, rate, amount. */
const ADJUST = `
local now = redis.call('TIME')
now = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local cap = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 't', 'a')
local t = cap
if b[1] then t = math.min(cap, tonumber(b[1]) + math.max(0, now - tonumber(b[2])) * rate) end
t = math.min(cap, t + tonumber(ARGV[3]))
redis.call('HSET', KEYS[1], 't', tostring(t), 'a', now)
redis.call('PEXPIRE', KEYS[1], math.ceil((cap - t) / rate) + 1000)
return tostring(t)
`;

/** The commands defineCommand adds. */
interface Scripts {
  orgplaneTake(...args: Array<string | number>): Promise<Array<number | string>>;
  orgplaneAdjust(...args: Array<string | number>): Promise<string>;
}

/** Buckets in Redis, shared by every replica (with REDIS_URL). */
export class RedisBuckets implements Buckets {
  private readonly redis: Redis;
  private readonly scripts: Scripts;

  constructor(url: string, private readonly prefix = 'orgplane:rl:') {
    this.redis = new Redis(url, { enableAutoPipelining: true, maxRetriesPerRequest: 2 });
    this.redis.defineCommand('orgplaneTake', { lua: TAKE });
    this.redis.defineCommand('orgplaneAdjust', { lua: ADJUST, numberOfKeys: 1 });
    this.scripts = this.redis as unknown as Scripts;
  }

  async take(demands: readonly BucketDemand[]): Promise<TakeResult> {
    const args: Array<string | number> = [demands.length];
    for (const d of demands) args.push(this.prefix + d.key);
    for (const d of demands) args.push(d.capacity, d.perMs, d.take);
    const out = await this.scripts.orgplaneTake(...args);
    const failed = Number(out[0]);
    const remaining = out.slice(1).map(Number);
    if (failed < 0) return { ok: true, remaining, failed, retryAfterMs: 0 };
    const d = demands[failed];
    const retryAfterMs = d.take > d.capacity ? Infinity : Math.ceil((d.take - remaining[failed]) / d.perMs);
    return { ok: false, remaining, failed, retryAfterMs };
  }

  async adjust(d: BucketDemand, amount: number): Promise<void> {
    await this.scripts.orgplaneAdjust(this.prefix + d.key, d.capacity, d.perMs, amount);
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
