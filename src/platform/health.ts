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
  app.get('/healthz', {
    schema: {
      operationId: 'healthz',
      summary: 'Check liveness',
      description: 'Answers 200 `{"status":"ok"}` while the process is serving; it checks nothing else. No key needed.',
      tags: ['Operations'],
      security: [],
    },
  }, async () => ({ status: 'ok' }));
  app.get('/readyz', {
    schema: {
      operationId: 'readyz',
      summary: 'Check readiness',
      description:
        'Answers 200 when the server should get traffic (database reachable, migrations applied, upstream configuration loaded), ' +
        'else 503 naming each failed check; after SIGTERM it answers 503 while in-flight requests drain. No key needed.',
      tags: ['Operations'],
      security: [],
    },
  }, async (_request, reply) => {
    const { ready, checks } = await readiness.evaluate();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
  });
}
