import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import qs from 'qs';
import type { Core } from '../core/index.js';
import { installErrorHandlers } from '../platform/errors.js';
import { acceptJsonOnly } from '../platform/http.js';
import { buildSerializer } from '../platform/serialization.js';
import { buildValidator } from '../platform/validation.js';
import { installHealthRoutes, Readiness } from '../platform/health.js';
import { installObservability } from '../platform/observability.js';
import type { App } from './app-type.js';
import { requirePermission } from './access.js';
import { requireAdminKey, type SessionAuthenticator } from './auth.js';
import { adminModules, adminSchemas } from './index.js';
import { createAdminServices } from './services.js';
import type { LiveTables } from '../core/live.js';

export type { App } from './app-type.js';

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;

/** Served paths outside /v1: the document gives them the root as their server. */
const ROOT_PATHS: readonly string[] = ['/healthz', '/readyz', '/metrics'];

export interface AdminAppOptions {
  logger?: boolean | object;
  bodyLimit?: number;
  /** What /readyz checks (and whether the server is draining); none: ready while serving. */
  readiness?: Readiness;
  /** Bearer token GET /metrics requires (ORGPLANE_METRICS_TOKEN); none: open. */
  metricsToken?: string;
  /** Another way to present an admin key: a console session (compose.ts: the web console's sessions). */
  session?: SessionAuthenticator;
  /** Registers other surfaces served beside the Administration API, before its routes (compose.ts: the web console). */
  surfaces?: (app: FastifyInstance) => Promise<void>;
  /** The in-memory key and limit tables: keys are then resolved from memory, not the database. */
  live?: LiveTables;
  /** Registers another plane's routes on the same server before it starts (compose.ts: the gateway). */
  planes?: (app: FastifyInstance) => Promise<void>;
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

/** The Administration API over `core`: its services constructed once, its routes under `/v1` (admin keys only). */
export async function buildAdminApp(core: Core, options: AdminAppOptions = {}): Promise<App> {
  const services = createAdminServices(core);
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // One access-log line per request, written by installObservability.
    logController: new LogController({ disableRequestLogging: true }),
    // 122 random bits per request; randomUUID draws from a pooled CSPRNG buffer, so it is cheap.
    genReqId: () => `req_${randomUUID().replaceAll('-', '')}`,
    routerOptions: { querystringParser: parseQuery, ignoreTrailingSlash: true },
    // Validators and serializers see the shared (named) schemas: a `$ref` to one is compiled as the
    // schema itself. (Fastify calls the compilers with the route's schema; its types describe Ajv's own.)
    schemaController: {
      compilersFactory: { buildValidator: buildValidator as unknown as CompilersFactory['buildValidator'], buildSerializer: buildSerializer as unknown as CompilersFactory['buildSerializer'] },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // The named schemas (components.schemas of the served document), before any route compiles.
  for (const schema of adminSchemas) app.addSchema(schema);
  installErrorHandlers(app);
  acceptJsonOnly(app as unknown as FastifyInstance);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'orgplane — OpenAI Administration API',
        version: '0.1.0',
        description:
          'Self-hosted OpenAI Administration API, with the OpenAI-compatible gateway beside it. ' +
          'Operations tagged "Extensions" are orgplane extensions beyond OpenAI\'s API.',
      },
      servers: [{ url: '/v1' }],
      components: {
        securitySchemes: {
          AdminApiKeyAuth: { type: 'http', scheme: 'bearer', description: 'An admin API key (sk-admin-…).' },
          ProjectApiKeyAuth: { type: 'http', scheme: 'bearer', description: 'A project or service-account API key (sk-proj-…, sk-svcacct-…): the gateway only.' },
          MetricsToken: { type: 'http', scheme: 'bearer', description: 'ORGPLANE_METRICS_TOKEN, when it is set.' },
        },
      },
      security: [{ AdminApiKeyAuth: [] }],
      tags: [
        { name: 'Gateway', description: 'The OpenAI-compatible data plane: model requests with project keys, forwarded to the configured upstreams.' },
        { name: 'Operations', description: 'Health, readiness and metrics, outside /v1 and without an admin key.' },
        { name: 'Extensions', description: 'orgplane extensions beyond OpenAI\'s API.' },
      ],
    },
    // A named schema appears as components.schemas.<its $id>, referenced by `$ref`.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    transform: ({ schema, url }) => ({ schema, url: url.startsWith('/v1/') ? url.slice(3) : url }),
    // Paths outside /v1 (health, metrics) are served from the root, not the /v1 server URL.
    transformObject: (document) => {
      if (!('openapiObject' in document)) return document.swaggerObject;
      const paths: Record<string, { servers?: Array<{ url: string }> } | undefined> = document.openapiObject.paths ?? {};
      for (const [path, item] of Object.entries(paths)) if (item && ROOT_PATHS.includes(path)) item.servers = [{ url: '/' }];
      return document.openapiObject;
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  if (options.surfaces) await options.surfaces(app as unknown as FastifyInstance);

  installObservability(app as unknown as FastifyInstance, { metrics: core.metrics, metricsToken: options.metricsToken });
  installHealthRoutes(app as unknown as FastifyInstance, options.readiness ?? new Readiness());

  await app.register(
    async (v1) => {
      requireAdminKey(v1 as unknown as FastifyInstance, core, options.live?.keys, options.session);
      requirePermission(v1 as unknown as FastifyInstance, core);
      const live = options.live;
      if (live) {
        // A change made here is in this replica's key and limit tables before its answer goes out.
        v1.addHook('onSend', async (request, _reply, payload) => {
          if (request.method !== 'GET') await live.refreshIfChanged();
          return payload;
        });
      }
      for (const register of adminModules) register(v1 as App, services);
    },
    { prefix: '/v1' },
  );
  if (options.planes) await options.planes(app as unknown as FastifyInstance);
  if (options.onClose) app.addHook('onClose', options.onClose);
  await app.ready();
  return app;
}
