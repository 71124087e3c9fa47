import type { FastifyInstance } from 'fastify';

/** A check that has not answered by then has failed (a database that hangs is not ready). */
const CHECK_TIMEOUT_MS = 2000;

/** One readiness condition: resolves to a problem (a short sentence), or undefined when met. */
export type ReadinessCheck = () => Promise<string | undefined>;

/**
 * Whether the server should get traffic: every registered check passes (database reachable,
 * migrations applied, upstream configuration loaded, …) and it is not shutting down. Built in the
 * composition root; the parts that own a condition add its check.
 */
export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();
  private draining = false;

  add(name: string, check: ReadinessCheck): this {
    this.checks.set(name, check);
    return this;
  }

  /** From now on the server reports not ready (SIGTERM: load balancers stop sending traffic). */
  drain(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** Runs every check; `problems` names each failed one. */
  async evaluate(): Promise<{ ready: boolean; checks: Record<string, string> }> {
    const checks: Record<string, string> = {};
    if (this.draining) checks.shutdown = 'shutting down';
    await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        let problem: string | undefined;
        let timer: NodeJS.Timeout | undefined;
        try {
          const timeout = new Promise<string>((resolve) => {
            timer = setTimeout(() => resolve(`no answer within ${CHECK_TIMEOUT_MS} ms`), CHECK_TIMEOUT_MS);
          });
          problem = await Promise.race([check(), timeout]);
        } catch (err) {
          problem = err instanceof Error ? err.message : String(err);
        } finally {
          clearTimeout(timer);
        }
        checks[name] = problem ?? 'ok';
      }),
    );
    return { ready: Object.values(checks).every((v) => v === 'ok'), checks };
  }
}

/** GET /healthz: the process is alive and serving. GET /readyz: 200 when ready, else 503 naming what is not. */
export function installHealthRoutes(app: FastifyInstance, readiness: Readiness): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const { ready, checks } = await readiness.evaluate();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
  });
}
