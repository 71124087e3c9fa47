import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { loadRoutes, type Routes } from '../../src/gateway/upstreams.js';
import { createProject, seedUser } from '../helpers/fixtures.js';
import { type TestServer, PG_URL } from '../helpers/harness.js';
import { compose, type ComposeOptions } from '../../src/compose.js';
import { openDatabase } from '../../src/platform/db/database.js';

/** Writes a routes file (YAML) and loads it as orgplane does at start, with these environment variables. */
export function routesFrom(yaml: string, env: Record<string, string> = {}): Routes {
  const dir = mkdtempSync(join(tmpdir(), 'orgplane-routes-'));
  const file = join(dir, 'upstreams.yaml');
  writeFileSync(file, yaml);
  return loadRoutes({ ORGPLANE_UPSTREAMS: file, ...env })!;
}

/** The official SDK as a data-plane client of the test server. */
export function sdk(s: TestServer, apiKey: string): OpenAI {
  return new OpenAI({ apiKey, baseURL: `${s.baseUrl}/v1`, maxRetries: 0 });
}

/** A project with a member (the given project role) holding a project key. */
export async function projectWithKey(s: TestServer, name: string, role: 'owner' | 'member' | 'viewer' = 'member') {
  const projectId = await createProject(s, name);
  const user = await seedUser(s, { name: `${name} user` });
  const added = await s.post(`/v1/organization/projects/${projectId}/users`, { user_id: user.id, role });
  assert.equal(added.status, 200, JSON.stringify(added.body));
  const key = await s.post(`/v1/organization/projects/${projectId}/api_keys`, { name: `${name} key`, user_id: user.id });
  assert.equal(key.status, 200, JSON.stringify(key.body));
  return { projectId, user, key: key.body.value as string, keyId: key.body.id as string };
}

/** The status and error body of an SDK call that must fail. */
export async function refused(call: Promise<unknown>): Promise<{ status: number; error: any }> {
  try {
    await call;
  } catch (err) {
    if (err instanceof OpenAI.APIError) return { status: err.status ?? 0, error: err.error };
    throw err;
  }
  return assert.fail('the request was not refused');
}

/** Waits (up to `ms`) until `check` returns a value; returns it. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, ms = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Totals of a usage endpoint for a project (one day bucket), summed over its results. */
export async function usageTotals(s: TestServer, kind: string, projectId: string): Promise<Record<string, number>> {
  const day = s.clock.now() - (s.clock.now() % 86400);
  const res = await s.get(`/v1/organization/usage/${kind}?start_time=${day}&project_ids[]=${projectId}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const totals: Record<string, number> = {};
  for (const bucket of res.body.data) {
    for (const r of bucket.results) {
      for (const [k, v] of Object.entries(r)) if (typeof v === 'number') totals[k] = (totals[k] ?? 0) + v;
    }
  }
  return totals;
}

/** A second orgplane instance (a replica) on the same database as `s`, with its own in-memory tables. */
export async function startReplica(s: TestServer, gateway: ComposeOptions['gateway']) {
  const database = s.dialect === 'sqlite' ? await openDatabase(s.databaseUrl) : await openDatabase(PG_URL, { pgSchema: s.database.schema });
  const { admin: app, live } = await compose({ database, clock: s.clock, catalog: s.ctx.catalog, live: { url: PG_URL }, gateway, onClose: () => database.close() });
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, live: live!, baseUrl, close: () => app.close() };
}
