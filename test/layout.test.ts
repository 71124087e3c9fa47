import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { it } from 'node:test';

it('keeps the layout: only src/platform/db names database engines or threads; the planes import each other only through core', () => {
  const result = spawnSync(process.execPath, ['scripts/check-layout.mjs'], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stdout + result.stderr);
});
