import { isAscii } from 'node:buffer';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { App } from '../../app-type.js';
import type { AdminServices } from '../../services.js';
import { KINDS, USAGE_KINDS, type Dimension, type FilterParam, type UsageKind } from '../../../core/usage/kinds.js';
import type { IngestRecord, RecordValidator } from '../../../core/usage/index.js';
import { bucketWindow, pageJson } from '../../../platform/bucket-pages.js';
import { parseJsonText, validationError } from '../../../platform/errors.js';
import { sendJsonParts } from '../../../platform/http.js';
import { errorResponses } from '../../../platform/schemas.js';
import { validatorCompiler } from '../../../platform/validation.js';
import { yieldToEventLoop } from '../../../platform/yield.js';
import { type BucketWidth, IngestBody, IngestEnvelope, IngestResult, UsagePage, type UsageQuery, usageQuerySchema, UsageResults } from './schemas.js';

/** Largest ingestion request body. */
const INGEST_BODY_LIMIT = 64 * 1024 * 1024;

export const WIDTH_SECONDS: Record<BucketWidth, number> = { '1m': 60, '1h': 3600, '1d': 86400 };
const LIMITS: Record<BucketWidth, { default: number; max: number }> = {
  '1d': { default: 7, max: 31 },
  '1h': { default: 24, max: 168 },
  '1m': { default: 60, max: 1440 },
};

/** What each usage endpoint counts, in the words of its summary. */
const USAGE_NAMES: Record<UsageKind, string> = {
  completions: 'completions',
  embeddings: 'embeddings',
  moderations: 'moderations',
  images: 'image',
  audio_speeches: 'speech',
  audio_transcriptions: 'transcription',
  vector_stores: 'vector-store storage',
  code_interpreter_sessions: 'code-interpreter session',
  file_search_calls: 'file-search call',
  web_search_calls: 'web-search call',
};

type Validator = ((data: unknown) => unknown) & { errors?: unknown[] | null };

/**
 * The records of an ingestion body (`{"records": [...]}`, UTF-8), parsed and checked: the envelope,
 * then the records a slice at a time. Decoding and parsing megabytes take milliseconds each: each
 * in an event-loop turn of its own.
 */
async function bodyRecords(json: Buffer, envelope: Validator, records: RecordValidator): Promise<IngestRecord[]> {
  await yieldToEventLoop();
  // Bodies are nearly always ASCII: read as Latin-1 (a copy) rather than decoded as UTF-8.
  const text = isAscii(json) ? json.toString('latin1') : json.toString('utf8');
  await yieldToEventLoop();
  const body = parseJsonText(text);
  await yieldToEventLoop();
  if (envelope(body) !== true) throw validationError((envelope.errors ?? []) as never[], 'body');
  return records.validate((body as { records: unknown[] }).records);
}

export default function usageRoutes(app: App, { core }: AdminServices): void {
  const { queries, ingestion, records } = core.usage;

  for (const kind of USAGE_KINDS) {
    const spec = KINDS[kind];
    app.get(`/organization/usage/${kind}`, {
      schema: {
        operationId: spec.operationId,
        summary: `Get ${USAGE_NAMES[kind]} usage`,
        description:
          `Returns ${USAGE_NAMES[kind]} usage in time buckets (\`1m\`, \`1h\` or \`1d\`) over a time range, summed from what orgplane recorded: ` +
          'the gateway\'s own traffic and the records ingested through `POST /v1/organization/usage/records`. ' +
          `Group by ${spec.groupBy.map((d) => `\`${d}\``).join(', ')}; filter by ${[...spec.filters, ...(kind === 'completions' ? ['batch'] : [])].map((f) => `\`${f}\``).join(', ')}.`,
        tags: ['Usage'],
        querystring: usageQuerySchema(spec),
        response: { 200: UsagePage(UsageResults[kind]), ...errorResponses },
      },
    },
    async (req, reply) => {
      const q = req.query as UsageQuery;
      const window = bucketWindow(core.clock.now(), q, WIDTH_SECONDS[q.bucket_width], LIMITS[q.bucket_width]);
      const filters: Partial<Record<FilterParam, string[]>> = {};
      for (const param of spec.filters) filters[param] = q[param] as string[] | undefined;
      const json = await queries.usage(spec, { ...window, groupBy: q.group_by as Dimension[] | undefined, filters, batch: q.batch });
      return sendJsonParts(reply, pageJson(window, json));
    });
  }

  // Batches are megabytes of JSON: the route takes the body as bytes (in a context of its own;
  // outside the JavaScript heap, so a batch waiting for its turn costs the garbage collector
  // nothing), and parses and checks it when the batch's turn comes in the ingestion service.
  const envelope = validatorCompiler({ schema: IngestEnvelope, method: 'POST', url: '', httpPart: 'body' }) as Validator;
  app.register(async (plugin) => {
    plugin.removeContentTypeParser('application/json');
    plugin.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    const scoped: App = plugin.withTypeProvider<TypeBoxTypeProvider>();
    scoped.post('/organization/usage/records', {
      bodyLimit: INGEST_BODY_LIMIT,
      // IngestBody documents the body; bodyRecords checks it (records a slice at a time).
      validatorCompiler: () => () => true,
      schema: {
        operationId: 'ingest-usage-records',
        tags: ['Usage', 'Extensions'],
        summary: 'Record usage',
        description:
          'orgplane extension (not part of OpenAI\'s API): stores a batch of usage records of any kind, which feed the usage and costs endpoints. ' +
          'A record whose `id` was already ingested is skipped and counted as a duplicate, so a batch can be retried safely; an invalid record rejects the whole batch and nothing is stored. ' +
          'Records of models the catalog cannot price are stored at $0 and counted as `unpriced`.',
        body: IngestBody,
        response: { 200: IngestResult, ...errorResponses },
      },
    }, async (req) => {
      const result = await ingestion.record(() => bodyRecords(req.body as unknown as Buffer, envelope, records));
      if (result.unpriced > 0) {
        req.log.warn({ unpriced: result.unpriced, models: result.unpricedModels }, 'usage stored at $0: the model catalog has no price for it (add the models to the catalog, then run `orgplane usage reprice`)');
      }
      return result;
    });
  });
}
