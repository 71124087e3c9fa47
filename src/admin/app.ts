import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type RawReplyDefaultExpression, type RawRequestDefaultExpression, type RawServerDefault } from 'fastify';
import qs from 'qs';
import { requireAdminKey } from './auth.js';
import type { AppContext } from '../platform/context.js';
import { installErrorHandlers } from '../platform/errors.js';
import { validatorCompiler } from '../platform/validation.js';
import { adminModules } from './index.js';
import { installHealthRoutes, Readiness } from '../platform/health.js';
import { installObservability } from '../platform/observability.js';
import type { LiveTables } from '../core/live.js';
import { DataPlane, type DataPlaneOptions } from '../gateway/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The data plane, when the app serves one. */
    dataPlane?: DataPlane;
  }
}

/** The Fastify instance type every route module receives (TypeBox-typed). */
export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

export interface AppOptions {
  ctx: AppContext;
  logger?: boolean | object;
  bodyLimit?: number;
  /** What /readyz checks (and whether the server is draining); none: ready while serving. */
  readiness?: Readiness;
  /** Bearer token GET /metrics requires (ORGPLANE_METRICS_TOKEN); none: open. */
  metricsToken?: string;
  /** The in-memory key and limit tables: keys are then resolved from memory, not the database. */
  live?: LiveTables;
  /** The data plane (inference endpoints), served beside the Administration API under /v1 (needs `live`). */
  gateway?: Omit<DataPlaneOptions, 'ctx' | 'live' | 'log'>;
  /** Runs when the app closes, after in-flight requests finish (e.g. closing the database). */
  onClose?: () => Promise<void>;
}

/**
 * Parses query strings the way the official SDKs write them: `ids[]=a&ids[]=b`, repeated
 * `ids=a&ids=b`, and nested `effective_at[gte]=...`.
 */
function parseQuery(input: string): Record<string, unknown> {
  return qs.parse(input, { depth: 2, arrayLimit: 1000, parameterLimit: 2000, allowPrototypes: false }) as Record<string, unknown>;
}

export async function buildApp(options: AppOptions): Promise<App> {
  const { ctx } = options;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // One access-log line per request, written by installObservability.
    logController: new LogController({ disableRequestLogging: true }),
    // 122 random bits per request; randomUUID draws from a pooled CSPRNG buffer, so it is cheap.
    genReqId: () => `req_${randomUUID().replaceAll('-', '')}`,
    routerOptions: { querystringParser: parseQuery, ignoreTrailingSlash: true },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  installErrorHandlers(app);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'orgplane — OpenAI Administration API',
        version: '0.1.0',
        description: 'Self-hosted OpenAI Administration API. Operations tagged "Extensions" are orgplane extensions beyond OpenAI\'s API.',
      },
      servers: [{ url: '/v1' }],
      components: { securitySchemes: { AdminApiKeyAuth: { type: 'http', scheme: 'bearer' } } },
      security: [{ AdminApiKeyAuth: [] }],
    },
    transform: ({ schema, url }) => ({ schema, url: url.startsWith('/v1/') ? url.slice(3) : url }),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  installObservability(app as unknown as FastifyInstance, { metrics: ctx.metrics, metricsToken: options.metricsToken });
  installHealthRoutes(app as unknown as FastifyInstance, options.readiness ?? new Readiness());

  await app.register(
    async (v1) => {
      requireAdminKey(v1 as unknown as FastifyInstance, ctx, options.live?.keys);
      const live = options.live;
      if (live) {
        // A change made here is in this replica's key and limit tables before its answer goes out.
        v1.addHook('onSend', async (request, _reply, payload) => {
          if (request.method !== 'GET') await live.refreshNow();
          return payload;
        });
      }
      for (const register of adminModules) register(v1 as App, ctx);
    },
    { prefix: '/v1' },
  );
  let dataPlane: DataPlane | undefined;
  if (options.gateway && options.live) {
    const plane = (dataPlane = new DataPlane({ ...options.gateway, ctx, live: options.live, log: app.log }));
    app.decorate('dataPlane', plane);
    await app.register(async (v1) => plane.register(v1 as unknown as FastifyInstance), { prefix: '/v1' });
  }

  app.addHook('onClose', async () => {
    // In-flight requests have finished: the usage still buffered is written, then the rest closes.
    await dataPlane?.close();
    await options.live?.close();
    await options.onClose?.();
  });
  await app.ready();
  return app;
}
