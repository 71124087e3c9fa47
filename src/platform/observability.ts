import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { unauthorized } from './errors.js';
import type { Metrics } from './metrics.js';

export interface ObservabilityOptions {
  metrics: Metrics;
  /** When set, GET /metrics requires `Authorization: Bearer <token>` (ORGPLANE_METRICS_TOKEN). */
  metricsToken?: string;
}

/** The route template a request matched (bounded), or `unmatched` for paths no route serves. */
function routeOf(request: FastifyRequest): string {
  return request.routeOptions?.url ?? 'unmatched';
}

/** SHA-256 both sides so that the comparison takes the same time whatever the lengths. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Every request: one JSON access-log line (method, route template, URL path without the query,
 * status, latency, request ID through the logger's binding, key ID — never a key) and the HTTP
 * metrics. Serves GET /metrics in Prometheus' text format.
 */
export function installObservability(app: FastifyInstance, options: ObservabilityOptions): void {
  const { metrics, metricsToken } = options;
  app.addHook('onResponse', async (request, reply) => {
    const route = routeOf(request);
    const status = reply.statusCode;
    const seconds = reply.elapsedTime / 1000;
    const labels = { route, method: request.method, status: String(status) };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, seconds);
    const principal = (request as { principal?: { keyId: string } | null }).principal;
    request.log.info(
      {
        method: request.method,
        route,
        path: request.url.split('?', 1)[0],
        status,
        latency_ms: Math.round(reply.elapsedTime * 100) / 100,
        key_id: principal?.keyId ?? null,
      },
      'request',
    );
  });

  app.get('/metrics', {
    schema: {
      operationId: 'metrics',
      summary: 'Scrape Prometheus metrics',
      description:
        'Returns the metrics in the Prometheus text format: HTTP requests by route, gateway traffic, usage ingestion, database queues and the process. ' +
        'With ORGPLANE_METRICS_TOKEN set, the token is required as a bearer token. See docs/operations.md for the list.',
      tags: ['Operations'],
      security: [{}, { MetricsToken: [] }],
    },
  }, async (request, reply) => {
    if (metricsToken !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
      if (!match || !sameSecret(match[1], metricsToken)) throw unauthorized('A valid metrics token is required: Authorization: Bearer <ORGPLANE_METRICS_TOKEN>.', 'invalid_metrics_token');
    }
    const { contentType, body } = await metrics.expose();
    return reply.type(contentType).send(body);
  });
}
