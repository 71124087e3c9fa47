import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { Agent, fetch as undiciFetch, request } from 'undici';
import { ConfigError, loadConfig } from '../../src/config.js';
import { type MockUpstream, startMockUpstream } from '../../src/mock-upstream/server.js';
import { DIALECTS, TestServer } from '../helpers/harness.js';
import { ServerProcess, tempSqlite } from '../helpers/process.js';
import { eventually, projectWithKey, refused, routesFrom, startReplica } from './helpers.js';

const UPSTREAM_KEY = 'sk-upstream-mtls';
const messages = [{ role: 'user' as const, content: 'Hello over TLS.' }];

interface Identity {
  cert: string;
  key: string;
}

/**
 * Certificates made with `openssl` for this run (EC P-256): a client CA and a client certificate it
 * signs (valid one day), a self-signed "stranger", an impostor CA with the same name as the client
 * CA and a client certificate it signs, and the server's certificate for 127.0.0.1.
 */
function makeCertificates() {
  const dir = mkdtempSync(join(tmpdir(), 'orgplane-mtls-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const selfSigned = (name: string, subject: string, days: number, ...extra: string[]) =>
    ssl('req', '-x509', ...EC, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', String(days), '-subj', subject, ...extra);
  const signed = (name: string, ca: string, subject: string, days: number, ...extra: string[]) => {
    ssl('req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-set_serial', '7', '-days', String(days), '-out', `${name}.pem`, ...extra);
  };
  selfSigned('ca', '/CN=orgplane test client CA', 3);
  signed('client', 'ca', '/CN=client of the test CA', 1);
  selfSigned('stranger', '/CN=stranger', 3);
  selfSigned('impostor-ca', '/CN=orgplane test client CA', 3);
  signed('impostor', 'impostor-ca', '/CN=client of the test CA', 1);
  selfSigned('server', '/CN=127.0.0.1', 3, '-addext', 'subjectAltName=IP:127.0.0.1');
  // An intermediate CA issued by the client CA, and a client certificate it issues.
  writeFileSync(join(dir, 'intermediate.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,digitalSignature\n');
  signed('intermediate', 'ca', '/CN=orgplane test intermediate', 2, '-extfile', 'intermediate.ext');
  signed('leaf', 'intermediate', '/CN=client of the intermediate', 1);
  const read = (name: string): Identity => ({ cert: readFileSync(join(dir, `${name}.pem`), 'utf8'), key: readFileSync(join(dir, `${name}.key`), 'utf8') });
  const leaf = read('leaf');
  return {
    dir, ca: read('ca'), client: read('client'), stranger: read('stranger'), impostor: read('impostor'), server: read('server'),
    /** Sends the intermediate along with its certificate. */
    viaIntermediate: { cert: leaf.cert + read('intermediate').cert, key: leaf.key },
  };
}

/** A 401 for the project's missing or untrusted client certificate, in OpenAI's shape. */
function assertCertificateRefusal(r: { status: number; error: any }, projectId: string, why: RegExp): void {
  assert.equal(r.status, 401, JSON.stringify(r.error));
  assert.deepEqual(Object.keys(r.error).sort(), ['code', 'message', 'param', 'type']);
  assert.equal(r.error.code, 'invalid_client_certificate');
  assert.equal(r.error.type, 'invalid_request_error');
  assert.equal(r.error.param, null);
  assert.ok(r.error.message.includes(projectId), r.error.message);
  assert.match(r.error.message, why);
}

describe('mutual TLS', () => {
  const certs = makeCertificates();
  after(() => rmSync(certs.dir, { recursive: true, force: true }));

  for (const dialect of DIALECTS) {
    describe(`through the gateway [${dialect}]`, () => {
      let mock: MockUpstream;
      let s: TestServer;
      /** The client CA and the stranger, uploaded (inactive). */
      let caId: string;
      let strangerId: string;
      const agents: Agent[] = [];
      /** fetch over TLS trusting the test server's certificate, presenting `identity` when given (one pooled agent: keep-alive). */
      const fetchAs = (identity?: Identity): typeof fetch => {
        const dispatcher = new Agent({ connect: { ca: certs.server.cert, ...(identity ?? {}) } });
        agents.push(dispatcher);
        return ((url: string, init?: object) => undiciFetch(url, { ...init, dispatcher })) as unknown as typeof fetch;
      };
      /** The official SDK as a data-plane client, over its own connection pool. */
      const client = (key: string, identity?: Identity) => new OpenAI({ apiKey: key, baseURL: `${s.baseUrl}/v1`, maxRetries: 0, fetch: fetchAs(identity) });
      const chat = (c: OpenAI) => c.chat.completions.create({ model: 'gpt-4o-mini', messages });
      const upload = async (name: string, id: Identity) => {
        const res = await s.post('/v1/organization/certificates', { name, certificate: id.cert });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        return res.body.id as string;
      };
      const toggle = async (scope: string, ids: string[], on: boolean) => {
        const res = await s.post(`/v1/organization/${scope}certificates/${on ? 'activate' : 'deactivate'}`, { certificate_ids: ids });
        assert.equal(res.status, 200, JSON.stringify(res.body));
      };

      before(async () => {
        mock = await startMockUpstream({ port: 0, apiKey: UPSTREAM_KEY });
        const routes = routesFrom(`upstreams:\n  a: { base_url: "${mock.url}", api_key_env: GW_MTLS_KEY }\nmodels:\n  "*": [a]\n`, { GW_MTLS_KEY: UPSTREAM_KEY });
        s = new TestServer(dialect, { routes, usageFlushMs: 100 }, { https: { cert: certs.server.cert, key: certs.server.key } });
        // The certificates are valid from now on: the server's clock reads the real time.
        s.clock.set(Math.floor(Date.now() / 1000));
        s.fetch = fetchAs();
        await s.start();
        assert.match(s.baseUrl, /^https:\/\//);
        caId = await upload('client CA', certs.ca);
        strangerId = await upload('stranger', certs.stranger);
      });
      after(async () => {
        await s.stop();
        await mock.close();
        await Promise.all(agents.map((a) => a.close()));
      });

      it("a project's active certificate: clients presenting a certificate it issued are served, others get 401; other projects are unaffected; deactivated, it stops counting at once", async () => {
        const pinned = await projectWithKey(s, 'Pinned');
        const open = await projectWithKey(s, 'Open');
        const withCert = client(pinned.key, certs.client);
        const without = client(pinned.key);

        // No active certificate: no client certificate needed.
        assert.equal((await chat(without)).object, 'chat.completion');

        await toggle(`projects/${pinned.projectId}/`, [caId], true);
        assert.equal((await chat(withCert)).object, 'chat.completion');
        const listed = [];
        for await (const m of withCert.models.list()) listed.push(m.id);
        assert.ok(listed.includes('gpt-4o-mini'));

        const received = mock.received.length;
        // The same keep-alive connection that was served before activation is now refused.
        assertCertificateRefusal(await refused(chat(without)), pinned.projectId, /no client certificate was presented/);
        assertCertificateRefusal(await refused(without.models.list()), pinned.projectId, /no client certificate/);
        assertCertificateRefusal(await refused(chat(client(pinned.key, certs.stranger))), pinned.projectId, /does not chain to an active certificate/);
        // Same issuer name, another key: the signature decides.
        assertCertificateRefusal(await refused(chat(client(pinned.key, certs.impostor))), pinned.projectId, /does not chain to an active certificate/);
        assert.equal(mock.received.length, received, 'refused requests reach no upstream');

        // A project without certificates is unaffected.
        assert.equal((await chat(client(open.key))).object, 'chat.completion');

        await toggle(`projects/${pinned.projectId}/`, [caId], false);
        assert.equal((await chat(without)).object, 'chat.completion');
        assert.equal((await chat(withCert)).object, 'chat.completion');
      });

      it("the organization's active certificates apply to every project; the client's own certificate may be the active one; a connection's verdict is remade when certificates change; expired certificates are refused", async () => {
        const a = await projectWithKey(s, 'Org A');
        const b = await projectWithKey(s, 'Org B');
        await toggle('', [strangerId], true);
        const strangerA = client(a.key, certs.stranger);
        assert.equal((await chat(strangerA)).object, 'chat.completion');
        assert.equal((await chat(client(b.key, certs.stranger))).object, 'chat.completion');
        assertCertificateRefusal(await refused(chat(client(b.key))), b.projectId, /no client certificate/);
        const clientA = client(a.key, certs.client);
        assertCertificateRefusal(await refused(chat(clientA)), a.projectId, /does not chain/);

        // Project A adds the CA: its clients may use either; B still only the stranger.
        await toggle(`projects/${a.projectId}/`, [caId], true);
        assert.equal((await chat(clientA)).object, 'chat.completion');
        assertCertificateRefusal(await refused(chat(client(b.key, certs.client))), b.projectId, /does not chain/);

        // A client certificate issued by an intermediate the client sends along: accepted, also on
        // new connections that resume the TLS session (they carry no certificates).
        const leafOnly = { cert: certs.viaIntermediate.cert.split(/(?<=-----END CERTIFICATE-----\n)/)[0], key: certs.viaIntermediate.key };
        assertCertificateRefusal(await refused(chat(client(a.key, leafOnly))), a.projectId, /does not chain/);
        const agent = new Agent({ connect: { ca: certs.server.cert, ...certs.viaIntermediate } });
        agents.push(agent);
        for (let i = 0; i < 3; i++) {
          const res = await request(`${s.baseUrl}/v1/models`, { dispatcher: agent, headers: { authorization: `Bearer ${a.key}` }, reset: true });
          assert.equal(res.statusCode, 200, `request ${i}: ${await res.body.text()}`);
          await res.body.dump();
        }
        // The intermediate is remembered from then on (verified again each time): the certificate alone now chains.
        assert.equal((await chat(client(a.key, leafOnly))).object, 'chat.completion');

        // Removed again: the keep-alive connection accepted a moment ago is refused (its verdict is not reused).
        await toggle(`projects/${a.projectId}/`, [caId], false);
        assertCertificateRefusal(await refused(chat(clientA)), a.projectId, /does not chain/);

        // The client certificate expires after a day (the CA and the stranger after three).
        await toggle(`projects/${a.projectId}/`, [caId], true);
        assert.equal((await chat(clientA)).object, 'chat.completion');
        s.clock.advance(36 * 3600);
        try {
          assertCertificateRefusal(await refused(chat(clientA)), a.projectId, /expired or not yet valid/);
          assert.equal((await chat(strangerA)).object, 'chat.completion');
        } finally {
          s.clock.advance(-36 * 3600);
        }
        assert.equal((await chat(clientA)).object, 'chat.completion');

        await toggle(`projects/${a.projectId}/`, [caId], false);
        await toggle('', [strangerId], false);
        assert.equal((await chat(client(b.key))).object, 'chat.completion');
        assert.equal((await chat(client(a.key))).object, 'chat.completion');
      });

      it('every replica applies a change within a second (a replica serving plain HTTP refuses while a certificate is active)', async () => {
        const p = await projectWithKey(s, 'Replicated');
        const replica = await startReplica(s, { routes: routesFrom(`upstreams:\n  a: { base_url: "${mock.url}", api_key_env: GW_MTLS_KEY }\nmodels:\n  "*": [a]\n`, { GW_MTLS_KEY: UPSTREAM_KEY }) });
        try {
          const onReplica = new OpenAI({ apiKey: p.key, baseURL: `${replica.baseUrl}/v1`, maxRetries: 0 });
          assert.equal((await chat(onReplica)).object, 'chat.completion');

          await toggle(`projects/${p.projectId}/`, [caId], true);
          let changed = Date.now();
          await eventually(async () => (await chat(onReplica).then(() => 200, (err) => err.status)) === 401, 1000, 'refused on the replica');
          assert.ok(Date.now() - changed < 1000);
          assertCertificateRefusal(await refused(chat(onReplica)), p.projectId, /did not come over TLS/);

          await toggle(`projects/${p.projectId}/`, [caId], false);
          changed = Date.now();
          await eventually(async () => (await chat(onReplica).then(() => 200, (err) => err.status)) === 200, 1000, 'served on the replica');
          assert.ok(Date.now() - changed < 1000);
        } finally {
          await replica.close();
        }
      });
    });
  }
});

describe('ORGPLANE_TLS_CERT / ORGPLANE_TLS_KEY', () => {
  const certs = makeCertificates();
  const db = tempSqlite('tls');
  after(() => {
    rmSync(certs.dir, { recursive: true, force: true });
    db.remove();
  });
  const cert = join(certs.dir, 'server.pem');
  const key = join(certs.dir, 'server.key');

  it('are checked at start: a missing or unreadable file, a file that is not PEM, a key of another certificate, one without the other — one error naming the variable', () => {
    const problem = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        return err.message;
      }
      return assert.fail('accepted');
    };
    assert.match(problem({ ORGPLANE_TLS_CERT: join(certs.dir, 'nope.pem'), ORGPLANE_TLS_KEY: key }), /^ORGPLANE_TLS_CERT: must be the path of a readable PEM file, got ".*nope\.pem" \(ENOENT\)$/);
    assert.match(problem({ ORGPLANE_TLS_CERT: cert, ORGPLANE_TLS_KEY: join(certs.dir, 'nope.key') }), /^ORGPLANE_TLS_KEY: must be the path of a readable PEM file, .*ENOENT/);
    assert.match(problem({ ORGPLANE_TLS_CERT: key, ORGPLANE_TLS_KEY: key }), /^ORGPLANE_TLS_CERT: must hold an X\.509 certificate/);
    assert.match(problem({ ORGPLANE_TLS_CERT: cert, ORGPLANE_TLS_KEY: cert }), /^ORGPLANE_TLS_KEY: must hold an unencrypted private key/);
    assert.match(problem({ ORGPLANE_TLS_CERT: cert, ORGPLANE_TLS_KEY: join(certs.dir, 'ca.key') }), /^ORGPLANE_TLS_KEY: .* is not the private key of the certificate in ORGPLANE_TLS_CERT/);
    assert.equal(problem({ ORGPLANE_TLS_CERT: cert }), 'ORGPLANE_TLS_KEY: must be set when ORGPLANE_TLS_CERT is (HTTPS needs both)');
    assert.equal(problem({ ORGPLANE_TLS_KEY: key }), 'ORGPLANE_TLS_CERT: must be set when ORGPLANE_TLS_KEY is (HTTPS needs both)');
    const both = loadConfig({ ORGPLANE_TLS_CERT: cert, ORGPLANE_TLS_KEY: key });
    assert.deepEqual([both.tlsCertFile, both.tlsKeyFile], [cert, key]);
    assert.equal(loadConfig({}).tlsCertFile, undefined);
  });

  it('the orgplane process serves HTTPS with them, and a bad one stops the start with one line naming the variable', async () => {
    const bad = new ServerProcess({ DATABASE_URL: db.url, ORGPLANE_TLS_CERT: join(certs.dir, 'missing.pem'), ORGPLANE_TLS_KEY: key });
    const exit = await bad.exited;
    assert.equal(exit.code, 78);
    assert.match(bad.stderr, /^orgplane: configuration error: ORGPLANE_TLS_CERT: must be the path of a readable PEM file, got ".*missing\.pem" \(ENOENT\)$/m);

    const server = new ServerProcess({ DATABASE_URL: db.url, ORGPLANE_TLS_CERT: cert, ORGPLANE_TLS_KEY: key });
    const dispatcher = new Agent({ connect: { ca: certs.server.cert } });
    try {
      const port = await portOf(server);
      const res = await undiciFetch(`https://127.0.0.1:${port}/healthz`, { dispatcher });
      assert.equal(res.status, 200, server.stderr);
      // Plain HTTP on the same port is not served.
      const plain = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 'refused');
      assert.notEqual(plain, 200);
    } finally {
      await server.stop();
      await dispatcher.close();
    }
  });
});

/** The port the process listens on, from its "Server listening at https://…" log line. */
async function portOf(server: ServerProcess): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const line = server.logs().find((l) => typeof l.msg === 'string' && l.msg.startsWith('Server listening at https://127.0.0.1'));
    if (line) return /:(\d+)$/.exec(line.msg)![1];
    if (server.child.exitCode !== null) assert.fail(`the server exited: ${server.stderr}`);
    if (Date.now() > deadline) assert.fail(`not listening: ${server.stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
