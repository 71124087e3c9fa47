import { seededRandom } from '../platform/random.js';
import { issueKey } from '../core/keys/index.js';
import { type AppContext, inTransaction } from '../core/context.js';
import { newId } from '../platform/ids.js';
import { insertProject } from '../admin/organization/projects/repository.js';
import type { IngestRecord } from '../core/usage/records.js';

/** The shape of a demo organization and its usage. */
export interface DemoShape {
  projects: number;
  users: number;
  keys: number;
  /** Records, spread over `days` days before now. */
  records: number;
  days: number;
  seed: number;
}

interface DemoKey {
  id: string;
  projectId: string;
  userId: string;
  /** The chat models this key's project uses, weighted by how busy each is. */
  chat: Weighted<string>;
  embedding: Weighted<string>;
}

export interface DemoOrganization {
  projectIds: string[];
  keys: DemoKey[];
  models: string[];
}

/** Deterministic pseudo-random numbers in [0, 1), so a seed reproduces a data set. */
export const randomSource = seededRandom;

/** Items with cumulative weights, for weighted picks. */
interface Weighted<T> {
  items: T[];
  cumulative: number[];
}

function weighted<T>(entries: Array<[T, number]>): Weighted<T> {
  let sum = 0;
  const cumulative = entries.map(([, w]) => (sum += w));
  return { items: entries.map(([item]) => item), cumulative: cumulative.map((c) => c / sum) };
}

function pickWeighted<T>(w: Weighted<T>, r: number): T {
  const { cumulative, items } = w;
  let i = 0;
  while (i < cumulative.length - 1 && r >= cumulative[i]) i++;
  return items[i];
}

/**
 * What a model's traffic looks like in a real organization: how busy it is (`weight`: current
 * models busy, legacy ones quiet) and its typical request (mean input and output tokens, share of
 * input served from the cache, audio tokens for audio models).
 */
interface ModelProfile {
  weight: number;
  input: number;
  output: number;
  cached?: number;
  audioIn?: number;
  audioOut?: number;
}

const CHAT_PROFILES: Record<string, ModelProfile> = {
  'gpt-5': { weight: 9, input: 3400, output: 1300, cached: 0.45 },
  'gpt-5-mini': { weight: 20, input: 1900, output: 620, cached: 0.4 },
  'gpt-5-nano': { weight: 8, input: 650, output: 160, cached: 0.2 },
  'gpt-4.1': { weight: 7, input: 5200, output: 720, cached: 0.5 },
  'gpt-4.1-mini': { weight: 14, input: 2400, output: 450, cached: 0.35 },
  'gpt-4.1-nano': { weight: 5, input: 760, output: 120, cached: 0.15 },
  'gpt-4o': { weight: 6, input: 2600, output: 560, cached: 0.3 },
  'gpt-4o-mini': { weight: 15, input: 1250, output: 310, cached: 0.25 },
  o3: { weight: 2.2, input: 4200, output: 3600, cached: 0.2 },
  'o4-mini': { weight: 3.5, input: 2300, output: 2700, cached: 0.2 },
  'o3-mini': { weight: 0.8, input: 1600, output: 2100 },
  o1: { weight: 0.25, input: 2600, output: 4200 },
  'gpt-4o-audio-preview': { weight: 0.6, input: 320, output: 210, audioIn: 950, audioOut: 1700 },
  'gpt-3.5-turbo': { weight: 0.35, input: 520, output: 210 },
  'gpt-3.5-turbo-instruct': { weight: 0.08, input: 340, output: 150 },
  'davinci-002': { weight: 0.03, input: 280, output: 120 },
  'babbage-002': { weight: 0.02, input: 200, output: 90 },
};
const UNKNOWN_CHAT: ModelProfile = { weight: 0.5, input: 1000, output: 300, cached: 0.1 };
const EMBEDDING_PROFILES: Record<string, ModelProfile> = {
  'text-embedding-3-small': { weight: 10, input: 850, output: 0 },
  'text-embedding-3-large': { weight: 3, input: 1400, output: 0 },
  'text-embedding-ada-002': { weight: 0.4, input: 600, output: 0 },
};
const IMAGES = weighted<[string, string]>([[['gpt-image-1', '1024x1024'], 45], [['gpt-image-1', '1024x1792'], 15], [['dall-e-3', '1024x1024'], 25], [['dall-e-3', '1792x1792'], 8], [['dall-e-2', '512x512'], 4], [['dall-e-2', '256x256'], 3]]);
const SPEECH = weighted([['gpt-4o-mini-tts', 55], ['tts-1', 35], ['tts-1-hd', 10]]);
const TRANSCRIPTION = weighted([['gpt-4o-mini-transcribe', 45], ['gpt-4o-transcribe', 25], ['whisper-1', 30]]);

const chatProfile = (model: string) => CHAT_PROFILES[model] ?? UNKNOWN_CHAT;

const PROJECT_NAMES = ['Support assistant', 'Search and retrieval', 'Internal tools', 'Sales copilot', 'Data pipeline', 'Voice agent', 'Docs translation', 'Code review bot', 'Marketing content', 'Research sandbox'];
const FIRST = ['Maria', 'James', 'Aiko', 'Omar', 'Lena', 'Diego', 'Priya', 'Tom', 'Sofia', 'Kwame', 'Elena', 'Noah', 'Mei', 'Lucas', 'Fatima', 'Jonas'];
const LAST = ['Garcia', 'Smith', 'Tanaka', 'Haddad', 'Novak', 'Rossi', 'Patel', 'Berg', 'Costa', 'Mensah', 'Ivanova', 'Keller', 'Chen', 'Martin', 'Khan', 'Larsen'];
const KEY_NAMES = ['production', 'staging', 'batch jobs', 'ci', 'backfill', 'prototype', 'eval runner', 'web app'];

/**
 * Creates demo projects, users (members of the projects) and project API keys. Each project uses a
 * handful of chat models drawn by how busy models are (the current ones mostly, a legacy one now
 * and then); its keys pick among them by the same weights. Returns what the usage generator
 * attributes records to.
 */
export async function seedDemoOrganization(ctx: AppContext, shape: DemoShape): Promise<DemoOrganization> {
  const random = randomSource(shape.seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const chat = ctx.catalog.models.filter((m) => m.kind === 'chat' || m.kind === 'completion').map((m) => m.id);
  const embedding = ctx.catalog.models.filter((m) => m.kind === 'embedding').map((m) => m.id);
  const chatModels = chat.length ? chat : ['gpt-4o', 'gpt-4o-mini'];
  const embeddingModels = embedding.length ? embedding : ['text-embedding-3-small'];
  const chatPool = weighted(chatModels.map((m) => [m, chatProfile(m).weight] as [string, number]));
  const embeddingPool = weighted(embeddingModels.map((m) => [m, (EMBEDDING_PROFILES[m] ?? UNKNOWN_CHAT).weight] as [string, number]));
  const now = ctx.clock.now();
  return inTransaction(ctx, async (tx) => {
    const projectIds: string[] = [];
    const projectModels = new Map<string, { chat: Weighted<string>; embedding: Weighted<string> }>();
    for (let p = 0; p < shape.projects; p++) {
      const id = newId('project');
      const name = p < PROJECT_NAMES.length ? PROJECT_NAMES[p] : `Demo project ${p + 1}`;
      await insertProject(tx, { id, name, created_at: now, archived_at: null, status: 'active', external_key_id: null, residency: null, is_default: 0 });
      projectIds.push(id);
      const models = new Set<string>();
      for (let i = 0; i < 12 && models.size < 5; i++) models.add(pickWeighted(chatPool, random()));
      projectModels.set(id, {
        chat: weighted([...models].map((m) => [m, chatProfile(m).weight] as [string, number])),
        embedding: weighted([pickWeighted(embeddingPool, random()), pickWeighted(embeddingPool, random())].map((m) => [m, (EMBEDDING_PROFILES[m] ?? UNKNOWN_CHAT).weight] as [string, number])),
      });
    }
    const userIds: string[] = [];
    for (let u = 0; u < shape.users; u++) {
      const id = newId('user');
      const first = FIRST[u % FIRST.length];
      const last = LAST[(u * 7 + Math.floor(u / LAST.length)) % LAST.length];
      await tx.insertInto('users').values({ id, name: `${first} ${last}`, email: `${first}.${last}.${shape.seed}-${u + 1}@example.com`.toLowerCase(), role: 'reader', added_at: now }).execute();
      userIds.push(id);
    }
    const members = new Set<string>();
    const keys: DemoKey[] = [];
    for (let k = 0; k < shape.keys; k++) {
      const projectId = projectIds[k % projectIds.length];
      const userId = pick(userIds);
      if (!members.has(`${projectId}/${userId}`)) {
        members.add(`${projectId}/${userId}`);
        await tx.insertInto('project_users').values({ project_id: projectId, user_id: userId, role: 'member', added_at: now }).execute();
      }
      const name = KEY_NAMES[Math.floor(k / projectIds.length) % KEY_NAMES.length];
      const { row } = await issueKey(tx, { kind: 'project', name, projectId, ownerType: 'user', ownerId: userId, expiresAt: null, createdAt: now });
      keys.push({ id: row.id, projectId, userId, ...projectModels.get(projectId)! });
    }
    return { projectIds, keys, models: [...new Set([...chatModels, ...embeddingModels])] };
  });
}

/** Relative traffic at a moment: busy working hours, quiet nights, lighter weekends. */
function rhythm(ts: number): number {
  const date = new Date(ts * 1000);
  const hour = date.getUTCHours() + date.getUTCMinutes() / 60;
  const daily = 0.25 + Math.max(0, Math.sin(((hour - 6) / 24) * 2 * Math.PI)) * 1.5;
  const day = date.getUTCDay();
  return daily * (day === 0 || day === 6 ? 0.45 : 1);
}

/**
 * Usage records in time order, in batches of `batchSize`, over the `days` before `now`:
 * mostly chat completions (each model with its own typical request: tokens, cache hits, audio
 * tokens for audio models), some embeddings, moderations, images, audio and tool calls, and a
 * daily vector-store measurement per project.
 */
export function* demoRecords(org: DemoOrganization, shape: DemoShape, now: number, batchSize: number): Generator<IngestRecord[]> {
  const random = randomSource(shape.seed + 1);
  const start = now - (now % 60) - shape.days * 86400;
  const minutes = shape.days * 1440;
  let total = 0;
  // Traffic grows through the period (about +35% from its first day to its last), as it does for a product in use.
  const weight = (m: number) => rhythm(start + m * 60) * (1 + (0.35 * m) / minutes);
  for (let m = 0; m < minutes; m++) total += weight(m);
  const perWeight = shape.records / total;
  let batch: IngestRecord[] = [];
  let n = 0;
  let carry = 0;
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  // A count spread around its mean as real requests are (log-normal, long tail), at least 1.
  const around = (mean: number) => {
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return Math.max(1, Math.round(mean * Math.exp(0.75 * z - 0.28125)));
  };
  for (let m = 0; m < minutes && n < shape.records; m++) {
    const minute = start + m * 60;
    carry += weight(m) * perWeight;
    let count = Math.floor(carry);
    carry -= count;
    if (minute % 86400 === 0) {
      for (const projectId of org.projectIds) batch.push({ kind: 'vector_stores', id: `demo-${shape.seed}-vs-${minute}-${projectId}`, timestamp: minute, project_id: projectId, usage_bytes: int(1, 500) * 1_048_576 });
    }
    count = Math.min(count, shape.records - n);
    for (let i = 0; i < count; i++, n++) {
      // Busier keys first: a skewed pick over the keys.
      const key = org.keys[Math.floor(random() ** 2 * org.keys.length)];
      // Built by assignment rather than object spread: spread objects are slow to read.
      const base = { id: `demo-${shape.seed}-${n}`, timestamp: minute + int(0, 59), project_id: key.projectId, user_id: key.userId, api_key_id: key.id };
      const push = (fields: Omit<IngestRecord, 'id' | 'timestamp' | 'project_id'>) => batch.push(Object.assign(base, fields));
      const roll = random();
      if (roll < 0.86) {
        const model = pickWeighted(key.chat, random());
        const profile = chatProfile(model);
        const input = around(profile.input);
        const cached = profile.cached && random() < 0.6 ? Math.floor(input * profile.cached * 2 * random()) : 0;
        const record: Omit<IngestRecord, 'id' | 'timestamp' | 'project_id'> = {
          kind: 'completions', model, input_tokens: input, output_tokens: around(profile.output), input_cached_tokens: Math.min(cached, input),
          batch: random() < 0.05, service_tier: random() < 0.9 ? 'default' : 'flex',
        };
        if (profile.audioIn) {
          // Audio tokens are part of the totals, as OpenAI counts them.
          record.input_audio_tokens = around(profile.audioIn);
          record.output_audio_tokens = around(profile.audioOut!);
          record.input_tokens! += record.input_audio_tokens;
          record.output_tokens! += record.output_audio_tokens;
        }
        push(record);
      } else if (roll < 0.94) {
        const model = pickWeighted(key.embedding, random());
        push({ kind: 'embeddings', model, input_tokens: around((EMBEDDING_PROFILES[model] ?? UNKNOWN_CHAT).input) });
      } else if (roll < 0.96) {
        push({ kind: 'moderations', model: 'omni-moderation-latest', input_tokens: around(420) });
      } else if (roll < 0.97) {
        const [model, size] = pickWeighted(IMAGES, random());
        push({ kind: 'images', model, size, source: random() < 0.85 ? 'image.generation' : 'image.edit', images: random() < 0.7 ? 1 : int(2, 4) });
      } else if (roll < 0.975) {
        push({ kind: 'audio_speeches', model: pickWeighted(SPEECH, random()), characters: around(900) });
      } else if (roll < 0.98) {
        push({ kind: 'audio_transcriptions', model: pickWeighted(TRANSCRIPTION, random()), seconds: around(140) });
      } else if (roll < 0.99) {
        push({ kind: 'web_search_calls', model: key.chat.items[0], context_level: random() < 0.6 ? 'medium' : 'low', num_requests: int(1, 3) });
      } else if (roll < 0.997) {
        push({ kind: 'file_search_calls', vector_store_id: `vs_demo_${key.projectId.slice(-6)}`, num_requests: int(1, 5) });
      } else {
        push({ kind: 'code_interpreter_sessions', num_sessions: 1 });
      }
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length) yield batch;
}
