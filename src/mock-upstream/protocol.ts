// What the mock's endpoint handlers take and return, and the OpenAI-shaped error they throw.
import { randomBytes } from 'node:crypto';

/** A request as the handlers see it: the body already read; `json` when it was a JSON body. */
export interface MockRequest {
  method: string;
  pathname: string;
  query: URLSearchParams;
  contentType: string;
  body: Buffer;
  json: Record<string, unknown> | undefined;
  /** Azure OpenAI style (`/openai/deployments/{deployment}/…`): the deployment stands for the model. */
  deployment?: string;
}

/** A handler's answer: serialized JSON, raw bytes, or server-sent events written one frame at a time. */
export type Reply = (
  | { kind: 'json'; status?: number; body: string }
  | { kind: 'bytes'; status?: number; contentType: string; body: Buffer | string }
  | { kind: 'sse'; frames: string[] }
) & {
  /** The tokens this answer reports in its `usage` (tallied in `MockUpstream.reported` once it is fully sent). */
  usage?: ReportedTokens;
};

export interface ReportedTokens {
  input: number;
  output: number;
}

export const json = (value: unknown, usage?: ReportedTokens): Reply => ({ kind: 'json', body: JSON.stringify(value), usage });

/** One SSE frame: `data: …` (chat, completions) or `event: …` + `data: …` (responses, audio). */
export function sseFrame(data: string, event?: string): string {
  return event ? `event: ${event}\ndata: ${data}\n\n` : `data: ${data}\n\n`;
}

/** An error answered in OpenAI's shape `{"error": {"message", "type", "param", "code"}}`. */
export class MockError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly type: string = status >= 500 ? 'server_error' : 'invalid_request_error',
  ) {
    super(message);
  }

  body(): string {
    return errorBody(this.message, this.type, this.param, this.code);
  }
}

export function errorBody(message: string, type: string, param: string | null = null, code: string | null = null): string {
  return JSON.stringify({ error: { message, type, param, code } });
}

/** The default body of a forced or random failure with this status. */
export function defaultFailureBody(status: number): string {
  if (status === 429) return errorBody('Rate limit reached for requests (mock upstream). Please try again in 1s.', 'requests', null, 'rate_limit_exceeded');
  if (status >= 500) return errorBody('The server had an error while processing your request. Sorry about that!', 'server_error');
  return errorBody(`The mock upstream was told to answer ${status}.`, 'invalid_request_error');
}

/** Per-server state: ID counters, stored responses, caches. Nothing is shared between servers. */
export class MockState {
  private readonly prefix = randomBytes(6).toString('hex');
  private counter = 0;
  readonly responses = new Map<string, StoredResponse>();
  readonly vectors = new BoundedCache<Float32Array>(4096);

  /** A unique ID such as `chatcmpl-3f9a…0001`, distinct between mock instances. */
  id(prefix: string): string {
    return `${prefix}${this.prefix}${(++this.counter).toString(16).padStart(12, '0')}`;
  }
}

export interface StoredResponse {
  /** The response object as GET /v1/responses/{id} returns it. */
  response: Record<string, unknown>;
  /** The input items with their IDs, in the order given. */
  inputItems: Record<string, unknown>[];
  /** Tokens the conversation so far carries into a follow-up (input + output of this turn). */
  contextTokens: number;
}

/** A map that forgets everything when it reaches its size (the mock's inputs repeat heavily). */
export class BoundedCache<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly size: number) {}
  get(key: string): V | undefined {
    return this.map.get(key);
  }
  set(key: string, value: V): V {
    if (this.map.size >= this.size) this.map.clear();
    this.map.set(key, value);
    return value;
  }
}

// ---- reading request fields --------------------------------------------------------------------

export function bodyOf(req: MockRequest): Record<string, unknown> {
  if (!req.json) throw new MockError(400, 'We could not parse the JSON body of your request. (HINT: This likely means you aren\'t using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)');
  return req.json;
}

export function modelOf(req: MockRequest, body: Record<string, unknown>, fallback?: string): string {
  const model = body.model ?? req.deployment ?? fallback;
  if (typeof model !== 'string' || model === '') throw new MockError(400, 'you must provide a model parameter');
  return model;
}

/** An optional positive integer field (e.g. `max_tokens`). */
export function optionalCount(body: Record<string, unknown>, name: string, min = 1): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new MockError(400, `Invalid '${name}': expected an integer of at least ${min}, got ${JSON.stringify(value)}.`, name, 'invalid_value');
  }
  return value;
}

export function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new MockError(400, `Invalid type for '${name}': expected a string.`, name, 'invalid_type');
  return value;
}

export function requiredString(body: Record<string, unknown>, name: string): string {
  const value = optionalString(body, name);
  if (value === undefined) throw new MockError(400, `Missing required parameter: '${name}'.`, name, 'missing_required_parameter');
  return value;
}

/** Reads a multipart/form-data body (undici's parser, built into Node). */
export async function formOf(req: MockRequest): Promise<FormData> {
  if (!req.contentType.startsWith('multipart/form-data')) {
    throw new MockError(400, `Invalid Content-Type header (${req.contentType || 'none'}), expected multipart/form-data.`);
  }
  try {
    return await new Response(new Uint8Array(req.body), { headers: { 'content-type': req.contentType } }).formData();
  } catch {
    throw new MockError(400, 'Could not parse multipart form.');
  }
}

export function formString(form: FormData, name: string): string | undefined {
  const value = form.get(name);
  return typeof value === 'string' ? value : undefined;
}

/** Service tier reported back: `auto` or none resolves to `default`. */
export function serviceTierOf(body: Record<string, unknown>): string {
  const tier = body.service_tier;
  return typeof tier === 'string' && tier !== 'auto' ? tier : 'default';
}
