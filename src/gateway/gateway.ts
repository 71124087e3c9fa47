import type { FastifyBaseLogger } from 'fastify';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { Agent, errors as undiciErrors } from 'undici';
import type { CatalogModel, ModelCatalog } from '../core/catalog/index.js';
import type { KeyEntry, KeyTable } from '../core/keys/key-table.js';
import type { UsageRecorder } from '../core/usage/recorder.js';
import type { Clock } from '../platform/clock.js';
import type { Metrics } from '../platform/metrics.js';
import { ApiError } from '../platform/errors.js';
import { admit, type Admitted, type AdmissionCheck, type AdmissionRequest, settleAll } from './admission.js';
import type { Endpoint } from './endpoints.js';
import { boundaryOf, multipartField, replaceField } from './multipart.js';
import type { ResponseOwners } from './response-owners.js';
import { SseRelay } from './sse.js';
import { estimatedCompletionUsage, toRecord, type TrafficUsage } from './traffic-usage.js';
import { attemptOrder, type RouteTarget, type Routes, type Upstream } from './upstreams.js';

export interface GatewayOptions {
  catalog: ModelCatalog;
  clock: Clock;
  keys: KeyTable;
  recorder: UsageRecorder;
  owners: ResponseOwners;
  routes: Routes | null;
  /** Admission, in order (rate limits first; policies add theirs). */
  checks: AdmissionCheck[];
  /** The access log: one line per request. */
  log: FastifyBaseLogger;
  /** Whether a project may see a model in `GET /v1/models` (policies; default: every served model). */
  modelVisible?: (projectId: string, modelId: string) => boolean;
  /** Where the data-plane metrics are counted (platform/metrics.ts). */
  metrics?: Metrics;
  random?: () => number;
}

/** An inference request as the routes hand it over. */
export interface ModelCall {
  endpoint: Endpoint;
  key: KeyEntry;
  requestId: string;
  contentType: string | undefined;
  accept: string | undefined;
  raw: Buffer;
  res: ServerResponse;
}

/** What forwarding needs to know about an admitted request. */
interface Forwarding {
  body: Record<string, any> | undefined;
  boundary: string | null;
  model: CatalogModel;
  targets: readonly RouteTarget[];
  /** Usage was asked for on the client's behalf: the usage chunk is removed from the stream. */
  strip: boolean;
  stream: boolean;
  /** An admission check changed the body. */
  rewrite: boolean;
  /** Remember a created response's ID (for GET/DELETE and previous_response_id). */
  keep: boolean;
}

/** What one request went through, for its access-log line and metrics. */
interface Trace {
  model: string;
  /** Time spent waiting for and reading the upstream's answer (ms). */
  upstreamMs: number;
}

/** One attempt's answer, or why there was none. */
type Attempt = { target: RouteTarget; status: number; headers: IncomingHttpHeaders; body: AsyncIterable<Buffer> & { dump?: () => Promise<void> } };

const INVALID_JSON = 'We could not parse the JSON body of your request. The OpenAI API expects a JSON payload.';

/** Response headers of the upstream the client gets (its rate-limit headers are replaced by orgplane's). */
const PASSED_HEADERS = ['content-type', 'openai-processing-ms', 'openai-version', 'openai-model'];

export const modelNotFound = (model: string) =>
  new ApiError(404, `The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', null, 'model_not_found');

/**
 * The data plane: everything between an authenticated inference request and its answer —
 * routing, admission (rate limits and the checks policies add), forwarding over a pooled HTTP
 * client with fallback, relaying streams, and recording usage.
 */
export class Gateway {
  readonly agent = new Agent({ keepAliveTimeout: 30_000, connections: 512 });
  private readonly random: () => number;

  constructor(private readonly o: GatewayOptions) {
    this.random = o.random ?? Math.random;
  }

  get routes(): Routes | null {
    return this.o.routes;
  }

  /** Catalog models with a route that the project may see (what `GET /v1/models` lists). */
  servedModels(projectId: string): CatalogModel[] {
    const routes = this.o.routes;
    if (!routes) return [];
    const visible = this.o.modelVisible;
    return this.o.catalog.models.filter((m) => (routes.models.has(m.id) || routes.models.has('*')) && (!visible || visible(projectId, m.id)));
  }

  /** The catalog model and its route, or 404 `model_not_found`. */
  resolveModel(model: string): { model: CatalogModel; targets: readonly RouteTarget[] } {
    const routes = this.requireRoutes();
    const entry = this.o.catalog.get(model);
    const targets = routes.models.get(model) ?? routes.models.get('*');
    if (!entry || !targets) throw modelNotFound(model);
    return { model: entry, targets };
  }

  requireRoutes(): Routes {
    if (!this.o.routes) throw new ApiError(503, 'No upstream provider is configured for this server (ORGPLANE_UPSTREAM_URL or ORGPLANE_UPSTREAMS).', 'server_error', null, 'no_upstream');
    return this.o.routes;
  }

  /**
   * Serves one model request. Refusals before anything is sent upstream throw an ApiError (the
   * caller renders it with `headers`); from the upstream on, this writes the answer itself.
   */
  async call(c: ModelCall, headers: Record<string, string>): Promise<void> {
    const started = performance.now();
    const trace: Trace = { model: 'unknown', upstreamMs: 0 };
    try {
      await this.serve(c, headers, started, trace);
    } catch (err) {
      this.refused(c, err, trace);
      throw err;
    }
  }

  /** Counts a request refused before it was forwarded (the routes render the error). */
  private refused(c: ModelCall, err: unknown, trace: Trace): void {
    const m = this.o.metrics;
    if (!m || !(err instanceof ApiError)) return;
    const project = c.key.principal.projectId!;
    m.gatewayRequests.inc({ project, model: trace.model, status: err.status });
    if (err.code === 'rate_limit_exceeded') m.gatewayRateLimitRefusals.inc({ project, limit: err.type });
    else if (err.code === 'insufficient_quota') m.gatewaySpendLimitRefusals.inc({ project });
  }

  private async serve(c: ModelCall, headers: Record<string, string>, started: number, trace: Trace): Promise<void> {
    const projectId = c.key.principal.projectId!;
    this.requireRoutes();
    let body: Record<string, any> | undefined;
    const fields: Record<string, string> = {};
    let modelName: string;
    let boundary: string | null = null;
    if (c.endpoint.body === 'json') {
      body = parseBody(c.raw);
      modelName = body.model;
      if (modelName === undefined || modelName === null || modelName === '') throw new ApiError(400, 'you must provide a model parameter', 'invalid_request_error', null, null);
      if (typeof modelName !== 'string') throw new ApiError(400, "Invalid type for 'model': expected a string.", 'invalid_request_error', 'model', 'invalid_type');
    } else {
      boundary = boundaryOf(c.contentType);
      if (!boundary) throw new ApiError(400, 'This endpoint expects a multipart/form-data body.', 'invalid_request_error', null, 'invalid_content_type');
      const span = multipartField(c.raw, boundary, 'model');
      if (!span || span.value === '') throw new ApiError(400, 'you must provide a model parameter', 'invalid_request_error', null, null);
      modelName = span.value;
      for (const f of c.endpoint.fields ?? []) {
        const v = multipartField(c.raw, boundary, f);
        if (v) fields[f] = v.value;
      }
    }
    if (!c.key.permissions.has(c.endpoint.permission)) throw missingPermission(c.endpoint.permission, projectId);
    const { model, targets: routeTargets } = this.resolveModel(modelName);
    trace.model = model.id;
    let targets = attemptOrder(routeTargets, this.random());

    // Responses: a previous response must be this project's, and is continued on its upstream.
    const previous = body?.previous_response_id;
    if (c.endpoint.path === '/responses' && typeof previous === 'string') {
      const owner = await this.o.owners.owner(previous);
      if (!owner || owner.projectId !== projectId) {
        throw new ApiError(404, `Previous response with id '${previous}' not found.`, 'invalid_request_error', 'previous_response_id', 'previous_response_not_found');
      }
      const same = targets.filter((t) => t.upstream.name === owner.upstream);
      if (same.length > 0) targets = same;
    }

    const maxOut = body ? Math.max(num(body.max_tokens), num(body.max_completion_tokens), num(body.max_output_tokens)) : 0;
    const admission: AdmissionRequest = {
      key: c.key,
      projectId,
      model,
      path: c.endpoint.path,
      body,
      tokens: c.endpoint.body === 'json' ? Math.max(maxOut, Math.ceil(c.raw.length / 4)) : 0,
      images: c.endpoint.path.startsWith('/images/') ? Math.max(1, num(body?.n ?? fields.n)) : 0,
      audioBytes: c.endpoint.body === 'multipart' && c.endpoint.path.startsWith('/audio/') ? c.raw.length : 0,
      headers,
      bodyChanged: false,
      keepResponseId: true,
    };
    const admitted = await admit(this.o.checks, admission);

    // From here on the answer is written here, not thrown.
    const stream = body?.stream === true;
    const strip = stream && (c.endpoint.stream === 'chat' || c.endpoint.stream === 'completions') && body?.stream_options?.include_usage !== true;
    // Only a stream is aborted when its client leaves (no controller, listener or signal otherwise).
    const ac = stream ? new AbortController() : undefined;
    // A client that leaves a stream aborts the upstream request (its usage is then estimated). A
    // non-streamed answer is read to the end whatever the client does: the upstream bills it in
    // full, so orgplane records exactly what it reports.
    const onClose = () => {
      if (!c.res.writableFinished) ac!.abort();
    };
    if (ac) c.res.on('close', onClose);
    let outcome: { status: number; upstream: string; usage: TrafficUsage | null } = { status: 0, upstream: '-', usage: null };
    try {
      outcome = await this.forward(c, { body, boundary, model, targets, strip, stream, rewrite: admission.bodyChanged, keep: admission.keepResponseId }, headers, ac?.signal, trace);
    } finally {
      if (ac) c.res.off('close', onClose);
      const succeeded = outcome.status >= 200 && outcome.status < 300;
      settleAll(admitted, { succeeded, usage: outcome.usage });
      if (succeeded && outcome.usage) {
        const owner = c.key.principal.owner;
        this.o.recorder.record(toRecord(outcome.usage, {
          id: c.requestId, timestamp: this.o.clock.now(), projectId, userId: owner.type === 'user' ? owner.id : null, keyId: c.key.principal.keyId, model: model.id,
        }));
      }
      const ms = performance.now() - started;
      const m = this.o.metrics;
      if (m) {
        m.gatewayRequests.inc({ project: projectId, model: model.id, status: outcome.status });
        if (outcome.upstream !== '-') m.gatewayUpstreamDuration.observe({ model: model.id }, trace.upstreamMs / 1000);
        m.gatewayAddedLatency.observe(Math.max(0, ms - trace.upstreamMs) / 1000);
      }
      this.o.log.info({
        reqId: c.requestId, project: projectId, key: c.key.principal.keyId, model: model.id, path: c.endpoint.path, status: outcome.status,
        upstream: outcome.upstream, ms: Math.round(ms * 100) / 100,
        tokens: outcome.usage ? (outcome.usage.input_tokens ?? 0) + (outcome.usage.output_tokens ?? 0) : 0,
        ...(outcome.usage?.estimated ? { estimated: true } : {}),
      }, 'gateway');
    }
  }

  /** Sends the request to each target in turn until one answers (falling back only before any byte reached the client), and relays the answer. */
  private async forward(
    c: ModelCall,
    r: Forwarding,
    headers: Record<string, string>,
    signal: AbortSignal | undefined,
    trace: Trace,
  ): Promise<{ status: number; upstream: string; usage: TrafficUsage | null }> {
    const sent = performance.now();
    try {
      return await this.forwardTimed(c, r, headers, signal, trace);
    } finally {
      trace.upstreamMs = performance.now() - sent;
    }
  }

  private async forwardTimed(
    c: ModelCall,
    r: Forwarding,
    headers: Record<string, string>,
    signal: AbortSignal | undefined,
    trace: Trace,
  ): Promise<{ status: number; upstream: string; usage: TrafficUsage | null }> {
    let failure: unknown;
    let attempt: Attempt | undefined;
    for (let i = 0; i < r.targets.length; i++) {
      const target = r.targets[i];
      const last = i === r.targets.length - 1;
      try {
        const res = await this.send(target, c.endpoint.path, 'POST', payload(c, r, target), c.contentType, c.accept, signal);
        if (res.status >= 500 || res.status === 429) this.upstreamError(r.model.id, res.status >= 500 ? 'status_5xx' : 'status_429');
        if ((res.status >= 500 || res.status === 429) && !last) {
          await drain(res.body);
          continue;
        }
        attempt = { target, ...res };
        break;
      } catch (err) {
        failure = err;
        if (signal?.aborted) break;
        this.upstreamError(r.model.id, isTimeout(err) ? 'timeout' : 'connect');
      }
    }
    if (!attempt) {
      if (signal?.aborted) return { status: 499, upstream: '-', usage: null };
      const error = isTimeout(failure)
        ? new ApiError(504, 'The upstream provider did not answer in time.', 'server_error', null, 'upstream_timeout')
        : new ApiError(502, 'The upstream provider could not be reached.', 'server_error', null, 'upstream_unreachable');
      writeError(c, error, headers);
      return { status: error.status, upstream: r.targets[r.targets.length - 1].upstream.name, usage: null };
    }
    const { target, status } = attempt;
    const upstream = target.upstream.name;
    if (status === 401 || status === 403) {
      // The upstream refused orgplane's own credentials: the caller gets no upstream key material.
      await drain(attempt.body);
      writeError(c, new ApiError(502, 'The upstream provider refused the credentials orgplane is configured with.', 'server_error', null, 'upstream_auth_failed'), headers);
      return { status: 502, upstream, usage: null };
    }
    const contentType = String(attempt.headers['content-type'] ?? '');
    const out: Record<string, string> = { ...headers, 'x-request-id': c.requestId };
    for (const h of PASSED_HEADERS) {
      const v = attempt.headers[h];
      if (typeof v === 'string') out[h] = v;
    }
    if (status < 200 || status >= 300) {
      const bytes = await readAll(attempt.body);
      writeUpstreamError(c, status, bytes, contentType, out);
      return { status, upstream, usage: null };
    }
    if (contentType.startsWith('text/event-stream')) return { status, upstream, usage: await this.relay(c, r, attempt, out, signal) };

    const bytes = await readAll(attempt.body).catch(() => null);
    if (bytes === null) {
      this.upstreamError(r.model.id, 'protocol');
      // Cut off mid-answer: nothing usable was sent to the client.
      if (!c.res.headersSent && !signal?.aborted) writeError(c, new ApiError(502, 'The upstream provider closed the connection mid-answer.', 'server_error', null, 'upstream_unreachable'), headers);
      return { status: signal?.aborted ? 499 : 502, upstream, usage: null };
    }
    if (!c.res.destroyed) {
      out['content-length'] = String(bytes.length);
      c.res.writeHead(status, out);
      c.res.end(bytes);
    }
    let json: Record<string, any> | null = null;
    if (contentType.startsWith('application/json')) {
      try {
        json = JSON.parse(bytes.toString('utf8'));
      } catch {
        json = null;
      }
    }
    if (c.endpoint.path === '/responses' && r.keep && json && typeof json.id === 'string' && json.store !== false && r.body?.store !== false) {
      this.o.owners.remember(json.id, c.key.principal.projectId!, upstream);
    }
    const usage = await c.endpoint.usage({ body: r.body, fields: {}, json });
    return { status, upstream, usage };
  }

  /** Relays an event stream chunk by chunk; the usage is the stream's report, or an estimate if it ended without one. */
  private async relay(
    c: ModelCall,
    r: Forwarding,
    attempt: Attempt,
    out: Record<string, string>,
    signal: AbortSignal | undefined,
  ): Promise<TrafficUsage | null> {
    const kind = c.endpoint.stream;
    const relay = kind ? new SseRelay(kind, r.strip) : null;
    out['cache-control'] = 'no-cache';
    c.res.writeHead(attempt.status, out);
    c.res.flushHeaders();
    let complete = false;
    try {
      for await (const chunk of attempt.body) {
        const text = relay ? relay.push(chunk) : chunk;
        if (text.length > 0 && !c.res.write(text)) await waitDrain(c.res, signal);
      }
      if (relay) {
        const rest = relay.end();
        if (rest) c.res.write(rest);
      }
      complete = true;
    } catch {
      // Client gone (the upstream request was aborted) or upstream cut off.
    }
    if (!c.res.writableEnded) c.res.end();
    if (c.endpoint.path === '/responses' && r.keep && relay?.responseId && r.body?.store !== false) this.o.owners.remember(relay.responseId, c.key.principal.projectId!, attempt.target.upstream.name);
    if (!relay) return complete ? await c.endpoint.usage({ body: r.body, fields: {}, json: null }) : null;
    return relay.usage ?? (await estimatedCompletionUsage(r.body, relay.text));
  }

  /** One request to one upstream; throws on connection errors and timeouts. */
  async send(target: RouteTarget | { upstream: Upstream; model: string }, path: string, method: string, body: Buffer | undefined, contentType: string | undefined, accept: string | undefined, signal: AbortSignal | undefined) {
    const u = target.upstream;
    const h: Record<string, string> = { ...u.headers };
    if (contentType) h['content-type'] = contentType;
    if (accept) h.accept = accept;
    let url = u.basePath + path;
    if (u.azureApiVersion !== null) {
      const deployment = target.model;
      url = deployment && !path.startsWith('/responses') ? `${u.basePath}/deployments/${encodeURIComponent(deployment)}${path}` : `${u.basePath}${path}`;
      url += `${url.includes('?') ? '&' : '?'}api-version=${encodeURIComponent(u.azureApiVersion)}`;
    }
    const res = await this.agent.request({ origin: u.origin, path: url, method: method as 'POST', headers: h, body, signal, headersTimeout: u.timeoutMs, bodyTimeout: u.timeoutMs });
    return { status: res.statusCode, headers: res.headers, body: res.body as Attempt['body'] };
  }

  private upstreamError(model: string, reason: 'connect' | 'timeout' | 'status_5xx' | 'status_429' | 'protocol'): void {
    this.o.metrics?.gatewayUpstreamErrors.inc({ model, reason });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

function isTimeout(err: unknown): boolean {
  return err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.ConnectTimeoutError || err instanceof undiciErrors.BodyTimeoutError;
}

function num(v: unknown): number {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0;
}

function parseBody(raw: Buffer): Record<string, any> {
  if (raw.length === 0) throw new ApiError(400, 'The request body is empty; a JSON object was expected.', 'invalid_request_error', null, null);
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ApiError(400, INVALID_JSON, 'invalid_request_error', null, null);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, 'The request body must be a JSON object.', 'invalid_request_error', null, null);
  return body as Record<string, any>;
}

export function missingPermission(permission: string, projectId: string): ApiError {
  return new ApiError(
    403,
    `You have insufficient permissions for this operation. Missing scopes: ${permission}. The API key's owner does not hold it in project ${projectId}; ask an organization or project owner for a role that grants it.`,
    'invalid_request_error', null, 'insufficient_permissions',
  );
}

/** The body for one target: as the client sent it unless the model is renamed there or usage must be asked for. */
function payload(c: ModelCall, r: Forwarding, target: RouteTarget): Buffer {
  const rename = target.model !== '' && target.upstream.azureApiVersion === null ? target.model : null;
  if (r.body) {
    if (!rename && !r.strip && !r.rewrite) return c.raw;
    const next = { ...r.body };
    if (rename) next.model = rename;
    if (r.strip) next.stream_options = { ...(r.body.stream_options ?? {}), include_usage: true };
    return Buffer.from(JSON.stringify(next));
  }
  if (rename && r.boundary) {
    const span = multipartField(c.raw, r.boundary, 'model');
    if (span) return replaceField(c.raw, span, rename);
  }
  return c.raw;
}

async function readAll(body: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}

async function drain(body: Attempt['body']): Promise<void> {
  try {
    if (body.dump) await body.dump();
    else for await (const _ of body) void _;
  } catch {
    /* nothing to keep */
  }
}

function waitDrain(res: ServerResponse, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    res.on('drain', done);
    signal?.addEventListener('abort', done);
  });
}

function writeError(c: ModelCall, error: ApiError, headers: Record<string, string>): void {
  if (c.res.headersSent || c.res.destroyed) return;
  const bytes = Buffer.from(JSON.stringify(error.toBody()));
  c.res.writeHead(error.status, { ...headers, 'x-request-id': c.requestId, 'content-type': 'application/json', 'content-length': String(bytes.length) });
  c.res.end(bytes);
}

/** An upstream's error passes through with its status; a body not in OpenAI's shape is put into it. */
function writeUpstreamError(c: ModelCall, status: number, bytes: Buffer, contentType: string, out: Record<string, string>): void {
  let shaped = false;
  if (contentType.startsWith('application/json')) {
    try {
      const parsed = JSON.parse(bytes.toString('utf8'));
      shaped = typeof parsed?.error?.message === 'string';
    } catch {
      shaped = false;
    }
  }
  const body = shaped
    ? bytes
    : Buffer.from(JSON.stringify(new ApiError(status, `The upstream provider answered ${status}.`, status >= 500 ? 'server_error' : 'invalid_request_error', null, null).toBody()));
  c.res.writeHead(status, { ...out, 'content-type': 'application/json', 'content-length': String(body.length) });
  c.res.end(body);
}
