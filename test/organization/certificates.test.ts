import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { it } from 'node:test';
import OpenAI from 'openai';
import { assertError, forEachDialect, type TestServer } from '../helpers/harness.js';
import { assertSpec } from '../helpers/spec.js';

const CERTS = '/v1/organization/certificates';
const projectCerts = (projectId: string) => `/v1/organization/projects/${projectId}/certificates`;

/** A fresh self-signed EC certificate (PEM), valid from now for `days` days. */
function makeCert(days = 30): string {
  return execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', String(days), '-subj', '/CN=test', '-keyout', '/dev/null'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
}

const PEM_A = makeCert(30);
const PEM_B = makeCert(90);
const PRIVATE_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

/** The newest audit event, checked against the spec's audit-log list schema. */
async function lastEvent(server: TestServer) {
  const res = await server.get('/v1/organization/audit_logs?limit=1');
  assertSpec('list-audit-logs', res.body);
  return res.body.data[0];
}

forEachDialect('certificates', (server) => {
  const upload = async (name: string | undefined, pem = PEM_A) => {
    const res = await server().post(CERTS, name === undefined ? { certificate: pem } : { name, certificate: pem });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  const newProject = async (name: string) => (await server().post('/v1/organization/projects', { name })).body as { id: string; name: string };
  const projectActive = async (projectId: string, certId: string) => {
    const res = await server().get(`${projectCerts(projectId)}?limit=100`);
    return res.body.data.find((c: any) => c.id === certId)?.active;
  };
  const orgActive = async (certId: string) => (await server().get(`${CERTS}?limit=100`)).body.data.find((c: any) => c.id === certId)?.active;

  it('uploads a certificate: validity from the certificate, no content, audited', async () => {
    const before = await server().auditCount();
    const res = await server().post(CERTS, { name: 'Gateway', certificate: PEM_B });
    assert.equal(res.status, 200);
    assertSpec('uploadCertificate', res.body);
    assert.match(res.body.id, /^cert_[A-Za-z0-9]{24}$/);
    const { valid_at, expires_at } = res.body.certificate_details;
    assert.deepEqual(res.body, {
      object: 'certificate', id: res.body.id, name: 'Gateway', created_at: server().clock.now(),
      certificate_details: { valid_at, expires_at },
    });
    assert.equal(expires_at - valid_at, 90 * 86400);
    assert.ok(Math.abs(valid_at - Date.now() / 1000) < 120, `valid_at ${valid_at}`);
    assert.equal(await server().auditCount(), before + 1);
    const event = await lastEvent(server());
    assert.equal(event.type, 'certificate.created');
    assert.deepEqual(event['certificate.created'], { id: res.body.id, name: 'Gateway' });
    assert.equal(event.project, undefined);

    const unnamed = await server().post(CERTS, { certificate: PEM_A });
    assertSpec('uploadCertificate', unnamed.body);
    assert.equal(unnamed.body.name, null);
    assert.deepEqual((await lastEvent(server()))['certificate.created'], { id: unnamed.body.id });
  });

  it('accepts PEM with literal \\n sequences and surrounding whitespace', async () => {
    const escaped = await upload('Escaped', `\n  ${PEM_A.trim().replace(/\n/g, '\\n')}  \n`);
    const got = await server().get(`${CERTS}/${escaped.id}?include[]=content`);
    assert.equal(got.body.certificate_details.content, PEM_A);
  });

  it('rejects anything but one valid, unexpired certificate, and changes nothing', async () => {
    const before = await server().auditCount();
    const count = (await server().get(`${CERTS}?limit=100`)).body.data.length;
    const body = PEM_A.split('\n')[1];
    const corrupt = PEM_A.replace(body, body.slice(0, 10) + '!!!!' + body.slice(14));
    for (const certificate of [
      'garbage',
      PRIVATE_KEY,
      PEM_A + PEM_B,
      PEM_A + PRIVATE_KEY,
      PRIVATE_KEY + PEM_A,
      `subject=CN=test\n${PEM_A}`,
      corrupt,
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
      PEM_A.replace('-----END CERTIFICATE-----', ''),
    ]) {
      const res = await server().post(CERTS, { name: 'Bad', certificate });
      assertError(res, 400, 'certificate');
      assert.ok(!res.body.error.message.includes('PRIVATE KEY-----'), 'key material is not echoed');
      assert.ok(!res.body.error.message.includes(PRIVATE_KEY.split('\n')[1]), 'key material is not echoed');
    }
    assert.match((await server().post(CERTS, { certificate: PRIVATE_KEY })).body.error.message, /found a PRIVATE KEY block/);
    assertError(await server().post(CERTS, { name: 'x' }), 400, 'certificate');
    assertError(await server().post(CERTS, { certificate: '' }), 400, 'certificate');
    assertError(await server().post(CERTS, { certificate: 42 }), 400, 'certificate');
    assertError(await server().post(CERTS, { certificate: 'x'.repeat(65537) }), 413);
    assertError(await server().post(CERTS, { certificate: PEM_A, name: '' }), 400, 'name');
    assertError(await server().post(CERTS, { certificate: PEM_A, name: 'n'.repeat(257) }), 400, 'name');
    assertError(await server().post(CERTS, { certificate: PEM_A, name: null }), 400, 'name');
    assertError(await server().post(CERTS, { certificate: PEM_A, active: true }), 400, 'active');

    // Expired at upload time (per the server clock).
    const short = makeCert(1);
    const now = server().clock.now();
    server().clock.set(Math.floor(Date.now() / 1000) + 2 * 86400);
    try {
      const expired = await server().post(CERTS, { certificate: short });
      assertError(expired, 400, 'certificate');
      assert.match(expired.body.error.message, /expired/);
    } finally {
      server().clock.set(now);
    }
    assert.equal(await server().auditCount(), before);
    assert.equal((await server().get(`${CERTS}?limit=100`)).body.data.length, count);
  });

  it('gets a certificate, with its content only when included', async () => {
    const cert = await upload('Fetched');
    const res = await server().get(`${CERTS}/${cert.id}`);
    assert.equal(res.status, 200);
    assertSpec('getCertificate', res.body);
    assert.deepEqual(res.body, cert);
    for (const query of ['include[]=content', 'include=content', 'include[0]=content']) {
      const full = await server().get(`${CERTS}/${cert.id}?${query}`);
      assert.equal(full.status, 200, query);
      assertSpec('getCertificate', full.body);
      assert.deepEqual(full.body, { ...cert, certificate_details: { ...cert.certificate_details, content: PEM_A } });
    }
    assertError(await server().get(`${CERTS}/${cert.id}?include[]=key`), 400, 'include[0]');
    assertError(await server().get(`${CERTS}/cert_missing`), 404, 'certificate_id');
  });

  it('renames a certificate', async () => {
    const cert = await upload('Old name');
    const before = await server().auditCount();
    const res = await server().post(`${CERTS}/${cert.id}`, { name: 'New name' });
    assert.equal(res.status, 200);
    assertSpec('modifyCertificate', res.body);
    assert.deepEqual(res.body, { ...cert, name: 'New name' });
    assert.equal(await server().auditCount(), before + 1);
    const event = await lastEvent(server());
    assert.equal(event.type, 'certificate.updated');
    assert.deepEqual(event['certificate.updated'], { id: cert.id, name: 'New name' });
    assert.equal((await server().get(`${CERTS}/${cert.id}`)).body.name, 'New name');

    const unchanged = await server().post(`${CERTS}/${cert.id}`, {});
    assert.equal(unchanged.status, 200);
    assertSpec('modifyCertificate', unchanged.body);
    assert.equal(unchanged.body.name, 'New name');
    assert.equal(await server().auditCount(), before + 1);

    assertError(await server().post(`${CERTS}/${cert.id}`, { name: 5 }), 400, 'name');
    assertError(await server().post(`${CERTS}/${cert.id}`, { name: '' }), 400, 'name');
    assertError(await server().post(`${CERTS}/${cert.id}`, { certificate: PEM_B }), 400, 'certificate');
    assertError(await server().post(`${CERTS}/cert_missing`, { name: 'x' }), 404, 'certificate_id');
    assert.equal(await server().auditCount(), before + 1);
  });

  it('lists organization certificates newest first, pages, and orders', async () => {
    const all = await server().get(`${CERTS}?limit=100`);
    assert.equal(all.status, 200);
    assertSpec('listOrganizationCertificates', all.body);
    const ids = all.body.data.map((c: any) => c.id);
    assert.ok(ids.length >= 5);
    const asc = await server().get(`${CERTS}?limit=100&order=asc`);
    assert.deepEqual(asc.body.data.map((c: any) => c.id), [...ids].reverse());
    for (const c of all.body.data) {
      assert.equal(c.object, 'organization.certificate');
      assert.equal(c.active, false);
      assert.equal(c.certificate_details.content, undefined);
    }
    const first = await server().get(`${CERTS}?limit=2`);
    assertSpec('listOrganizationCertificates', first.body);
    assert.deepEqual(first.body.data.map((c: any) => c.id), ids.slice(0, 2));
    assert.equal(first.body.has_more, true);
    const second = await server().get(`${CERTS}?limit=2&after=${first.body.last_id}`);
    assert.deepEqual(second.body.data.map((c: any) => c.id), ids.slice(2, 4));
    assertError(await server().get(`${CERTS}?limit=0`), 400, 'limit');
    assertError(await server().get(`${CERTS}?limit=101`), 400, 'limit');
    assertError(await server().get(`${CERTS}?order=up`), 400, 'order');
    assertError(await server().get(`${CERTS}?after=cert_missing`), 400, 'after');
  });

  it('activates and deactivates for the organization: all or nothing, idempotent', async () => {
    const a = await upload('Org A');
    const b = await upload('Org B', PEM_B);
    const before = await server().auditCount();
    const res = await server().post(`${CERTS}/activate`, { certificate_ids: [a.id, b.id, a.id] });
    assert.equal(res.status, 200);
    assertSpec('activateOrganizationCertificates', res.body);
    assert.deepEqual(res.body, {
      object: 'organization.certificate.activation',
      data: [a, b].map((c) => ({ object: 'organization.certificate', id: c.id, name: c.name, created_at: c.created_at, certificate_details: c.certificate_details, active: true })),
    });
    assert.equal(await server().auditCount(), before + 1);
    const event = await lastEvent(server());
    assert.equal(event.type, 'certificates.activated');
    assert.deepEqual(event['certificates.activated'], { certificates: [{ id: a.id, name: 'Org A' }, { id: b.id, name: 'Org B' }] });
    assert.equal(event.project, undefined);
    assert.equal(await orgActive(a.id), true);

    // Already active: fine, nothing logged.
    const again = await server().post(`${CERTS}/activate`, { certificate_ids: [a.id] });
    assert.equal(again.status, 200);
    assertSpec('activateOrganizationCertificates', again.body);
    assert.equal(again.body.data[0].active, true);
    assert.equal(await server().auditCount(), before + 1);

    // One unknown ID fails the whole request.
    const c = await upload('Org C');
    const failed = await server().post(`${CERTS}/deactivate`, { certificate_ids: [a.id, 'cert_missing'] });
    assertError(failed, 404, 'certificate_ids');
    assertError(await server().post(`${CERTS}/activate`, { certificate_ids: [c.id, 'cert_missing'] }), 404, 'certificate_ids');
    assert.equal(await orgActive(a.id), true);
    assert.equal(await orgActive(c.id), false);

    const mid = await server().auditCount();
    const off = await server().post(`${CERTS}/deactivate`, { certificate_ids: [a.id, c.id] });
    assert.equal(off.status, 200);
    assertSpec('deactivateOrganizationCertificates', off.body);
    assert.equal(off.body.object, 'organization.certificate.deactivation');
    assert.deepEqual(off.body.data.map((x: any) => [x.id, x.active]), [[a.id, false], [c.id, false]]);
    assert.equal(await server().auditCount(), mid + 1);
    // Only the certificate whose state changed is in the event.
    assert.deepEqual((await lastEvent(server()))['certificates.deactivated'], { certificates: [{ id: a.id, name: 'Org A' }] });
    assert.equal(await orgActive(a.id), false);
    assert.equal(await orgActive(b.id), true);

    const quiet = await server().auditCount();
    assertError(await server().post(`${CERTS}/activate`, { certificate_ids: [] }), 400, 'certificate_ids');
    assertError(await server().post(`${CERTS}/activate`, { certificate_ids: Array(11).fill(a.id) }), 400, 'certificate_ids');
    assertError(await server().post(`${CERTS}/activate`, {}), 400, 'certificate_ids');
    assertError(await server().post(`${CERTS}/activate`, { certificate_ids: a.id }), 400, 'certificate_ids');
    assertError(await server().post(`${CERTS}/deactivate`, { certificate_ids: [5] }), 400, 'certificate_ids[0]');
    assertError(await server().post(`${CERTS}/deactivate`, { certificate_ids: [a.id], all: true }), 400, 'all');
    assert.equal(await server().auditCount(), quiet);
    await server().post(`${CERTS}/deactivate`, { certificate_ids: [b.id] });
  });

  it('activates and deactivates per project', async () => {
    const project = await newProject('mTLS');
    const other = await newProject('Plain');
    const a = await upload('Proj A');
    const b = await upload(undefined, PEM_B);

    const listed = await server().get(projectCerts(project.id));
    assert.equal(listed.status, 200);
    assertSpec('listProjectCertificates', listed.body);
    const orgList = await server().get(CERTS);
    assert.deepEqual(listed.body.data.map((c: any) => c.id), orgList.body.data.map((c: any) => c.id));
    assert.ok(listed.body.data.every((c: any) => c.object === 'organization.project.certificate' && c.active === false));

    const before = await server().auditCount();
    const res = await server().post(`${projectCerts(project.id)}/activate`, { certificate_ids: [a.id, b.id] });
    assert.equal(res.status, 200);
    assertSpec('activateProjectCertificates', res.body);
    assert.deepEqual(res.body, {
      object: 'organization.project.certificate.activation',
      data: [a, b].map((c) => ({ object: 'organization.project.certificate', id: c.id, name: c.name, created_at: c.created_at, certificate_details: c.certificate_details, active: true })),
    });
    assert.equal(await server().auditCount(), before + 1);
    const event = await lastEvent(server());
    assert.equal(event.type, 'certificates.activated');
    assert.deepEqual(event['certificates.activated'], { certificates: [{ id: a.id, name: 'Proj A' }, { id: b.id }] });
    assert.deepEqual(event.project, { id: project.id, name: 'mTLS' });

    assert.equal(await projectActive(project.id, a.id), true);
    assert.equal(await projectActive(other.id, a.id), false);
    assert.equal(await orgActive(a.id), false);

    const again = await server().post(`${projectCerts(project.id)}/activate`, { certificate_ids: [b.id] });
    assert.equal(again.status, 200);
    assert.equal(await server().auditCount(), before + 1);

    const off = await server().post(`${projectCerts(project.id)}/deactivate`, { certificate_ids: [b.id] });
    assert.equal(off.status, 200);
    assertSpec('deactivateProjectCertificates', off.body);
    assert.deepEqual(off.body.data.map((x: any) => [x.object, x.id, x.active]), [['organization.project.certificate', b.id, false]]);
    const offEvent = await lastEvent(server());
    assert.equal(offEvent.type, 'certificates.deactivated');
    assert.deepEqual(offEvent['certificates.deactivated'], { certificates: [{ id: b.id }] });
    assert.deepEqual(offEvent.project, { id: project.id, name: 'mTLS' });
    assert.equal(await projectActive(project.id, b.id), false);
    assert.equal(await projectActive(project.id, a.id), true);

    const page = await server().get(`${projectCerts(project.id)}?limit=1&order=asc`);
    assertSpec('listProjectCertificates', page.body);
    assert.equal(page.body.has_more, true);
    assert.equal(page.body.data[0].id, [...orgList.body.data].reverse()[0].id);

    const quiet = await server().auditCount();
    assertError(await server().post(`${projectCerts(project.id)}/deactivate`, { certificate_ids: [a.id, 'cert_missing'] }), 404, 'certificate_ids');
    assert.equal(await projectActive(project.id, a.id), true);
    assertError(await server().post(`${projectCerts('proj_missing')}/activate`, { certificate_ids: [a.id] }), 404, 'project_id');
    assertError(await server().get(projectCerts('proj_missing')), 404, 'project_id');
    assertError(await server().post(`${projectCerts(project.id)}/activate`, { certificate_ids: [] }), 400, 'certificate_ids');
    assertError(await server().get(`${projectCerts(project.id)}?after=cert_missing`), 400, 'after');
    await server().post(`/v1/organization/projects/${other.id}/archive`);
    const archivedQuiet = await server().auditCount();
    assertError(await server().post(`${projectCerts(other.id)}/activate`, { certificate_ids: [a.id] }), 400, 'project_id');
    assertError(await server().post(`${projectCerts(other.id)}/deactivate`, { certificate_ids: [a.id] }), 400, 'project_id');
    assert.equal(await server().auditCount(), archivedQuiet);
    assert.equal(archivedQuiet, quiet + 1);
    await server().post(`${projectCerts(project.id)}/deactivate`, { certificate_ids: [a.id] });
  });

  it('deletes only certificates inactive for the organization and every project', async () => {
    const project = await newProject('Holder');
    const cert = await upload('Doomed');
    await server().post(`${CERTS}/activate`, { certificate_ids: [cert.id] });
    await server().post(`${projectCerts(project.id)}/activate`, { certificate_ids: [cert.id] });

    const before = await server().auditCount();
    assertError(await server().delete(`${CERTS}/${cert.id}`), 400, 'certificate_id');
    await server().post(`${CERTS}/deactivate`, { certificate_ids: [cert.id] });
    const stillInProject = await server().delete(`${CERTS}/${cert.id}`);
    assertError(stillInProject, 400, 'certificate_id');
    assert.match(stillInProject.body.error.message, /active in 1 project/);
    assert.equal(await server().auditCount(), before + 1);
    await server().post(`${projectCerts(project.id)}/deactivate`, { certificate_ids: [cert.id] });

    const mid = await server().auditCount();
    const res = await server().delete(`${CERTS}/${cert.id}`);
    assert.equal(res.status, 200);
    assertSpec('deleteCertificate', res.body);
    assert.deepEqual(res.body, { object: 'certificate.deleted', id: cert.id });
    assert.equal(await server().auditCount(), mid + 1);
    const event = await lastEvent(server());
    assert.equal(event.type, 'certificate.deleted');
    assert.deepEqual(event['certificate.deleted'], { id: cert.id, name: 'Doomed', certificate: PEM_A });
    assertError(await server().get(`${CERTS}/${cert.id}`), 404, 'certificate_id');
    assertError(await server().delete(`${CERTS}/${cert.id}`), 404, 'certificate_id');
    assert.ok(!(await server().get(`${projectCerts(project.id)}?limit=100`)).body.data.some((c: any) => c.id === cert.id));
  });

  it('activations in archived projects do not block deletion', async () => {
    const project = await newProject('Gone');
    const cert = await upload('Orphan');
    await server().post(`${projectCerts(project.id)}/activate`, { certificate_ids: [cert.id] });
    assertError(await server().delete(`${CERTS}/${cert.id}`), 400, 'certificate_id');
    await server().post(`/v1/organization/projects/${project.id}/archive`);
    const res = await server().delete(`${CERTS}/${cert.id}`);
    assert.equal(res.status, 200);
    assertSpec('deleteCertificate', res.body);
  });

  it('holds at most 50 certificates per organization', async () => {
    let count = (await server().get(`${CERTS}?limit=100`)).body.data.length;
    const added: string[] = [];
    while (count < 50) {
      added.push((await upload(`Filler ${count}`)).id);
      count++;
    }
    const before = await server().auditCount();
    const full = await server().post(CERTS, { name: 'One too many', certificate: PEM_B });
    assertError(full, 400);
    assert.equal(full.body.error.code, 'certificate_limit_reached');
    assert.equal(await server().auditCount(), before);
    assert.equal((await server().get(`${CERTS}?limit=100`)).body.data.length, 50);
    assert.equal((await server().delete(`${CERTS}/${added[0]}`)).status, 200);
    assert.equal((await server().post(CERTS, { certificate: PEM_B })).status, 200);
  });

  it('works with the official SDK', async () => {
    const openai = new OpenAI({ adminAPIKey: server().adminKey, baseURL: `${server().baseUrl}/v1`, maxRetries: 0 });
    const api = openai.admin.organization.certificates;
    for (const c of (await server().get(`${CERTS}?limit=100`)).body.data) await server().delete(`${CERTS}/${c.id}`);
    const created = await api.create({ name: 'Sdk', certificate: PEM_A });
    assert.equal(created.name, 'Sdk');
    const full = await api.retrieve(created.id, { include: ['content'] });
    assert.equal(full.certificate_details.content, PEM_A);
    assert.equal((await api.update(created.id, { name: 'Sdk 2' })).name, 'Sdk 2');
    const second = await api.create({ certificate: PEM_B });
    const seen: string[] = [];
    for await (const c of api.list({ limit: 1 })) seen.push(c.id);
    assert.deepEqual(seen, [second.id, created.id]);
    const activated: Array<{ id: string; active?: boolean }> = [];
    for await (const c of api.activate({ certificate_ids: [created.id, second.id] })) activated.push(c);
    assert.deepEqual(activated.map((c) => [c.id, c.active]), [[created.id, true], [second.id, true]]);
    for await (const c of api.deactivate({ certificate_ids: [created.id, second.id] })) assert.equal(c.active, false);
    const project = await newProject('Sdk project');
    const projectApi = openai.admin.organization.projects.certificates;
    for await (const c of projectApi.activate(project.id, { certificate_ids: [second.id] })) assert.equal(c.active, true);
    const listed: Array<[string, boolean | undefined]> = [];
    for await (const c of projectApi.list(project.id)) listed.push([c.id, c.active]);
    assert.deepEqual(listed, [[second.id, true], [created.id, false]]);
    for await (const c of projectApi.deactivate(project.id, { certificate_ids: [second.id] })) assert.equal(c.active, false);
    const deleted = await api.delete(created.id);
    assert.deepEqual({ ...deleted }, { object: 'certificate.deleted', id: created.id });
  });
});
