import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../platform/context.js';
import { forbidden, unauthorized } from '../platform/errors.js';
import { resolveKey, touchKeyOnce } from '../core/keys/store.js';
import type { Principal } from '../core/keys/principal.js';
import type { KeyTable } from '../core/keys/key-table.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

function redactForMessage(secret: string): string {
  return secret.length <= 12 ? '***' : `${secret.slice(0, 8)}***${secret.slice(-4)}`;
}

/** Resolves `Authorization: Bearer <key>` to a live key, or throws 401. Maintains `last_used_at`. */
export async function authenticate(ctx: AppContext, request: FastifyRequest, keys?: KeyTable): Promise<Principal> {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) {
    throw unauthorized(
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      null,
    );
  }
  const secret = match[1];
  const now = ctx.clock.now();
  if (keys) {
    // From memory (core/keys): no database query on the request's path.
    const found = keys.resolve(secret);
    const entry = found instanceof Promise ? await found : found;
    if (!entry || keys.expired(entry, now)) throw unauthorized(`Incorrect API key provided: ${redactForMessage(secret)}.`);
    await keys.touch(entry, now);
    return entry.principal;
  }
  const resolved = await resolveKey(ctx.db, secret);
  if (!resolved || (resolved.expiresAt !== null && resolved.expiresAt <= now)) {
    throw unauthorized(`Incorrect API key provided: ${redactForMessage(secret)}.`);
  }
  // Second granularity: at most one write per key per second, whatever the request rate.
  if (resolved.lastUsedAt === null || resolved.lastUsedAt < now) await touchKeyOnce(ctx.db, ctx.writer, resolved.principal.keyId, now);
  return resolved.principal;
}

/**
 * Guards every route registered in `app` (an encapsulated plugin scope): only live admin keys pass.
 * Project and service-account keys are real but not allowed here: 403.
 */
export function requireAdminKey(app: FastifyInstance, ctx: AppContext, keys?: KeyTable): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    const principal = await authenticate(ctx, request, keys);
    if (principal.kind !== 'admin') {
      throw forbidden('This endpoint requires an admin API key (sk-admin-...). Project and service account API keys cannot be used for the Administration API.');
    }
    request.principal = principal;
  });
}

/** The authenticated admin principal of a request on a guarded route. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized('Not authenticated.');
  return request.principal;
}
