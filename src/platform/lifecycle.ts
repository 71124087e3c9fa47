import type { FastifyInstance } from 'fastify';
import type { Readiness } from './health.js';

export interface ShutdownOptions {
  /** SIGTERM: how long /readyz answers 503 before the server stops accepting connections, so that load balancers notice first. */
  drainDelayMs: number;
  /** Called with the exit code once the app has closed (default: process.exit). */
  exit?: (code: number) => void;
}

/**
 * SIGTERM: readiness fails at once, then after `drainDelayMs` the server stops accepting
 * connections, lets in-flight requests finish, closes (the database last) and exits 0. SIGINT
 * (Ctrl-C) skips the delay. A second signal while draining exits at once.
 */
export function handleShutdownSignals(app: FastifyInstance, readiness: Readiness, options: ShutdownOptions): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) {
      app.log.warn({ signal }, 'second signal while shutting down: exiting now');
      exit(1);
      return;
    }
    closing = true;
    readiness.drain();
    const delay = signal === 'SIGTERM' ? options.drainDelayMs : 0;
    app.log.info({ signal, drain_delay_ms: delay }, 'shutting down: not ready any more; draining');
    setTimeout(() => {
      app.close().then(
        () => {
          app.log.info('shut down');
          exit(0);
        },
        (err: unknown) => {
          app.log.error({ err }, 'shutdown failed');
          exit(1);
        },
      );
    }, delay);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
