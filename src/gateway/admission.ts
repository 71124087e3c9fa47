import type { CatalogModel } from '../core/catalog/index.js';
import type { BucketDemand, Buckets, TakeResult } from '../core/limits/buckets.js';
import type { LimitsTable, RateLimitField } from '../core/limits/effective.js';
import type { KeyEntry } from '../core/keys/key-table.js';
import { ApiError } from '../platform/errors.js';
import type { TrafficUsage } from './traffic-usage.js';

/** What admission knows about a request before it is sent upstream. */
export interface AdmissionRequest {
  key: KeyEntry;
  projectId: string;
  model: CatalogModel;
  /** The endpoint's path under /v1, e.g. `/chat/completions`. */
  path: string;
  /** The parsed JSON body (undefined for multipart and bodiless requests). */
  body: Record<string, any> | undefined;
  /** Tokens the request may use: the larger of its output cap and an estimate from its size. */
  tokens: number;
  images: number;
  /** Bytes of uploaded audio. */
  audioBytes: number;
  /** Response headers every answer to this request carries (checks add theirs). */
  headers: Record<string, string>;
  /** A check that changes `body` sets this: the body is then sent re-serialised, not as it came. */
  bodyChanged: boolean;
  /** Whether a response ID this request creates is remembered (a check may forbid it, e.g. zero data retention). */
  keepResponseId: boolean;
}

/** How the request ended, for checks that reserved something at admission. */
export interface AdmissionOutcome {
  /** False when the upstream failed or was never reached (nothing is recorded). */
  succeeded: boolean;
  usage: TrafficUsage | null;
}

/** Returned by a check that needs to hear how the request ended. */
export interface Admitted {
  settle(outcome: AdmissionOutcome): void;
}

/**
 * One admission check. It refuses by throwing an ApiError (OpenAI-shaped), may add response
 * headers, and may return an Admitted to settle what it reserved. Checks run in order; when one
 * refuses, those before it are settled as not succeeded.
 */
export interface AdmissionCheck {
  readonly name: string;
  admit(request: AdmissionRequest): Admitted | void | Promise<Admitted | void>;
}

/** Runs the checks in order; returns what to settle once the request has ended. */
export async function admit(checks: readonly AdmissionCheck[], request: AdmissionRequest): Promise<Admitted[]> {
  const admitted: Admitted[] = [];
  try {
    for (const check of checks) {
      let result = check.admit(request);
      if (result instanceof Promise) result = await result;
      if (result) admitted.push(result);
    }
  } catch (err) {
    settleAll(admitted, { succeeded: false, usage: null });
    throw err;
  }
  return admitted;
}

export function settleAll(admitted: readonly Admitted[], outcome: AdmissionOutcome): void {
  for (const a of admitted) {
    try {
      a.settle(outcome);
    } catch {
      /* a check's bookkeeping must not fail the request */
    }
  }
}

const MINUTE = 60_000;
const DAY = 86_400_000;

interface Dimension {
  field: RateLimitField;
  window: number;
  /** Name in the 429 message. */
  label: string;
  type: 'requests' | 'tokens';
  take(r: AdmissionRequest): number;
}

const DIMENSIONS: readonly Dimension[] = [
  { field: 'max_requests_per_1_minute', window: MINUTE, label: 'requests per min (RPM)', type: 'requests', take: () => 1 },
  { field: 'max_requests_per_1_day', window: DAY, label: 'requests per day (RPD)', type: 'requests', take: () => 1 },
  { field: 'max_tokens_per_1_minute', window: MINUTE, label: 'tokens per min (TPM)', type: 'tokens', take: (r) => r.tokens },
  { field: 'max_images_per_1_minute', window: MINUTE, label: 'images per min (IPM)', type: 'requests', take: (r) => r.images },
  { field: 'max_audio_megabytes_per_1_minute', window: MINUTE, label: 'audio megabytes per min', type: 'requests', take: (r) => r.audioBytes / 1_000_000 },
];

/** `6m0s`, `1.5s`, `20ms`: how OpenAI writes the `x-ratelimit-reset-*` durations. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'never';
  ms = Math.max(0, Math.ceil(ms));
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  const sec = `${Number(s.toFixed(3))}s`;
  return h > 0 ? `${h}h${m}m${sec}` : m > 0 ? `${m}m${sec}` : sec;
}

/**
 * The project's rate limits for the model (core/limits: catalog defaults, project overrides),
 * each a token bucket whose capacity is the limit and which refills continuously over its window.
 * A request takes one request from the RPM and RPD buckets, its reserved tokens from TPM, its
 * images from IPM and its audio megabytes — all or none; the token reservation is reconciled with
 * the real usage afterwards. Sets OpenAI's `x-ratelimit-*` headers; refuses with 429.
 */
export class RateLimitCheck implements AdmissionCheck {
  readonly name = 'rate-limits';

  constructor(
    private readonly limits: LimitsTable,
    private readonly buckets: Buckets,
  ) {}

  admit(r: AdmissionRequest): Admitted | Promise<Admitted> {
    const limits = this.limits.get(r.projectId, r.model);
    const demands: BucketDemand[] = [];
    const dims: Dimension[] = [];
    for (const d of DIMENSIONS) {
      const capacity = limits[d.field];
      if (capacity === undefined) continue;
      const take = d.take(r);
      if (take <= 0) continue;
      demands.push({ key: `${r.projectId}\u001f${r.model.id}\u001f${d.field}`, capacity, perMs: capacity / d.window, take });
      dims.push(d);
    }
    const result = this.buckets.take(demands);
    return result instanceof Promise ? result.then((res) => this.decide(r, demands, dims, res)) : this.decide(r, demands, dims, result);
  }

  private decide(r: AdmissionRequest, demands: BucketDemand[], dims: Dimension[], res: TakeResult): Admitted {
    const h = r.headers;
    for (let i = 0; i < demands.length; i++) {
      const d = demands[i];
      const kind = dims[i].field === 'max_requests_per_1_minute' ? 'requests' : dims[i].field === 'max_tokens_per_1_minute' ? 'tokens' : null;
      if (kind === null) continue;
      const left = Math.max(0, res.remaining[i]);
      h[`x-ratelimit-limit-${kind}`] = String(d.capacity);
      h[`x-ratelimit-remaining-${kind}`] = String(Math.floor(left));
      h[`x-ratelimit-reset-${kind}`] = formatDuration((d.capacity - left) / d.perMs);
    }
    if (!res.ok) {
      const d = demands[res.failed];
      const dim = dims[res.failed];
      const used = Math.max(0, Math.ceil(d.capacity - res.remaining[res.failed]));
      const requested = Math.ceil(d.take);
      if (Number.isFinite(res.retryAfterMs)) {
        h['retry-after'] = String(Math.max(1, Math.ceil(res.retryAfterMs / 1000)));
        h['retry-after-ms'] = String(Math.max(1, Math.ceil(res.retryAfterMs)));
      }
      const message = Number.isFinite(res.retryAfterMs)
        ? `Rate limit reached for ${r.model.id} in project ${r.projectId} on ${dim.label}: Limit ${d.capacity}, Used ${used}, Requested ${requested}. Please try again in ${formatDuration(res.retryAfterMs)}.`
        : `Request too large for ${r.model.id} in project ${r.projectId} on ${dim.label}: Limit ${d.capacity}, Requested ${requested}. The input or output tokens must be reduced in order to run successfully.`;
      throw new ApiError(429, message, dim.type, null, 'rate_limit_exceeded');
    }
    const t = dims.findIndex((d) => d.field === 'max_tokens_per_1_minute');
    if (t < 0) return NOTHING;
    const tokens = demands[t];
    return {
      settle: (outcome) => {
        // Give back what was reserved and not used (all of it when the request failed), or take the excess.
        const used = outcome.succeeded ? (outcome.usage ? (outcome.usage.input_tokens ?? 0) + (outcome.usage.output_tokens ?? 0) : tokens.take) : 0;
        const back = tokens.take - used;
        if (back !== 0) void Promise.resolve(this.buckets.adjust(tokens, back)).catch(() => undefined);
      },
    };
  }
}

const NOTHING: Admitted = { settle: () => undefined };
