import type { FastifyInstance } from 'fastify';

/**
 * Request bodies are JSON, and only JSON: any other content type is refused with 415 (Fastify's
 * built-in text/plain parser is removed). A JSON content type with an empty body means "no body",
 * as the official SDKs send it on DELETEs and body-less POSTs; routes whose schema requires a body
 * then refuse it by validation.
 */
export function acceptJsonOnly(app: FastifyInstance): void {
  app.removeContentTypeParser('text/plain');
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if ((body as string).trim() === '') return done(null, undefined);
    return parseJson(request, body as string, done);
  });
}
