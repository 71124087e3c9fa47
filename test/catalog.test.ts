import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DEFAULT_CATALOG_PATH, loadCatalog, RATE_LIMIT_FIELDS } from '../src/core/catalog/index.js';
import { ConfigError } from '../src/config.js';

const dir = mkdtempSync(join(tmpdir(), 'orgplane-catalog-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** Writes `content` (JSON-encoded unless a string) to a fresh file and returns its path. */
function file(content: unknown): string {
  const path = join(dir, `catalog-${n++}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const model = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  kind: 'chat',
  rate_limits: { max_requests_per_1_minute: 100, max_tokens_per_1_minute: 1000 },
  prices: { input: 1, output: 2 },
  ...extra,
});

describe('model catalog', () => {
  it('loads the built-in catalog with every kind, limits and prices', async () => {
    const catalog = await loadCatalog();
    assert.equal(catalog.models.length, 30);
    assert.equal(new Set(catalog.models.map((m) => m.id)).size, 30);
    assert.deepEqual(
      [...new Set(catalog.models.map((m) => m.kind))].sort(),
      ['audio_speech', 'audio_transcription', 'chat', 'completion', 'embedding', 'image', 'moderation'],
    );
    for (const m of catalog.models) {
      assert.ok(Number.isInteger(m.rate_limits.max_requests_per_1_minute), m.id);
      assert.ok(Number.isInteger(m.rate_limits.max_tokens_per_1_minute), m.id);
      for (const key of Object.keys(m.rate_limits)) assert.ok((RATE_LIMIT_FIELDS as readonly string[]).includes(key), `${m.id}.${key}`);
    }
    assert.deepEqual(catalog.get('gpt-4o'), {
      id: 'gpt-4o',
      kind: 'chat',
      rate_limits: { max_requests_per_1_minute: 500, max_tokens_per_1_minute: 30000, batch_1_day_max_input_tokens: 90000 },
      prices: { input: 2.5, cached_input: 1.25, output: 10, batch_discount: 0.5 },
    });
    assert.deepEqual(catalog.get('dall-e-3')?.prices, { per_image: { '1024x1024': 0.04, '1024x1792': 0.08, '1792x1024': 0.08 } });
    assert.equal(catalog.get('whisper-1')?.prices.per_minute, 0.006);
    assert.equal(catalog.get('tts-1')?.prices.per_1m_characters, 15);
    assert.equal(catalog.get('text-embedding-3-small')?.prices.input, 0.02);
    assert.equal(catalog.get('whisper-1')?.rate_limits.max_audio_megabytes_per_1_minute, 100);
    assert.equal(catalog.get('nope'), undefined);
    assert.deepEqual(catalog.tools, { code_interpreter_session: 0.03, file_search_per_1k_calls: 2.5, web_search_per_1k_calls: 10, vector_store_per_gb_day: 0.1 });
    assert.match(DEFAULT_CATALOG_PATH, /src\/core\/catalog\/default-catalog\.json$/);
  });

  it('extends the built-in catalog: new models appended, same ID overrides in place, tools merged', async () => {
    const base = await loadCatalog();
    const override = model('gpt-4o', { rate_limits: { max_requests_per_1_minute: 50, max_tokens_per_1_minute: 5000 }, prices: { input: 3 } });
    const catalog = await loadCatalog(file({ mode: 'extend', models: [model('acme-1'), override], tools: { web_search_per_1k_calls: 25 } }));
    assert.equal(catalog.models.length, 31);
    assert.deepEqual(catalog.models.map((m) => m.id), [...base.models.map((m) => m.id), 'acme-1']);
    assert.deepEqual(catalog.get('gpt-4o'), override);
    assert.deepEqual(catalog.get('acme-1'), model('acme-1'));
    assert.deepEqual(catalog.get('gpt-4o-mini'), base.get('gpt-4o-mini'));
    assert.deepEqual(catalog.tools, { code_interpreter_session: 0.03, file_search_per_1k_calls: 2.5, web_search_per_1k_calls: 25, vector_store_per_gb_day: 0.1 });

    const implicit = await loadCatalog(file({ models: [model('acme-2')] }));
    assert.equal(implicit.models.length, 31);
    assert.equal(implicit.models[30].id, 'acme-2');
    assert.deepEqual(implicit.tools, base.tools);
  });

  it('replaces the built-in catalog', async () => {
    const catalog = await loadCatalog(file({ mode: 'replace', models: [model('only-1'), model('only-2', { kind: 'embedding' })], tools: { file_search_per_1k_calls: 1 } }));
    assert.deepEqual(catalog.models.map((m) => m.id), ['only-1', 'only-2']);
    assert.equal(catalog.get('gpt-4o'), undefined);
    assert.equal(catalog.get('only-2')?.kind, 'embedding');
    assert.deepEqual(catalog.tools, { file_search_per_1k_calls: 1 });
    const noTools = await loadCatalog(file({ mode: 'replace', models: [model('only-1')] }));
    assert.deepEqual(noTools.tools, {});
  });

  it('rejects invalid files with errors naming the file, the model and the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ models: [model('a'), model('b', { rate_limits: { max_requests_per_1_minute: 1, max_tokens_per_1_minute: -5 } })] },
        `models[1] (id "b"): field 'rate_limits.max_tokens_per_1_minute' must be >= 0`],
      [{ models: [model('a', { rate_limits: { max_requests_per_1_minute: 1 } })] },
        `models[0] (id "a"): field 'rate_limits.max_tokens_per_1_minute' is required`],
      [{ models: [model('a', { rate_limits: { max_requests_per_1_minute: 1.5, max_tokens_per_1_minute: 1 } })] },
        `models[0] (id "a"): field 'rate_limits.max_requests_per_1_minute' must be integer`],
      [{ models: [model('a', { rate_limits: { max_requests_per_1_minute: 1, max_tokens_per_1_minute: 1, max_videos: 1 } })] },
        `models[0] (id "a"): field 'rate_limits.max_videos' is not a known field`],
      [{ models: [model('a', { kind: 'video' })] },
        `models[0] (id "a"): field 'kind' must be one of "chat", "completion", "embedding", "image", "audio_speech", "audio_transcription", "moderation"`],
      [{ models: [model('a', { prices: { input: '1' } })] }, `models[0] (id "a"): field 'prices.input' must be number`],
      [{ models: [model('a', { prices: { batch_discount: 2 } })] }, `models[0] (id "a"): field 'prices.batch_discount' must be <= 1`],
      [{ models: [model('a', { prices: { per_image: { '1024x1024': -1 } } })] }, `models[0] (id "a"): field 'prices.per_image.1024x1024' must be >= 0`],
      [{ models: [model('a', { prices: { per_image: { huge: 1 } } })] }, `models[0] (id "a"): field 'prices.per_image.huge' is not a known field`],
      [{ models: [model('a', { color: 'red' })] }, `models[0] (id "a"): field 'color' is not a known field`],
      [{ models: [{ kind: 'chat', rate_limits: {}, prices: {} }] }, `models[0]: field 'id' is required`],
      [{ models: [model('bad id')] }, `models[0] (id "bad id"): field 'id' must match pattern`],
      [{ models: [model('a'), model('b'), model('a')] }, `models[2] (id "a"): field 'id' duplicates models[0]`],
      [{ models: [model('a', { rate_limits: undefined })] }, `models[0] (id "a"): field 'rate_limits' is required`],
      [{ mode: 'merge' }, `field 'mode' must be one of "extend", "replace"`],
      [{ mode: 'replace' }, `field 'models' must list at least one model when 'mode' is "replace"`],
      [{ mode: 'replace', models: [] }, `field 'models' must list at least one model when 'mode' is "replace"`],
      [{ tools: { web_search_per_1k_calls: -1 } }, `field 'tools.web_search_per_1k_calls' must be >= 0`],
      [{ tools: { image_gen: 1 } }, `field 'tools.image_gen' is not a known field`],
      [{ model: [] }, `field 'model' is not a known field`],
      [{ models: {} }, `field 'models' must be array`],
      [[], 'must be a JSON object'],
      ['{"models": [', 'is not valid JSON'],
    ];
    for (const [content, expected] of cases) {
      const path = file(content);
      await assert.rejects(loadCatalog(path), (err: Error) => {
        assert.ok(err instanceof ConfigError, 'reported as a configuration error');
        assert.ok(err.message.startsWith(`model catalog ${path}: `), err.message);
        assert.ok(err.message.includes(expected), `expected "${expected}" in "${err.message}"`);
        return true;
      });
    }
    const missing = join(dir, 'missing.json');
    await assert.rejects(loadCatalog(missing), new RegExp(`^Error: model catalog ${missing}: cannot be read \\(ENOENT`));
  });
});
