import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import OpenAI from 'openai';
import { loadCatalog } from '../../src/core/catalog/index.js';
import { assertError, forEachDialect } from '../helpers/harness.js';
import { assertSpec } from '../helpers/spec.js';

const base = (projectId: string) => `/v1/organization/projects/${projectId}/rate_limits`;

forEachDialect('project rate limits', (server) => {
  const newProject = async (name: string): Promise<{ id: string; name: string }> => {
    const res = await server().post('/v1/organization/projects', { name });
    assert.equal(res.status, 200);
    return res.body;
  };

  it('lists one record per catalog model with the organization defaults', async () => {
    const res = await server().get(base(server().boot.defaultProjectId));
    assert.equal(res.status, 200);
    assertSpec('list-project-rate-limits', res.body);
    const catalog = server().ctx.catalog;
    assert.equal(res.body.data.length, catalog.models.length);
    assert.deepEqual(res.body.data.map((r: any) => r.id), catalog.models.map((m) => `rl-${m.id}`));
    assert.equal(res.body.first_id, 'rl-gpt-5');
    assert.equal(res.body.last_id, 'rl-omni-moderation-latest');
    assert.equal(res.body.has_more, false);
    const byId = new Map(res.body.data.map((r: any) => [r.id, r]));
    assert.deepEqual(byId.get('rl-gpt-4o-mini'), {
      object: 'project.rate_limit', id: 'rl-gpt-4o-mini', model: 'gpt-4o-mini',
      max_requests_per_1_minute: 500, max_tokens_per_1_minute: 200000, max_requests_per_1_day: 10000, batch_1_day_max_input_tokens: 2000000,
    });
    assert.deepEqual(byId.get('rl-dall-e-3'), {
      object: 'project.rate_limit', id: 'rl-dall-e-3', model: 'dall-e-3',
      max_requests_per_1_minute: 500, max_tokens_per_1_minute: 150000, max_images_per_1_minute: 500,
    });
    assert.deepEqual(byId.get('rl-whisper-1'), {
      object: 'project.rate_limit', id: 'rl-whisper-1', model: 'whisper-1',
      max_requests_per_1_minute: 500, max_tokens_per_1_minute: 150000, max_audio_megabytes_per_1_minute: 100,
    });
    for (const m of catalog.models) {
      assert.deepEqual(byId.get(`rl-${m.id}`), { object: 'project.rate_limit', id: `rl-${m.id}`, model: m.id, ...m.rate_limits });
    }
  });

  it('pages with limit, after and before in catalog order', async () => {
    const path = base(server().boot.defaultProjectId);
    const ids = server().ctx.catalog.models.map((m) => `rl-${m.id}`);
    const first = await server().get(`${path}?limit=10`);
    assertSpec('list-project-rate-limits', first.body);
    assert.deepEqual(first.body.data.map((r: any) => r.id), ids.slice(0, 10));
    assert.equal(first.body.has_more, true);
    const second = await server().get(`${path}?limit=10&after=${first.body.last_id}`);
    assert.deepEqual(second.body.data.map((r: any) => r.id), ids.slice(10, 20));
    assert.equal(second.body.has_more, true);
    const back = await server().get(`${path}?limit=5&before=${second.body.first_id}`);
    assert.deepEqual(back.body.data.map((r: any) => r.id), ids.slice(5, 10));
    assert.equal(back.body.has_more, true);
    const between = await server().get(`${path}?after=${ids[2]}&before=${ids[6]}`);
    assert.deepEqual(between.body.data.map((r: any) => r.id), ids.slice(3, 6));
    assert.equal(between.body.has_more, false);
    const tail = await server().get(`${path}?after=${ids[ids.length - 2]}`);
    assert.deepEqual(tail.body.data.map((r: any) => r.id), ids.slice(-1));
    const empty = await server().get(`${path}?after=${ids[ids.length - 1]}`);
    assertSpec('list-project-rate-limits', empty.body);
    assert.deepEqual(empty.body, { object: 'list', data: [], first_id: null, last_id: null, has_more: false });

    assertError(await server().get(`${path}?after=rl-nope`), 400, 'after');
    assertError(await server().get(`${path}?before=rl-nope`), 400, 'before');
    assertError(await server().get(`${path}?limit=0`), 400, 'limit');
    assertError(await server().get(`${path}?limit=1001`), 400, 'limit');
    assertError(await server().get(`${path}?limit=x`), 400, 'limit');
    assertError(await server().get(base('proj_missing')), 404, 'project_id');
  });

  it('updates a project limit, audited, without touching other projects', async () => {
    const project = await newProject('Limited');
    const other = await newProject('Unlimited');
    const before = await server().auditCount();
    const res = await server().post(`${base(project.id)}/rl-gpt-4o`, { max_requests_per_1_minute: 100 });
    assert.equal(res.status, 200);
    assertSpec('update-project-rate-limits', res.body);
    assert.deepEqual(res.body, {
      object: 'project.rate_limit', id: 'rl-gpt-4o', model: 'gpt-4o',
      max_requests_per_1_minute: 100, max_tokens_per_1_minute: 30000, batch_1_day_max_input_tokens: 90000,
    });
    assert.equal(await server().auditCount(), before + 1);
    const event = await server().lastAudit();
    assert.equal(event.type, 'rate_limit.updated');
    assert.deepEqual(event['rate_limit.updated'], { id: 'rl-gpt-4o', changes_requested: { max_requests_per_1_minute: 100 } });
    assert.deepEqual(event.project, { id: project.id, name: 'Limited' });
    assert.equal(event.actor.api_key.user.id, server().boot.ownerUserId);

    // A second update keeps the first override; limits can go down to 0 and up to the organization limit.
    const next = await server().post(`${base(project.id)}/rl-gpt-4o`, { max_tokens_per_1_minute: 0, batch_1_day_max_input_tokens: 90000 });
    assert.equal(next.status, 200);
    assertSpec('update-project-rate-limits', next.body);
    assert.deepEqual(next.body, {
      object: 'project.rate_limit', id: 'rl-gpt-4o', model: 'gpt-4o',
      max_requests_per_1_minute: 100, max_tokens_per_1_minute: 0, batch_1_day_max_input_tokens: 90000,
    });
    assert.deepEqual((await server().lastAudit())['rate_limit.updated'], {
      id: 'rl-gpt-4o', changes_requested: { max_tokens_per_1_minute: 0, batch_1_day_max_input_tokens: 90000 },
    });

    const listed = await server().get(`${base(project.id)}?limit=100`);
    assert.deepEqual(listed.body.data.find((r: any) => r.id === 'rl-gpt-4o'), next.body);
    const untouched = await server().get(`${base(other.id)}?limit=100`);
    assert.equal(untouched.body.data.find((r: any) => r.id === 'rl-gpt-4o').max_requests_per_1_minute, 500);

    const image = await server().post(`${base(project.id)}/rl-dall-e-3`, { max_images_per_1_minute: 7 });
    assert.equal(image.status, 200);
    assert.equal(image.body.max_images_per_1_minute, 7);
    const audio = await server().post(`${base(project.id)}/rl-whisper-1`, { max_audio_megabytes_per_1_minute: 1 });
    assert.equal(audio.body.max_audio_megabytes_per_1_minute, 1);
    const daily = await server().post(`${base(project.id)}/rl-gpt-4o-mini`, { max_requests_per_1_day: 10 });
    assert.equal(daily.body.max_requests_per_1_day, 10);
  });

  it('an empty update changes and logs nothing', async () => {
    const project = await newProject('Empty');
    const before = await server().auditCount();
    const res = await server().post(`${base(project.id)}/rl-o3`, {});
    assert.equal(res.status, 200);
    assertSpec('update-project-rate-limits', res.body);
    assert.deepEqual(res.body, { object: 'project.rate_limit', id: 'rl-o3', model: 'o3', ...server().ctx.catalog.get('o3')!.rate_limits });
    assert.equal(await server().auditCount(), before);
  });

  it('rejects bad updates and changes nothing', async () => {
    const project = await newProject('Strict');
    const path = `${base(project.id)}/rl-gpt-4o`;
    const before = await server().auditCount();
    const over = await server().post(path, { max_tokens_per_1_minute: 30001 });
    assertError(over, 400, 'max_tokens_per_1_minute');
    assertSpec('update-project-rate-limits', over.body, 400);
    assertError(await server().post(path, { max_requests_per_1_minute: 10, max_images_per_1_minute: 1 }), 400, 'max_images_per_1_minute');
    assertError(await server().post(`${base(project.id)}/rl-dall-e-3`, { batch_1_day_max_input_tokens: 1 }), 400, 'batch_1_day_max_input_tokens');
    assertError(await server().post(`${base(project.id)}/rl-whisper-1`, { max_requests_per_1_day: 1 }), 400, 'max_requests_per_1_day');
    assertError(await server().post(path, { max_requests_per_1_minute: -1 }), 400, 'max_requests_per_1_minute');
    assertError(await server().post(path, { max_requests_per_1_minute: 1.5 }), 400, 'max_requests_per_1_minute');
    assertError(await server().post(path, { max_requests_per_1_minute: '5' }), 400, 'max_requests_per_1_minute');
    assertError(await server().post(path, { max_requests_per_1_minute: null }), 400, 'max_requests_per_1_minute');
    assertError(await server().post(path, { max_tokens_per_1_hour: 5 }), 400, 'max_tokens_per_1_hour');
    assertError(await server().request('POST', path, { raw: '[]' }), 400);
    assertError(await server().post(`${base(project.id)}/rl-nope`, { max_requests_per_1_minute: 1 }), 404, 'rate_limit_id');
    assertError(await server().post(`${base(project.id)}/gpt-4o`, { max_requests_per_1_minute: 1 }), 404, 'rate_limit_id');
    assertError(await server().post(`${base('proj_missing')}/rl-gpt-4o`, { max_requests_per_1_minute: 1 }), 404, 'project_id');
    assert.equal(await server().auditCount(), before);
    const listed = await server().get(`${base(project.id)}?limit=100`);
    assert.equal(listed.body.data.find((r: any) => r.id === 'rl-gpt-4o').max_requests_per_1_minute, 500);
  });

  it('refuses updates in archived projects but still lists their limits', async () => {
    const project = await newProject('Archived');
    await server().post(`${base(project.id)}/rl-gpt-5`, { max_requests_per_1_minute: 5 });
    assert.equal((await server().post(`/v1/organization/projects/${project.id}/archive`)).status, 200);
    const before = await server().auditCount();
    assertError(await server().post(`${base(project.id)}/rl-gpt-5`, { max_requests_per_1_minute: 6 }), 400, 'project_id');
    assert.equal(await server().auditCount(), before);
    const listed = await server().get(`${base(project.id)}?limit=1`);
    assert.equal(listed.status, 200);
    assertSpec('list-project-rate-limits', listed.body);
    assert.equal(listed.body.data[0].max_requests_per_1_minute, 5);
  });

  it('follows catalog changes: new models appear, lowered organization limits cap overrides', async () => {
    const project = await newProject('Evolving');
    assert.equal((await server().post(`${base(project.id)}/rl-gpt-4o`, { max_requests_per_1_minute: 100 })).status, 200);
    const dir = mkdtempSync(join(tmpdir(), 'orgplane-rl-'));
    const original = server().ctx.catalog;
    try {
      const path = join(dir, 'catalog.json');
      writeFileSync(path, JSON.stringify({
        models: [
          { id: 'acme-1', kind: 'chat', rate_limits: { max_requests_per_1_minute: 7, max_tokens_per_1_minute: 700 }, prices: {} },
          { id: 'gpt-4o', kind: 'chat', rate_limits: { max_requests_per_1_minute: 50, max_tokens_per_1_minute: 30000 }, prices: {} },
        ],
      }));
      server().ctx.catalog = await loadCatalog(path);
      const res = await server().get(`${base(project.id)}?limit=100`);
      assertSpec('list-project-rate-limits', res.body);
      assert.equal(res.body.last_id, 'rl-acme-1');
      assert.deepEqual(res.body.data.at(-1), { object: 'project.rate_limit', id: 'rl-acme-1', model: 'acme-1', max_requests_per_1_minute: 7, max_tokens_per_1_minute: 700 });
      assert.deepEqual(res.body.data.find((r: any) => r.id === 'rl-gpt-4o'), {
        object: 'project.rate_limit', id: 'rl-gpt-4o', model: 'gpt-4o', max_requests_per_1_minute: 50, max_tokens_per_1_minute: 30000,
      });
      const updated = await server().post(`${base(project.id)}/rl-acme-1`, { max_tokens_per_1_minute: 70 });
      assert.equal(updated.status, 200);
      assert.equal(updated.body.max_tokens_per_1_minute, 70);
      assertError(await server().post(`${base(project.id)}/rl-gpt-4o`, { batch_1_day_max_input_tokens: 1 }), 400, 'batch_1_day_max_input_tokens');
    } finally {
      server().ctx.catalog = original;
      rmSync(dir, { recursive: true, force: true });
    }
    // The override survives the catalog change: back on the original catalog it applies again.
    const restored = await server().get(`${base(project.id)}?limit=100`);
    assert.equal(restored.body.data.find((r: any) => r.id === 'rl-gpt-4o').max_requests_per_1_minute, 100);
    assert.ok(!restored.body.data.some((r: any) => r.id === 'rl-acme-1'));
  });

  it('works with the official SDK (auto-pagination, update)', async () => {
    const openai = new OpenAI({ adminAPIKey: server().adminKey, baseURL: `${server().baseUrl}/v1`, maxRetries: 0 });
    const project = await newProject('Sdk');
    const api = openai.admin.organization.projects.rateLimits;
    const seen: string[] = [];
    for await (const limit of api.listRateLimits(project.id, { limit: 7 })) seen.push(limit.id);
    assert.deepEqual(seen, server().ctx.catalog.models.map((m) => `rl-${m.id}`));
    const updated = await api.updateRateLimit('rl-text-embedding-3-small', { project_id: project.id, max_tokens_per_1_minute: 12345 });
    assert.equal(updated.max_tokens_per_1_minute, 12345);
    await assert.rejects(api.updateRateLimit('rl-text-embedding-3-small', { project_id: project.id, max_images_per_1_minute: 1 }), (err: any) => {
      assert.equal(err.status, 400);
      assert.equal(err.param, 'max_images_per_1_minute');
      return true;
    });
  });
});
