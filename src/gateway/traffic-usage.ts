import type { IngestRecord } from '../core/usage/records.js';
import { IMAGE_SIZES, SERVICE_TIERS } from '../core/usage/kinds.js';

/** Counters read from one upstream answer (before they become a usage record). */
export interface TrafficUsage {
  kind: IngestRecord['kind'];
  input_tokens?: number;
  output_tokens?: number;
  input_cached_tokens?: number;
  input_audio_tokens?: number;
  output_audio_tokens?: number;
  images?: number;
  characters?: number;
  seconds?: number;
  service_tier?: string;
  size?: string;
  source?: string;
  /** Counted by orgplane's tokenizer because the upstream reported no usage (see docs/gateway.md). */
  estimated?: boolean;
}

type Json = Record<string, any>;
const int = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.round(v) : 0);
const TIERS = new Set<string>(SERVICE_TIERS);
const SIZES = new Set<string>(IMAGE_SIZES);

/** Chat completions and legacy completions: `usage.prompt_tokens` / `completion_tokens` and their details. */
export function completionUsage(usage: Json | null | undefined, serviceTier: unknown): TrafficUsage | null {
  if (!usage || typeof usage !== 'object') return null;
  const input = int(usage.prompt_tokens);
  const output = int(usage.completion_tokens);
  return consistent({
    kind: 'completions',
    input_tokens: input,
    output_tokens: output,
    input_cached_tokens: int(usage.prompt_tokens_details?.cached_tokens),
    input_audio_tokens: int(usage.prompt_tokens_details?.audio_tokens),
    output_audio_tokens: int(usage.completion_tokens_details?.audio_tokens),
    service_tier: tierOf(serviceTier),
  });
}

/** Responses: `usage.input_tokens` / `output_tokens` and their details. */
export function responsesUsage(usage: Json | null | undefined, serviceTier: unknown): TrafficUsage | null {
  if (!usage || typeof usage !== 'object') return null;
  return consistent({
    kind: 'completions',
    input_tokens: int(usage.input_tokens),
    output_tokens: int(usage.output_tokens),
    input_cached_tokens: int(usage.input_tokens_details?.cached_tokens),
    service_tier: tierOf(serviceTier),
  });
}

/** `auto` and tiers orgplane does not know are counted as `default`. */
function tierOf(tier: unknown): string {
  return typeof tier === 'string' && TIERS.has(tier) ? tier : 'default';
}

/** Parts never exceed their whole (an upstream's odd report must not make the batch invalid). */
function consistent(u: TrafficUsage): TrafficUsage {
  const input = u.input_tokens ?? 0;
  u.input_cached_tokens = Math.min(u.input_cached_tokens ?? 0, input);
  u.input_audio_tokens = Math.min(u.input_audio_tokens ?? 0, input - u.input_cached_tokens);
  u.output_audio_tokens = Math.min(u.output_audio_tokens ?? 0, u.output_tokens ?? 0);
  return u;
}

export function embeddingsUsage(body: Json): TrafficUsage {
  return { kind: 'embeddings', input_tokens: int(body.usage?.prompt_tokens ?? body.usage?.total_tokens) };
}

export function imagesUsage(body: Json, request: { size?: unknown; source: 'image.generation' | 'image.edit' }): TrafficUsage {
  const size = typeof request.size === 'string' && SIZES.has(request.size) ? request.size : '';
  return { kind: 'images', images: Array.isArray(body.data) ? body.data.length : 0, size, source: request.source };
}

export function speechUsage(input: unknown): TrafficUsage {
  return { kind: 'audio_speeches', characters: typeof input === 'string' ? input.length : 0 };
}

/**
 * Transcriptions and translations. Billed by duration (whisper-1: `usage: {type: "duration",
 * seconds}`, or `duration`): an audio-transcriptions record of those seconds. Billed by tokens
 * (gpt-4o-transcribe and the like: `usage: {type: "tokens", input_tokens, input_token_details:
 * {audio_tokens}, output_tokens}`): a completions record of those tokens, since the
 * audio-transcriptions usage has no token counters — priced by the catalog's token prices.
 */
export function transcriptionUsage(body: Json | null): TrafficUsage {
  if (body?.usage?.type === 'tokens') {
    const u = body.usage;
    return consistent({ kind: 'completions', input_tokens: int(u.input_tokens), input_audio_tokens: int(u.input_token_details?.audio_tokens), output_tokens: int(u.output_tokens), service_tier: 'default' });
  }
  const seconds = body?.usage?.type === 'duration' ? body.usage.seconds : body?.duration;
  return { kind: 'audio_transcriptions', seconds: Math.ceil(typeof seconds === 'number' && seconds > 0 ? seconds : 0) };
}

/** Counts tokens with the o200k tokenizer (loaded on first use: most traffic reports its usage). */
let tokenizer: Promise<(text: string) => number> | undefined;
export function countTokens(text: string): Promise<number> {
  tokenizer ??= import('gpt-tokenizer').then((m) => (t: string) => m.countTokens(t));
  return tokenizer.then((count) => (text === '' ? 0 : count(text)));
}

/** The text a request sends (messages, prompt, input, instructions), for estimating its tokens. */
export function requestText(body: Json | undefined): string {
  if (!body) return '';
  const parts: string[] = [];
  const add = (v: unknown): void => {
    if (typeof v === 'string') parts.push(v);
    else if (Array.isArray(v)) v.forEach(add);
    else if (v && typeof v === 'object') {
      const o = v as Json;
      if (typeof o.text === 'string') parts.push(o.text);
      if (o.content !== undefined) add(o.content);
    }
  };
  add(body.instructions);
  add(body.messages);
  add(body.prompt);
  add(body.input);
  return parts.join('\n');
}

/** Estimated usage of a stream that ended without a usage report: tokenizer counts of what was sent and received. */
export async function estimatedCompletionUsage(body: Json | undefined, output: string): Promise<TrafficUsage> {
  return { kind: 'completions', input_tokens: await countTokens(requestText(body)), output_tokens: await countTokens(output), service_tier: 'default', estimated: true };
}

/** The record a request's usage becomes. */
export function toRecord(u: TrafficUsage, at: { id: string; timestamp: number; projectId: string; userId: string | null; keyId: string; model: string }): IngestRecord {
  const r: IngestRecord = { kind: u.kind, id: at.id, timestamp: at.timestamp, project_id: at.projectId, api_key_id: at.keyId, model: at.model };
  if (at.userId !== null) r.user_id = at.userId;
  switch (u.kind) {
    case 'completions':
      r.input_tokens = u.input_tokens ?? 0;
      r.output_tokens = u.output_tokens ?? 0;
      if (u.input_cached_tokens) r.input_cached_tokens = u.input_cached_tokens;
      if (u.input_audio_tokens) r.input_audio_tokens = u.input_audio_tokens;
      if (u.output_audio_tokens) r.output_audio_tokens = u.output_audio_tokens;
      r.service_tier = u.service_tier ?? 'default';
      break;
    case 'embeddings':
    case 'moderations':
      r.input_tokens = u.input_tokens ?? 0;
      break;
    case 'images':
      r.images = u.images ?? 0;
      r.size = u.size || undefined;
      r.source = u.source;
      if (r.size === undefined) delete r.size;
      break;
    case 'audio_speeches':
      r.characters = u.characters ?? 0;
      break;
    case 'audio_transcriptions':
      r.seconds = u.seconds ?? 0;
      break;
    default:
      break;
  }
  return r;
}

/** The tokens a request used, for reconciling its rate-limit reservation. */
export function usedTokens(u: TrafficUsage | null): number {
  return u ? (u.input_tokens ?? 0) + (u.output_tokens ?? 0) : 0;
}
