import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import semver from 'semver';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));

it('every installed package supports the lowest Node version orgplane declares, which is the one running the tests at most', () => {
  const lowest = semver.minVersion(pkg.engines.node)!;
  assert.ok(semver.gte(process.version, lowest.version), `tests run on ${process.version}, below ${pkg.engines.node}`);
  const unsupported = Object.entries(lock.packages as Record<string, { version?: string; engines?: { node?: string } }>)
    .filter(([path, p]) => path !== '' && typeof p.engines?.node === 'string' && !semver.satisfies(lowest, p.engines.node))
    .map(([path, p]) => `${path}@${p.version} needs node ${p.engines!.node}`);
  assert.deepEqual(unsupported, [], `packages that do not run on Node ${lowest.version}`);
});
