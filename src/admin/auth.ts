import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Core } from '../core/index.js';
import type { KeyTable } from '../core/keys/key-table.js';
import type { Principal } from '../core/keys/principal.js';
import { forbidden, unauthorized } from '../platform/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

function redactForMessage(secret: string): string {
  return secret.length <= 12 ? '***' : `${secret.slice(0, 8)}***${secret.slice(-4)}`;
}

/** The secret of `Authorization: Bearer <key>`, or a 401. */
export function bearerSecret(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) {
    throw unauthorized(
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      null,
    );
  }
  return match[1];
}

/**
 * Resolves `Authorization: Bearer <key>` to a live key, or throws 401; maintains `last_used_at`.
 * With the in-memory key table (`keys`), from memory; otherwise through core/keys.
 */
export async function authenticate(core: Core, request: FastifyRequest, keys?: KeyTable): Promise<Principal> {
  const secret = bearerSecret(request);
  if (keys) {
    // From memory (core/keys): no database query on the request's path.
    const now = core.clock.now();
    const found = keys.resolve(secret);
    const entry = found instanceof Promise ? await found : found;
    if (!entry || keys.expired(entry, now)) throw unauthorized(`Incorrect API key provided: ${redactForMessage(secret)}.`);
    await keys.touch(entry, now);
    return entry.principal;
  }
  const principal = await core.keys.authenticate(secret);
  if (!principal) throw unauthorized(`Incorrect API key provided: ${redactForMessage(secret)}.`);
  return principal;
}

/**
 * Another way for a request to present its admin key: a console session (cookie), which stands
 * for the key it was opened with. Returns null when the request carries no session; throws when
 * it carries one that is not (or no longer) valid.
 */
export type SessionAuthenticator = (request: FastifyRequest) => Promise<Principal | null>;

/**
 * Guards every route registered in `app` (an encapsulated plugin scope): only live admin keys pass.
 * Project and service-account keys are real but not allowed here: 403.
 * With `session`, a console session cookie is accepted in place of the bearer key.
 */
export function requireAdminKey(app: FastifyInstance, core: Core, keys?: KeyTable, session?: SessionAuthenticator): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    // An Authorization header always wins; without one, a console session may stand for its key.
    const fromSession = session && request.headers.authorization === undefined ? await session(request) : null;
    const principal = fromSession ?? (await authenticate(core, request, keys));
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
