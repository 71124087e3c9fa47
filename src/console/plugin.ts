import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../core/keys/principal.js';
import { ApiError, unauthorized } from '../platform/errors.js';
import { type ConsoleSessions, checkCsrf, SESSION_COOKIE } from './sessions.js';

/** How the web console is served (compose.ts). */
export interface ConsoleOptions {
  /** How long a console session lasts from sign-in, in seconds (default 8 hours). */
  sessionTtlSeconds?: number;
  /** Where the built console is (default: dist/console of the package). */
  assetsDir?: string;
}

export interface ConsolePluginOptions {
  sessions: ConsoleSessions;
  /** The built console (index.html and assets/); default: dist/console of the package. */
  assetsDir?: string;
}

/** The package's root: the nearest folder above this file holding package.json (works from src/ and dist/). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

export const defaultAssetsDir = () => join(packageRoot(), 'dist', 'console');

const IMMUTABLE = 'public, max-age=31536000, immutable';
// The console loads only its own scripts and styles and talks only to this server.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

function sessionView(session: { csrfToken: string; expiresAt: number; principal: Principal }, now: number) {
  const owner = session.principal.owner;
  return {
    object: 'console.session',
    csrf_token: session.csrfToken,
    expires_at: session.expiresAt,
    api_key_id: session.principal.keyId,
    server_time: now,
    user: owner.type === 'user' ? { id: owner.id, name: owner.name, email: owner.email, role: owner.role } : null,
  };
}

/** Serves the console on the server's root: cookies (its sessions also stand for admin keys on /v1), then its routes. */
export async function serveConsole(app: FastifyInstance, options: ConsolePluginOptions): Promise<void> {
  await app.register(cookie);
  await app.register(consolePlugin, options);
}

/**
 * The web console: its static assets under /console (hashed files cached for a year, the page
 * itself revalidated), and the session endpoints under /console/api/session (sign in, who am I,
 * sign out). Everything else the console does goes through the public admin API under /v1.
 */
export async function consolePlugin(app: FastifyInstance, options: ConsolePluginOptions): Promise<void> {
  const { sessions } = options;
  const assetsDir = options.assetsDir ?? defaultAssetsDir();

  app.addHook('onSend', async (request, reply) => {
    if (!request.url.startsWith('/console')) return;
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    if (!request.url.startsWith('/console/api/')) reply.header('content-security-policy', CSP);
  });

  const setCookie = (request: FastifyRequest, reply: FastifyReply, value: string, maxAge: number) => {
    reply.setCookie(SESSION_COOKIE, value, { httpOnly: true, sameSite: 'strict', path: '/', secure: request.protocol === 'https', maxAge });
  };

  app.post('/console/api/session', { schema: { hide: true } }, async (request, reply) => {
    const body = request.body as { api_key?: unknown } | undefined;
    const session = await sessions.signIn(body?.api_key, request.ip);
    setCookie(request, reply, session.id, sessions.secondsLeft(session.expiresAt));
    reply.header('cache-control', 'no-store');
    return sessionView(session, sessions.now());
  });

  app.get('/console/api/session', { schema: { hide: true } }, async (request, reply) => {
    const id = request.cookies[SESSION_COOKIE];
    const session = id ? await sessions.find(id) : undefined;
    reply.header('cache-control', 'no-store');
    if (!session) {
      if (id) reply.clearCookie(SESSION_COOKIE, { path: '/' });
      throw unauthorized('Not signed in.', 'session_expired');
    }
    return sessionView(session, sessions.now());
  });

  app.delete('/console/api/session', { schema: { hide: true } }, async (request, reply) => {
    const id = request.cookies[SESSION_COOKIE];
    const session = id ? await sessions.find(id) : undefined;
    if (!session || !id) {
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      throw unauthorized('Not signed in.', 'session_expired');
    }
    checkCsrf(request, session.csrfToken);
    await sessions.signOut(id, { ...session.principal, session: { ipAddress: request.ip } });
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { object: 'console.session.deleted', deleted: true };
  });

  if (!existsSync(join(assetsDir, 'index.html'))) {
    app.get('/console/*', { schema: { hide: true } }, async (_request, reply) => {
      reply.code(503).type('text/plain; charset=utf-8');
      return 'The console is not built. Run `npm run build:console` (npm install does it), then restart orgplane.\n';
    });
    return;
  }

  await app.register(fastifyStatic, {
    root: assetsDir,
    prefix: '/console/',
    wildcard: false,
    index: false,
    cacheControl: false,
    setHeaders: (res, path) => {
      res.header('cache-control', path.includes(`${join('/', 'assets', '/')}`) ? IMMUTABLE : 'no-cache');
    },
  });
  // The console's pages are routes of one page: every other path under /console gets index.html.
  const page = async (_request: FastifyRequest, reply: FastifyReply) => {
    reply.header('cache-control', 'no-cache');
    return reply.sendFile('index.html');
  };
  app.get('/console/assets/*', { schema: { hide: true } }, async (request) => {
    throw new ApiError(404, `No such console asset: ${request.url}`, 'invalid_request_error', null, 'not_found');
  });
  app.get('/console', { schema: { hide: true } }, page);
  app.get('/console/*', { schema: { hide: true } }, page);
}
