import type { FastifyInstance } from 'fastify';

/**
 * Replaces, on `app` (an encapsulated plugin context), the JSON body parser with one that parses
 * one body per turn of the event loop: parsing a body of several megabytes is a single synchronous
 * step, and bodies that finish arriving together are then not parsed back to back, which would
 * hold up every other request for the sum. Parsing itself is Fastify's (same limits, same
 * prototype-poisoning checks, same errors).
 */
export function parseJsonBodiesInTurns(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  const waiting: Array<() => void> = [];
  let parsing = false;
  const next = () => {
    const job = waiting.shift();
    parsing = job !== undefined;
    // An immediate queued from an immediate runs in the next turn of the loop, after timers and I/O.
    if (job) {
      setImmediate(() => {
        job();
        next();
      });
    }
  };
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    waiting.push(() => parse(req, body as string, done));
    if (!parsing) next();
  });
}
