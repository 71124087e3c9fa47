import { Readable } from 'node:stream';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import type { App } from '../../app.js';
import type { AppContext } from '../../../platform/context.js';
import { errorResponses } from '../../../platform/schemas.js';
import { UsageIngestion } from '../../../core/usage/ingestion.js';
import { KINDS, USAGE_KINDS } from '../../../core/usage/kinds.js';
import { IngestBody, IngestResult, resultSchema, UsagePage, type UsageQuery, usageQuerySchema } from './schemas.js';
import { UsageService } from '../../../core/usage/queries.js';
import { yieldToEventLoop } from '../../../platform/yield.js';

/** Largest ingestion request body. */
const INGEST_BODY_LIMIT = 64 * 1024 * 1024;

/** Bytes of a response handed to the socket in one event-loop turn. */
const TURN_BYTES = 1024 * 1024;

/**
 * Sends a page that comes as UTF-8 JSON written to the response schema, in parts: as it is, without
 * joining the parts (megabytes of results are written to the socket from where they are), and at
 * most about TURN_BYTES per event-loop turn: while the client reads as fast as the server writes
 * (as over loopback), the socket takes every part at once, and copying 16 MB into it would hold
 * the main thread for 100 ms.
 */
export function sendJsonParts(reply: FastifyReply, parts: Buffer[]): FastifyReply {
  let length = 0;
  for (const p of parts) length += p.length;
  return reply.type('application/json').header('content-length', length).send(Readable.from(paced(parts), { objectMode: false }));
}

/** The parts, with a turn of the event loop after every TURN_BYTES or so. */
export async function* paced(parts: Buffer[]): AsyncGenerator<Buffer> {
  let turn = 0;
  for (const part of parts) {
    if (turn >= TURN_BYTES) {
      await yieldToEventLoop();
      turn = 0;
    }
    turn += part.length;
    yield part;
  }
}

export default function usageRoutes(app: App, ctx: AppContext): void {
  const service = new UsageService(ctx);
  const ingestion = new UsageIngestion(ctx);

  for (const kind of USAGE_KINDS) {
    const spec = KINDS[kind];
    app.get(`/organization/usage/${kind}`, {
      schema: {
        operationId: spec.operationId,
        tags: ['Usage'],
        querystring: usageQuerySchema(spec),
        response: { 200: UsagePage(resultSchema(spec)), ...errorResponses },
      },
    },
    async (req, reply) => sendJsonParts(reply, await service.query(spec, req.query as UsageQuery)));
  }

  // Batches are megabytes of JSON: the route takes the body as bytes (in a context of its own;
  // outside the JavaScript heap, so a batch waiting for its turn costs the garbage collector
  // nothing), and the ingestion service parses and validates it when the batch's turn comes.
  app.register(async (plugin) => {
    plugin.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    const scoped: App = plugin.withTypeProvider<TypeBoxTypeProvider>();
    scoped.post('/organization/usage/records', {
      bodyLimit: INGEST_BODY_LIMIT,
      // IngestBody documents the body; UsageIngestion.ingestJson checks it (records a slice at a time).
      validatorCompiler: () => () => true,
      schema: {
        operationId: 'ingest-usage-records',
        tags: ['Extensions'],
        summary: 'Record usage (orgplane extension).',
        description:
          'orgplane extension (not part of OpenAI\'s API). Stores a batch of usage records of any kind; they feed the usage and costs endpoints. ' +
          'A record whose `id` was already ingested is skipped and counted as a duplicate, so a batch can be retried safely. ' +
          'An invalid record rejects the whole batch; nothing is stored.',
        body: IngestBody,
        response: { 200: IngestResult, ...errorResponses },
      },
    }, async (req) => {
      const result = await ingestion.ingestJson(req.body as unknown as Buffer);
      if (result.unpriced > 0) {
        req.log.warn({ unpriced: result.unpriced, models: result.unpricedModels }, 'usage stored at $0: the model catalog has no price for it (add the models to the catalog, then run `orgplane usage reprice`)');
      }
      return result;
    });
  });
}
