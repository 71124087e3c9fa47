import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, TestServer } from './helpers/harness.js';
import { assertSpec } from './helpers/spec.js';

/**
 * The official Python SDK (`openai` 2.x and 3.x, in .venv/openai-N, made by
 * scripts/setup-python-sdk.sh) drives every admin method orgplane implements, against a fresh
 * server per database and SDK version; every response body is checked against the official spec.
 */
const ROOT = resolve(import.meta.dirname, '..');
const SCRIPT = join(ROOT, 'test/python/admin_sdk_e2e.py');
const VERSIONS = readdirSync(join(ROOT, 'test/python'))
  .map((f) => /^requirements-(openai-\d+)\.txt$/.exec(f)?.[1])
  .filter((v): v is string => v !== undefined)
  .sort();
const python = (version: string) => join(ROOT, '.venv', version, 'bin', 'python');

/** Every SDK method orgplane implements, by the spec's operationId: each must be called and logged. */
const OPERATIONS = [
  'create-project', 'retrieve-project', 'modify-project', 'list-projects', 'archive-project',
  'inviteUser', 'retrieve-invite', 'list-invites', 'delete-invite',
  'retrieve-user', 'list-users', 'modify-user', 'delete-user',
  'retrieve-project-user', 'modify-project-user', 'list-project-users', 'create-project-user', 'delete-project-user',
  'create-project-service-account', 'retrieve-project-service-account', 'list-project-service-accounts',
  'update-project-service-account', 'CreateanAPIkeyforaserviceaccount', 'delete-project-service-account',
  'list-project-api-keys', 'retrieve-project-api-key', 'delete-project-api-key',
  'admin-api-keys-create', 'admin-api-keys-get', 'admin-api-keys-list', 'admin-api-keys-delete',
  'create-group', 'retrieve-group', 'update-group', 'list-groups', 'delete-group',
  'add-group-user', 'retrieve-group-user', 'list-group-users', 'remove-group-user',
  'create-role', 'retrieve-role', 'update-role', 'list-roles', 'delete-role',
  'assign-user-role', 'retrieve-user-role', 'list-user-role-assignments', 'unassign-user-role',
  'assign-group-role', 'retrieve-group-role', 'list-group-role-assignments', 'unassign-group-role',
  'create-project-role', 'retrieve-project-role', 'update-project-role', 'list-project-roles', 'delete-project-role',
  'assign-project-user-role', 'retrieve-project-user-role', 'list-project-user-role-assignments', 'unassign-project-user-role',
  'add-project-group', 'retrieve-project-group', 'list-project-groups', 'remove-project-group',
  'assign-project-group-role', 'retrieve-project-group-role', 'list-project-group-role-assignments', 'unassign-project-group-role',
  'uploadCertificate', 'getCertificate', 'modifyCertificate', 'listOrganizationCertificates', 'deleteCertificate',
  'activateOrganizationCertificates', 'deactivateOrganizationCertificates',
  'activateProjectCertificates', 'listProjectCertificates', 'deactivateProjectCertificates',
  'list-project-rate-limits', 'update-project-rate-limits',
  'usage-completions', 'usage-embeddings', 'usage-moderations', 'usage-images', 'usage-audio-speeches',
  'usage-audio-transcriptions', 'usage-vector-stores', 'usage-code-interpreter-sessions',
  'usage-file-search-calls', 'usage-web-search-calls', 'usage-costs', 'list-audit-logs',
];

function makeCert(days: number): string {
  return execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', String(days), '-subj', '/CN=py', '-keyout', '/dev/null'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
}

/** Makes the virtual environments when one is missing; in CI a failure fails the suite, elsewhere it skips it (saying so). */
function ensureVenvs(): string | undefined {
  if (VERSIONS.every((v) => existsSync(python(v)))) return undefined;
  const setup = spawnSync('bash', [join(ROOT, 'scripts/setup-python-sdk.sh')], { encoding: 'utf8' });
  if (setup.status === 0 && VERSIONS.every((v) => existsSync(python(v)))) return undefined;
  const why = `the Python SDKs could not be installed (scripts/setup-python-sdk.sh): ${setup.stderr?.slice(-2000)}`;
  if (process.env.CI) throw new Error(why);
  return why;
}

function run(cmd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(cmd, [SCRIPT], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => done({ code, output }));
  });
}

const skip = ensureVenvs();
const certs = [makeCert(30), makeCert(90)];

for (const dialect of DIALECTS) {
  for (const version of VERSIONS) {
    describe(`official openai Python SDK (${version}) end to end [${dialect}]`, () => {
      const server = new TestServer(dialect);
      const dir = mkdtempSync(join(tmpdir(), 'orgplane-py-'));
      before(async () => {
        await server.start();
      });
      after(async () => {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      });

      it('drives every implemented admin method; every body matches the spec', { skip }, async () => {
        const log = join(dir, 'calls.jsonl');
        const start = Math.floor(server.clock.now() / 86400) * 86400;
        const { code, output } = await run(python(version), {
          PATH: process.env.PATH,
          ORGPLANE_BASE_URL: `${server.baseUrl}/v1`,
          ORGPLANE_ADMIN_KEY: server.adminKey,
          ORGPLANE_CERT_A: certs[0],
          ORGPLANE_CERT_B: certs[1],
          ORGPLANE_USAGE_START: String(start),
          ORGPLANE_SDK_LOG: log,
        });
        assert.equal(code, 0, output);
        assert.match(output, /logged calls passed/);
        const calls = readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { op: string; status: number; body: unknown });
        for (const c of calls) {
          assert.equal(c.status, 200, `${c.op}: ${JSON.stringify(c.body)}`);
          assertSpec(c.op, c.body);
        }
        const called = new Set(calls.map((c) => c.op));
        assert.deepEqual(OPERATIONS.filter((op) => !called.has(op)), [], 'operations the Python suite did not call');
      });
    });
  }
}
