import type { StreamKind } from './sse.js';
import {
  completionUsage, countTokens, embeddingsUsage, imagesUsage, requestText, responsesUsage, speechUsage, transcriptionUsage, type TrafficUsage,
} from './traffic-usage.js';

/** What a usage reader gets: the request as sent and the upstream's (successful) answer. */
export interface Exchange {
  body: Record<string, any> | undefined;
  /** Multipart requests: the text fields read from the body. */
  fields: Record<string, string>;
  /** The answer parsed as JSON, when it is JSON. */
  json: Record<string, any> | null;
}

/** A model endpoint the gateway serves (POST, under /v1). */
export interface Endpoint {
  path: string;
  /** The permission its caller must hold in the key's project (docs/gateway.md). */
  permission: string;
  body: 'json' | 'multipart';
  /** Streams whose events the gateway reads (usage, text); other streams are relayed as they are. */
  stream: StreamKind | null;
  /** Multipart text fields the gateway reads. */
  fields?: readonly string[];
  usage(x: Exchange): TrafficUsage | null | Promise<TrafficUsage | null>;
}

export const MODEL_REQUEST = 'api.model.request';
export const MODEL_READ = 'api.model.read';
export const RESPONSES_WRITE = 'api.responses.write';
export const RESPONSES_READ = 'api.responses.read';

export const ENDPOINTS: readonly Endpoint[] = [
  { path: '/chat/completions', permission: MODEL_REQUEST, body: 'json', stream: 'chat', usage: (x) => completionUsage(x.json?.usage, x.json?.service_tier) },
  { path: '/completions', permission: MODEL_REQUEST, body: 'json', stream: 'completions', usage: (x) => completionUsage(x.json?.usage, x.json?.service_tier) },
  { path: '/responses', permission: RESPONSES_WRITE, body: 'json', stream: 'responses', usage: (x) => responsesUsage(x.json?.usage, x.json?.service_tier) },
  { path: '/embeddings', permission: MODEL_REQUEST, body: 'json', stream: null, usage: (x) => (x.json ? embeddingsUsage(x.json) : null) },
  {
    path: '/moderations', permission: MODEL_REQUEST, body: 'json', stream: null,
    // Moderations report no usage: the input is counted by orgplane's tokenizer.
    usage: async (x) => ({ kind: 'moderations', input_tokens: x.json?.usage?.prompt_tokens ?? (await countTokens(requestText(x.body))) }),
  },
  { path: '/images/generations', permission: MODEL_REQUEST, body: 'json', stream: null, usage: (x) => imagesUsage(x.json ?? {}, { size: x.body?.size, source: 'image.generation' }) },
  { path: '/images/edits', permission: MODEL_REQUEST, body: 'multipart', stream: null, fields: ['size', 'n'], usage: (x) => imagesUsage(x.json ?? {}, { size: x.fields.size, source: 'image.edit' }) },
  { path: '/audio/speech', permission: MODEL_REQUEST, body: 'json', stream: null, usage: (x) => speechUsage(x.body?.input) },
  { path: '/audio/transcriptions', permission: MODEL_REQUEST, body: 'multipart', stream: null, usage: (x) => transcriptionUsage(x.json) },
  { path: '/audio/translations', permission: MODEL_REQUEST, body: 'multipart', stream: null, usage: (x) => transcriptionUsage(x.json) },
];
