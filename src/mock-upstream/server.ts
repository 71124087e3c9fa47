// A deterministic OpenAI-compatible upstream for tests, demos and benchmarks: plain node:http,
// every inference endpoint the gateway serves (streaming too), usage computed from the request,
// configurable latency, failure rate and forced failures, and a record of what it received.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { embeddings, getModel, imageEdits, imageGenerations, listModels, moderations, PNG, speech, transcribe } from './media.js';
import { defaultFailureBody, errorBody, MockError, type MockRequest, MockState, type Reply } from './protocol.js';
import { seededRandom } from './tokens.js';
import { chatCompletions, completions, createResponse, deleteResponse, getResponse, listInputItems } from './text.js';

export interface MockUpstreamOptions {
  /** 0 = ephemeral (tests); default 9090. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Added before the first byte of every answer; default 0. */
  latencyMs?: number;
  /** 0..1: the fraction of requests answered 500, drawn from a generator seeded by `seed`. */
  failureRate?: number;
  seed?: number;
  /** If set, requests without `Authorization: Bearer <apiKey>` (or Azure's `api-key: <apiKey>`) get 401. */
  apiKey?: string;
  /** Delay between SSE chunks (tests of disconnects); default 0. */
  streamChunkDelayMs?: number;
  /** Delay between the headers and the body of a successful JSON answer (tests of disconnects); default 0. */
  bodyDelayMs?: number;
  /** Keep every request in `received`; default true (the CLI turns it off: a long run would grow without bound). */
  recordRequests?: boolean;
}

export interface ReceivedRequest {
  method: string;
  /** The request target as sent: path and query string. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The parsed body when it was JSON. */
  json?: unknown;
}

export interface MockUpstream {
  /** Base URL including /v1, e.g. http://127.0.0.1:9090/v1. */
  url: string;
  close(): Promise<void>;
  /** Every request, in order. */
  received: ReceivedRequest[];
  /** Requests whose client went away before the response ended. */
  aborted: number;
  /** Answers fully sent that reported usage, and the input / output tokens they reported (also at GET /mock/stats). */
  reported: { responses: number; inputTokens: number; outputTokens: number };
  /** Forces the next `count` (default 1) answers to `status` with `body` (default: OpenAI's error for that status); null clears. */
  setFailure(next: { status: number; body?: unknown; count?: number } | null): void;
}

type Route = (req: MockRequest, state: MockState, origin: string) => Reply | Promise<Reply>;

const POST_ROUTES: Record<string, Route> = {
  '/v1/chat/completions': (req, state) => chatCompletions(req, state),
  '/v1/completions': (req, state) => completions(req, state),
  '/v1/responses': (req, state) => createResponse(req, state),
  '/v1/embeddings': (req, state) => embeddings(req, state),
  '/v1/moderations': (req, state) => moderations(req, state),
  '/v1/images/generations': (req, _state, origin) => imageGenerations(req, origin),
  '/v1/images/edits': (req, _state, origin) => imageEdits(req, origin),
  '/v1/audio/speech': (req) => speech(req),
  '/v1/audio/transcriptions': (req) => transcribe(req, 'transcribe'),
  '/v1/audio/translations': (req) => transcribe(req, 'translate'),
};

function route(req: MockRequest): Route {
  const { method, pathname } = req;
  if (method === 'POST') {
    const handler = POST_ROUTES[pathname];
    if (handler) return handler;
  } else if (method === 'GET' || method === 'DELETE') {
    if (method === 'GET' && pathname === '/v1/models') return () => listModels();
    if (method === 'GET' && pathname === '/mock-images/image.png') return () => ({ kind: 'bytes', contentType: 'image/png', body: PNG });
    const parts = pathname.split('/');
    // /v1/models/{id}
    if (method === 'GET' && parts.length === 4 && parts[2] === 'models') return () => getModel(decodeURIComponent(parts[3]));
    // /v1/responses/{id} and /v1/responses/{id}/input_items
    if (parts[2] === 'responses' && parts.length === 4) {
      const id = decodeURIComponent(parts[3]);
      return method === 'GET' ? (_req, state) => getResponse(id, state) : (_req, state) => deleteResponse(id, state);
    }
    if (method === 'GET' && parts[2] === 'responses' && parts.length === 5 && parts[4] === 'input_items') {
      const id = decodeURIComponent(parts[3]);
      return (r, state) => listInputItems(id, r, state);
    }
  }
  throw new MockError(404, `Invalid URL (${method} ${pathname})`);
}

/** Azure OpenAI paths (`/openai/deployments/{deployment}/chat/completions?api-version=…`) map onto /v1. */
const AZURE = /^\/openai\/deployments\/([^/]+)(\/.*)$/;

export async function startMockUpstream(options: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const state = new MockState();
  const random = seededRandom(options.seed ?? 1);
  const failureRate = options.failureRate ?? 0;
  const latencyMs = options.latencyMs ?? 0;
  const chunkDelayMs = options.streamChunkDelayMs ?? 0;
  const bodyDelayMs = options.bodyDelayMs ?? 0;
  const record = options.recordRequests ?? true;
  const authorization = options.apiKey === undefined ? undefined : `Bearer ${options.apiKey}`;
  let forced: { status: number; body: string; count: number } | null = null;
  let origin = '';

  const mock: MockUpstream = {
    url: '',
    received: [],
    aborted: 0,
    reported: { responses: 0, inputTokens: 0, outputTokens: 0 },
    close: () => new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    }),
    setFailure(next) {
      forced = next && {
        status: next.status,
        body: next.body === undefined ? defaultFailureBody(next.status) : typeof next.body === 'string' ? next.body : JSON.stringify(next.body),
        count: next.count ?? 1,
      };
    },
  };

  /** GET /mock/stats: what the mock counted, for a client in another process (e.g. a benchmark). */
  let requests = 0;
  const stats = () => JSON.stringify({ requests, aborted: mock.aborted, reported: mock.reported });

  /** The failure to answer instead of the endpoint, if any. */
  function failure(headers: IncomingMessage['headers']): { status: number; body: string } | undefined {
    if (forced) {
      const answer = forced;
      if (--forced.count <= 0) forced = null;
      return answer;
    }
    if (authorization !== undefined && headers.authorization !== authorization && headers['api-key'] !== options.apiKey) {
      return {
        status: 401,
        body: errorBody(`Incorrect API key provided: ${headers.authorization ? 'the one given' : 'none'}. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_request_error', null, 'invalid_api_key'),
      };
    }
    if (failureRate > 0 && random() < failureRate) return { status: 500, body: defaultFailureBody(500) };
    return undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    let pathname = q < 0 ? target : target.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : target.slice(q + 1));
    let deployment: string | undefined;
    const azure = AZURE.exec(pathname);
    if (azure) {
      deployment = decodeURIComponent(azure[1]);
      pathname = `/v1${azure[2]}`;
    }
    if (pathname === '/mock/stats' && req.method === 'GET') return sendBytes(res, 200, 'application/json', stats());
    requests++;
    const contentType = req.headers['content-type'] ?? '';
    let parsed: Record<string, unknown> | undefined;
    if (body.length > 0 && contentType.startsWith('application/json')) {
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        parsed = undefined;
      }
    }
    if (record) mock.received.push({ method: req.method ?? 'GET', path: target, headers: req.headers, body, json: parsed });
    if (latencyMs > 0) {
      await sleep(latencyMs);
      if (res.destroyed) return;
    }
    const failed = failure(req.headers);
    if (failed) return sendBytes(res, failed.status, 'application/json', failed.body);
    let reply: Reply;
    try {
      const request: MockRequest = { method: req.method ?? 'GET', pathname, query, contentType, body, json: parsed, deployment };
      reply = await route(request)(request, state, origin);
    } catch (err) {
      if (!(err instanceof MockError)) throw err;
      return sendBytes(res, err.status, 'application/json', err.body());
    }
    const usage = reply.usage;
    if (usage) {
      res.once('finish', () => {
        mock.reported.responses++;
        mock.reported.inputTokens += usage.input;
        mock.reported.outputTokens += usage.output;
      });
    }
    if (reply.kind === 'json' && bodyDelayMs > 0) return sendDelayed(res, reply.status ?? 200, reply.body);
    if (reply.kind === 'json') return sendBytes(res, reply.status ?? 200, 'application/json', reply.body);
    if (reply.kind === 'bytes') return sendBytes(res, reply.status ?? 200, reply.contentType, reply.body);
    await sendEvents(res, reply.frames);
  }

  function sendBytes(res: ServerResponse, status: number, contentType: string, body: string | Buffer): void {
    res.writeHead(status, {
      'content-type': contentType,
      'content-length': typeof body === 'string' ? Buffer.byteLength(body) : body.length,
      'x-request-id': state.id('req_'),
    });
    res.end(body);
  }

  /** Headers first; the body `bodyDelayMs` later. */
  async function sendDelayed(res: ServerResponse, status: number, body: string): Promise<void> {
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-request-id': state.id('req_') });
    res.flushHeaders();
    await sleep(bodyDelayMs);
    if (!res.destroyed) res.end(body);
  }

  async function sendEvents(res: ServerResponse, frames: string[]): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': state.id('req_') });
    if (chunkDelayMs <= 0) {
      res.cork();
      for (const frame of frames) res.write(frame);
      res.uncork();
      res.end();
      return;
    }
    for (const frame of frames) {
      if (res.destroyed) return;
      res.write(frame);
      await sleep(chunkDelayMs);
    }
    if (!res.destroyed) res.end();
  }

  const server = createServer((req, res) => {
    res.once('close', () => {
      if (!res.writableFinished) mock.aborted++;
    });
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => {
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      handle(req, res, body).catch((err: unknown) => {
        if (res.headersSent) return void res.destroy();
        sendBytes(res, 500, 'application/json', errorBody(`Mock upstream failure: ${err instanceof Error ? err.message : String(err)}`, 'server_error'));
      });
    });
  });
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 9090, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  origin = `http://${host}:${address.port}`;
  mock.url = `${origin}/v1`;
  return mock;
}
