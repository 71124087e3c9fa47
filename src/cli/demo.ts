import { issueKey } from '../core/keys/store.js';
import { type AppContext, inTransaction } from '../platform/context.js';
import { newId } from '../platform/ids.js';
import { insertProject } from '../admin/organization/projects/repository.js';
import type { IngestRecord } from '../admin/organization/usage/schemas.js';

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
  models: string[];
  embedding: string;
}

export interface DemoOrganization {
  projectIds: string[];
  keys: DemoKey[];
  models: string[];
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so a seed reproduces a data set. */
export function randomSource(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Creates demo projects, users (members of the projects) and project API keys, each key using a
 * few of the catalog's chat models. Returns what the usage generator attributes records to.
 */
export async function seedDemoOrganization(ctx: AppContext, shape: DemoShape): Promise<DemoOrganization> {
  const random = randomSource(shape.seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const chat = ctx.catalog.models.filter((m) => m.kind === 'chat' || m.kind === 'completion').map((m) => m.id);
  const embedding = ctx.catalog.models.filter((m) => m.kind === 'embedding').map((m) => m.id);
  const chatModels = chat.length ? chat : ['gpt-4o', 'gpt-4o-mini'];
  const embeddingModels = embedding.length ? embedding : ['text-embedding-3-small'];
  const now = ctx.clock.now();
  return inTransaction(ctx, async (tx) => {
    const projectIds: string[] = [];
    const projectModels = new Map<string, string[]>();
    for (let p = 0; p < shape.projects; p++) {
      const id = newId('project');
      await insertProject(tx, { id, name: `Demo project ${p + 1}`, created_at: now, archived_at: null, status: 'active', external_key_id: null, residency: null, is_default: 0 });
      projectIds.push(id);
      projectModels.set(id, Array.from({ length: 4 }, () => pick(chatModels)));
    }
    const userIds: string[] = [];
    for (let u = 0; u < shape.users; u++) {
      const id = newId('user');
      await tx.insertInto('users').values({ id, name: `Demo user ${u + 1}`, email: `demo-${shape.seed}-${u + 1}@example.com`, role: 'reader', added_at: now }).execute();
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
      const { row } = await issueKey(tx, { kind: 'project', name: `Demo key ${k + 1}`, projectId, ownerType: 'user', ownerId: userId, expiresAt: null, createdAt: now });
      const models = projectModels.get(projectId)!;
      keys.push({ id: row.id, projectId, userId, models: [models[k % 4], models[(k + 1) % 4], models[(k + 2) % 4]], embedding: pick(embeddingModels) });
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
 * mostly chat completions, some embeddings, moderations, images, audio and tool calls, and a
 * daily vector-store measurement per project.
 */
export function* demoRecords(org: DemoOrganization, shape: DemoShape, now: number, batchSize: number): Generator<IngestRecord[]> {
  const random = randomSource(shape.seed + 1);
  const start = now - (now % 60) - shape.days * 86400;
  const minutes = shape.days * 1440;
  let total = 0;
  for (let m = 0; m < minutes; m++) total += rhythm(start + m * 60);
  const perWeight = shape.records / total;
  let batch: IngestRecord[] = [];
  let n = 0;
  let carry = 0;
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  for (let m = 0; m < minutes && n < shape.records; m++) {
    const minute = start + m * 60;
    carry += rhythm(minute) * perWeight;
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
        const input = int(50, 4000);
        const cached = random() < 0.4 ? Math.floor(input * random() * 0.8) : 0;
        push({ kind: 'completions', model: key.models[Math.floor(random() ** 1.5 * 3)], input_tokens: input, output_tokens: int(10, 1500),
          input_cached_tokens: cached, batch: random() < 0.05, service_tier: random() < 0.9 ? 'default' : 'flex',
        });
      } else if (roll < 0.94) {
        push({ kind: 'embeddings', model: key.embedding, input_tokens: int(10, 8000) });
      } else if (roll < 0.96) {
        push({ kind: 'moderations', model: 'omni-moderation-latest', input_tokens: int(10, 2000) });
      } else if (roll < 0.97) {
        push({ kind: 'images', model: 'dall-e-3', size: random() < 0.7 ? '1024x1024' : '1024x1792', source: 'image.generation', images: int(1, 4) });
      } else if (roll < 0.975) {
        push({ kind: 'audio_speeches', model: 'tts-1', characters: int(20, 3000) });
      } else if (roll < 0.98) {
        push({ kind: 'audio_transcriptions', model: 'whisper-1', seconds: int(5, 600) });
      } else if (roll < 0.99) {
        push({ kind: 'web_search_calls', model: key.models[0], context_level: random() < 0.6 ? 'medium' : 'low', num_requests: int(1, 3) });
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
