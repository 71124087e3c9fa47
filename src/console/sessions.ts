import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { SessionAuthenticator } from '../admin/auth.js';
import type { Core } from '../core/index.js';
import type { Principal } from '../core/keys/principal.js';
import { writeAudit } from '../core/audit.js';
import { inTransaction } from '../core/context.js';
import { ApiError, badRequest, forbidden } from '../platform/errors.js';

/** The cookie that carries the session ID. */
export const SESSION_COOKIE = 'orgplane_session';
/** The header that carries the session's CSRF token on state-changing requests. */
export const CSRF_HEADER = 'x-csrf-token';

export interface ConsoleSessionOptions {
  /** How long a session lasts from sign-in, in seconds. */
  ttlSeconds: number;
}

export interface OpenedSession {
  /** The session ID: goes into the cookie, never stored (only its hash is). */
  id: string;
  csrfToken: string;
  expiresAt: number;
  principal: Principal;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

function sameToken(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

const sessionEnded = () =>
  new ApiError(401, 'Your console session has ended (signed out, expired, or its admin key is no longer valid). Sign in again.', 'invalid_request_error', null, 'session_expired');

/**
 * Console sessions: an admin key exchanged for a random session ID held in an HttpOnly cookie.
 * The database keeps the ID's hash, the key's ID and a CSRF token, so every replica knows every
 * session. Each request re-resolves the key: a deleted or expired key, a removed owner or an owner
 * who is no longer an organization owner ends the session.
 */
export class ConsoleSessions {
  constructor(
    private readonly ctx: Core,
    private readonly options: ConsoleSessionOptions,
  ) {}

  /** Exchanges an admin key for a new session (and records `login.succeeded`). */
  async signIn(apiKey: unknown, ipAddress: string): Promise<OpenedSession> {
    if (typeof apiKey !== 'string' || apiKey.trim() === '') throw badRequest('Enter an admin API key (sk-admin-...).', 'api_key', 'missing_required_parameter');
    const principal = await this.ctx.keys.use(await this.ctx.keys.resolve(apiKey.trim()));
    if (!principal) throw new ApiError(401, 'Incorrect API key provided.', 'invalid_request_error', 'api_key', 'invalid_api_key');
    if (principal.kind !== 'admin') {
      throw new ApiError(403, 'The console needs an admin API key (sk-admin-...); project and service account keys cannot sign in.', 'invalid_request_error', 'api_key', 'insufficient_permissions');
    }
    if (!this.isOwner(principal)) throw new ApiError(403, "This admin key's owner is not an owner of the organization.", 'invalid_request_error', 'api_key', 'insufficient_permissions');
    const now = this.ctx.clock.now();
    const id = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const expiresAt = now + this.options.ttlSeconds;
    await inTransaction(this.ctx, async (tx) => {
      await tx.deleteFrom('console_sessions').where('expires_at', '<=', now).execute();
      await tx.insertInto('console_sessions').values({ id_hash: sha256(id), key_id: principal.keyId, csrf_token: csrfToken, created_at: now, expires_at: expiresAt }).execute();
      await writeAudit(tx, this.ctx.clock, { ...principal, session: { ipAddress } }, { type: 'login.succeeded', resourceId: null, details: {} });
    });
    return { id, csrfToken, expiresAt, principal };
  }

  /** The live session with this ID and what it stands for, or undefined (and a dead one is deleted). */
  async find(id: string): Promise<{ principal: Principal; csrfToken: string; expiresAt: number } | undefined> {
    const idHash = sha256(id);
    const row = await this.ctx.db.selectFrom('console_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
    if (!row) return undefined;
    const expiresAt = Number(row.expires_at);
    const principal = expiresAt > this.ctx.clock.now() ? await this.ctx.keys.use(await this.ctx.keys.resolveById(row.key_id)) : undefined;
    if (!principal || principal.kind !== 'admin' || !this.isOwner(principal)) {
      await inTransaction(this.ctx, (tx) => tx.deleteFrom('console_sessions').where('id_hash', '=', idHash).execute());
      return undefined;
    }
    return { principal, csrfToken: row.csrf_token, expiresAt };
  }

  /** The server's clock, in Unix seconds. */
  now(): number {
    return this.ctx.clock.now();
  }

  /** Seconds until `expiresAt` (for the cookie's Max-Age). */
  secondsLeft(expiresAt: number): number {
    return Math.max(0, expiresAt - this.ctx.clock.now());
  }

  /** Ends a session (and records `logout.succeeded`). */
  async signOut(id: string, principal: Principal): Promise<void> {
    await inTransaction(this.ctx, async (tx) => {
      await tx.deleteFrom('console_sessions').where('id_hash', '=', sha256(id)).execute();
      await writeAudit(tx, this.ctx.clock, principal, { type: 'logout.succeeded', resourceId: null, details: {} });
    });
  }

  /**
   * Authenticates a request by its session cookie: null without one; 401 when the session is
   * unknown, expired or its key no longer valid; 403 when a state-changing request lacks the
   * session's CSRF token.
   */
  authenticate: SessionAuthenticator = async (request: FastifyRequest) => {
    const id = request.cookies?.[SESSION_COOKIE];
    if (!id) return null;
    const session = await this.find(id);
    if (!session) throw sessionEnded();
    if (!SAFE_METHODS.has(request.method)) checkCsrf(request, session.csrfToken);
    // The key acts through the session: audit events name the session (user and IP address).
    return { ...session.principal, session: { ipAddress: request.ip } };
  };

  private isOwner(principal: Principal): boolean {
    return principal.owner.type === 'user' && principal.owner.role === 'owner';
  }
}

/** Throws 403 unless the request carries the session's CSRF token in its header. */
export function checkCsrf(request: FastifyRequest, csrfToken: string): void {
  const sent = request.headers[CSRF_HEADER];
  if (typeof sent !== 'string' || !sameToken(sent, csrfToken)) {
    throw forbidden(`Missing or wrong CSRF token: requests that change something must send the session's token in the ${CSRF_HEADER} header.`, 'csrf_token_invalid');
  }
}
