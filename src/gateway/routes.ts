import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { KeyEntry, KeyTable } from '../core/keys/key-table.js';
import type { Clock } from '../platform/clock.js';
import { ApiError, unauthorized } from '../platform/errors.js';
import { ENDPOINTS, MODEL_READ, RESPONSES_READ, RESPONSES_WRITE } from './endpoints.js';
import { type Gateway, missingPermission, modelNotFound } from './gateway.js';
import { gatewayOperation, modelOperation } from './openapi.js';
import type { ResponseOwners } from './response-owners.js';

declare module 'fastify' {
  interface FastifyRequest {
    gatewayKey: KeyEntry | null;
  }
}

export interface GatewayRoutesOptions {
  gateway: Gateway;
  keys: KeyTable;
  owners: ResponseOwners;
  clock: Clock;
  /** Largest accepted request body (uploads included), in bytes. */
  bodyLimit: number;
}

const NO_KEY =
  "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).";

function redacted(secret: string): string {
  return secret.length <= 12 ? '***' : `${secret.slice(0, 8)}***${secret.slice(-4)}`;
}

/**
 * The data plane's HTTP side, under /v1 beside the Administration API: OpenAI's inference
 * endpoints for project and service-account keys. Authentication answers from the in-memory key
 * table; request bodies are taken as bytes (forwarded as they came).
 */
export async function gatewayRoutes(app: FastifyInstance, o: GatewayRoutesOptions): Promise<void> {
  const { gateway, keys, owners, clock } = o;
  app.decorateRequest('gatewayKey', null);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: o.bodyLimit }, (_req, body, done) => done(null, body));

  const refuse = (secret: string) => unauthorized(`Incorrect API key provided: ${redacted(secret)}. You can find your API key in your organization's key management.`);
  const accept = (request: FastifyRequest, secret: string, entry: KeyEntry | undefined): void => {
    const now = clock.now();
    if (!entry || entry.principal.kind !== 'project' || entry.dead !== null || keys.expired(entry, now)) throw refuse(secret);
    keys.touch(entry, now);
    request.gatewayKey = entry;
  };
  app.addHook('onRequest', (request, _reply, done) => {
    const header = request.headers.authorization;
    const space = header ? header.indexOf(' ') : -1;
    if (!header || space < 0 || header.slice(0, space).toLowerCase() !== 'bearer') return done(unauthorized(NO_KEY, null));
    const secret = header.slice(space + 1).trim();
    try {
      const found = keys.resolve(secret);
      if (found instanceof Promise) {
        found.then((entry) => {
          try {
            accept(request, secret, entry);
            done();
          } catch (err) {
            done(err as Error);
          }
        }, done);
        return;
      }
      accept(request, secret, found);
      done();
    } catch (err) {
      done(err as Error);
    }
  });

  const keyOf = (request: FastifyRequest): KeyEntry => request.gatewayKey!;
  const requirePermission = (key: KeyEntry, permission: string) => {
    if (!key.permissions.has(permission)) throw missingPermission(permission, key.principal.projectId!);
  };

  for (const endpoint of ENDPOINTS) {
    app.post(endpoint.path, { schema: modelOperation(endpoint.path) }, async (request: FastifyRequest, reply: FastifyReply) => {
      const headers: Record<string, string> = {};
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      try {
        await gateway.call(
          { endpoint, key: keyOf(request), requestId: request.id, contentType: request.headers['content-type'], accept: request.headers.accept, raw, res: reply.raw },
          headers,
        );
      } catch (err) {
        if (!reply.raw.headersSent) {
          reply.headers(headers);
          throw err;
        }
        request.log.error({ err }, 'gateway request failed after the answer began');
      }
      // The answer was written to the socket directly.
      return reply.hijack();
    });
  }

  app.get('/models', { schema: gatewayOperation('GET', '/models') }, async (request) => {
    const key = keyOf(request);
    requirePermission(key, MODEL_READ);
    return { object: 'list', data: gateway.servedModels(key.principal.projectId!).map(modelObject) };
  });
  app.get<{ Params: { model: string } }>('/models/:model', { schema: gatewayOperation('GET', '/models/{model}') }, async (request) => {
    const key = keyOf(request);
    requirePermission(key, MODEL_READ);
    const id = request.params.model;
    const model = gateway.servedModels(key.principal.projectId!).find((m) => m.id === id);
    if (!model) throw modelNotFound(id);
    return modelObject(model);
  });

  // Stored responses: only the project that created one through orgplane reaches it.
  const stored = async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, method: 'GET' | 'DELETE', suffix: string) => {
    const key = keyOf(request);
    requirePermission(key, method === 'GET' ? RESPONSES_READ : RESPONSES_WRITE);
    const routes = gateway.requireRoutes();
    const id = request.params.id;
    const owner = await owners.owner(id);
    if (!owner || owner.projectId !== key.principal.projectId) throw new ApiError(404, `Response with id '${id}' not found.`, 'invalid_request_error', null, 'not_found');
    const upstream = routes.upstreams.get(owner.upstream);
    if (!upstream) throw new ApiError(502, `The upstream that stored this response ('${owner.upstream}') is no longer configured.`, 'server_error', null, 'upstream_unreachable');
    const query = request.url.indexOf('?');
    const path = `/responses/${encodeURIComponent(id)}${suffix}${query >= 0 ? request.url.slice(query) : ''}`;
    let res;
    try {
      res = await gateway.send({ upstream, model: '' }, path, method, undefined, undefined, 'application/json', AbortSignal.timeout(upstream.timeoutMs));
    } catch {
      throw new ApiError(502, 'The upstream provider could not be reached.', 'server_error', null, 'upstream_unreachable');
    }
    const chunks: Buffer[] = [];
    for await (const chunk of res.body) chunks.push(chunk);
    if (method === 'DELETE' && res.status === 200) owners.forget(id);
    if (res.status === 401 || res.status === 403) throw new ApiError(502, 'The upstream provider refused the credentials orgplane is configured with.', 'server_error', null, 'upstream_auth_failed');
    reply.status(res.status).header('content-type', String(res.headers['content-type'] ?? 'application/json'));
    return reply.send(Buffer.concat(chunks));
  };
  app.get<{ Params: { id: string } }>('/responses/:id', { schema: gatewayOperation('GET', '/responses/{id}') }, (req, reply) => stored(req, reply, 'GET', ''));
  app.delete<{ Params: { id: string } }>('/responses/:id', { schema: gatewayOperation('DELETE', '/responses/{id}') }, (req, reply) => stored(req, reply, 'DELETE', ''));
  app.get<{ Params: { id: string } }>('/responses/:id/input_items', { schema: gatewayOperation('GET', '/responses/{id}/input_items') }, (req, reply) => stored(req, reply, 'GET', '/input_items'));
}

function modelObject(m: { id: string }) {
  return { id: m.id, object: 'model', created: 0, owned_by: 'system' };
}
