import { X509Certificate } from 'node:crypto';
import { writeAudit } from '../../../core/audit.js';
import type { Principal } from '../../../core/keys/principal.js';
import { type Executor, inTransaction } from '../../../core/context.js';
import type { Core } from '../../../core/index.js';
import { bumpPolicyVersion } from '../../../core/policies/repository.js';
import { badRequest, notFound } from '../../../platform/errors.js';
import { newId } from '../../../platform/ids.js';
import { listEnvelope, type PageRequest } from '../../../platform/pagination.js';
import * as repo from './repository.js';
import type { Certificate, ModifyCertificateBody, OrganizationCertificate, UploadCertificateBody } from './schemas.js';

/** Certificates an organization may hold. */
export const MAX_CERTIFICATES = 50;

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

const invalidCertificate = (why: string) => badRequest(`Invalid 'certificate': ${why}.`, 'certificate', 'invalid_certificate');

/**
 * Parses an upload: exactly one PEM `CERTIFICATE` block (surrounding whitespace allowed; literal
 * `\n` sequences, as some clients send them, count as line breaks) holding a valid X.509 certificate.
 * Returns its canonical PEM and validity period in Unix seconds.
 */
export function parseCertificate(input: string): { content: string; validAt: number; expiresAt: number } {
  const text = input.replace(/\\n/g, '\n').trim();
  const blocks = [...text.matchAll(PEM_BLOCK)];
  if (blocks.length === 0) throw invalidCertificate('expected an X.509 certificate in PEM format (-----BEGIN CERTIFICATE-----)');
  if (blocks.length > 1) throw invalidCertificate(`expected exactly one certificate, found ${blocks.length} PEM blocks`);
  // Name the block type only: a misplaced private key is never echoed back.
  if (blocks[0][1] !== 'CERTIFICATE') throw invalidCertificate(`expected a CERTIFICATE, found a ${blocks[0][1]} block`);
  if (blocks[0][0].length !== text.length) throw invalidCertificate('unexpected text outside the PEM block');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(text);
  } catch {
    throw invalidCertificate('the PEM block is not a valid X.509 certificate');
  }
  return {
    content: cert.toString(),
    validAt: Math.floor(Date.parse(cert.validFrom) / 1000),
    expiresAt: Math.floor(Date.parse(cert.validTo) / 1000),
  };
}

export function toCertificate(row: repo.CertificateRow, includeContent = false): Certificate {
  const details: Certificate['certificate_details'] = { valid_at: Number(row.valid_at), expires_at: Number(row.expires_at) };
  if (includeContent) details.content = row.content;
  return { object: 'certificate', id: row.id, name: row.name, created_at: Number(row.created_at), certificate_details: details };
}

/** The listing form at a scope (`organization.certificate` / `organization.project.certificate`). */
export function toScoped<T extends string>(object: T, row: repo.CertificateRow, active: boolean) {
  return {
    object,
    id: row.id,
    name: row.name,
    created_at: Number(row.created_at),
    certificate_details: { valid_at: Number(row.valid_at), expires_at: Number(row.expires_at) },
    active,
  };
}

/** `{id, name}` of a certificate in audit events; `name` is left out when the certificate has none. */
export const auditCertificate = (row: repo.CertificateRow) => (row.name === null ? { id: row.id } : { id: row.id, name: row.name });

export async function requireCertificate(db: Executor, id: string): Promise<repo.CertificateRow> {
  const row = await repo.findCertificate(db, id);
  if (!row) throw notFound('certificate', id, 'certificate_id');
  return row;
}

/** Loads the certificates named in an activation request, each once, in request order; any unknown ID fails the request. */
export async function requireCertificates(db: Executor, ids: string[]): Promise<repo.CertificateRow[]> {
  const unique = [...new Set(ids)];
  const byId = new Map((await repo.findCertificates(db, unique)).map((r) => [r.id, r]));
  return unique.map((id) => {
    const row = byId.get(id);
    if (!row) throw notFound('certificate', id, 'certificate_ids');
    return row;
  });
}

export class CertificatesService {
  constructor(private readonly ctx: Core) {}

  async list(page: PageRequest) {
    const { rows, hasMore } = await repo.listCertificates(this.ctx.db, page);
    return listEnvelope(rows.map((r) => toScoped('organization.certificate', r, r.active === 1)), hasMore);
  }

  async retrieve(id: string, include: string[] = []): Promise<Certificate> {
    return toCertificate(await requireCertificate(this.ctx.db, id), include.includes('content'));
  }

  /** Uploads a certificate, inactive everywhere. Expired certificates are refused. */
  async upload(actor: Principal, body: UploadCertificateBody): Promise<Certificate> {
    const parsed = parseCertificate(body.certificate);
    const now = this.ctx.clock.now();
    if (parsed.expiresAt <= now) throw invalidCertificate('the certificate has expired');
    return inTransaction(this.ctx, async (tx) => {
      await repo.lockOrganization(tx);
      if ((await repo.countCertificates(tx)) >= MAX_CERTIFICATES) {
        throw badRequest(`An organization can hold at most ${MAX_CERTIFICATES} certificates; delete one first.`, null, 'certificate_limit_reached');
      }
      const row: repo.CertificateRow = {
        seq: 0,
        id: newId('certificate'),
        name: body.name ?? null,
        content: parsed.content,
        valid_at: parsed.validAt,
        expires_at: parsed.expiresAt,
        created_at: now,
        active: 0,
      };
      const { seq: _seq, ...values } = row;
      await repo.insertCertificate(tx, values);
      await writeAudit(tx, this.ctx.clock, actor, { type: 'certificate.created', resourceId: row.id, details: auditCertificate(row) });
      return toCertificate(row);
    });
  }

  /** Renames a certificate (the only thing that can change). */
  async modify(actor: Principal, id: string, body: ModifyCertificateBody): Promise<Certificate> {
    return inTransaction(this.ctx, async (tx) => {
      const row = await requireCertificate(tx, id);
      if (body.name === undefined) return toCertificate(row);
      await repo.updateCertificate(tx, id, { name: body.name });
      const updated = { ...row, name: body.name };
      await writeAudit(tx, this.ctx.clock, actor, { type: 'certificate.updated', resourceId: id, details: auditCertificate(updated) });
      return toCertificate(updated);
    });
  }

  /** Deletes a certificate that is inactive for the organization and every (non-archived) project. */
  async delete(actor: Principal, id: string) {
    const result = await inTransaction(this.ctx, async (tx) => {
      const row = await requireCertificate(tx, id);
      if (row.active === 1) throw badRequest(`Certificate '${id}' is active for the organization; deactivate it first.`, 'certificate_id', 'certificate_active');
      const projects = await repo.countActiveProjects(tx, id);
      if (projects > 0) {
        throw badRequest(`Certificate '${id}' is active in ${projects} project(s); deactivate it there first.`, 'certificate_id', 'certificate_active');
      }
      await repo.deleteCertificate(tx, id);
      await writeAudit(tx, this.ctx.clock, actor, {
        type: 'certificate.deleted',
        resourceId: id,
        details: { ...auditCertificate(row), certificate: row.content },
      });
      // It may still be listed for archived projects: the gateway's certificates reload.
      await bumpPolicyVersion(tx);
      return { object: 'certificate.deleted' as const, id };
    });
    await this.ctx.policies.refresh();
    return result;
  }

  /**
   * Activates or deactivates certificates for the organization, all or none. Certificates already
   * in the requested state are left as they are; the event lists those that changed (none: no event).
   */
  async toggle<T extends string>(actor: Principal, ids: string[], active: boolean, object: T) {
    const result = await inTransaction(this.ctx, async (tx) => {
      const rows = await requireCertificates(tx, ids);
      const changing = rows.filter((r) => (r.active === 1) !== active);
      if (changing.length) {
        await repo.setActive(tx, changing.map((r) => r.id), active);
        await writeAudit(tx, this.ctx.clock, actor, {
          type: active ? 'certificates.activated' : 'certificates.deactivated',
          resourceId: null,
          details: { certificates: changing.map(auditCertificate) },
        });
        // Mutual TLS: every replica's gateway reloads the active certificates (this one at once, below).
        await bumpPolicyVersion(tx);
      }
      return { object, data: rows.map((r): OrganizationCertificate => toScoped('organization.certificate', r, active)) };
    });
    await this.ctx.policies.refresh();
    return result;
  }
}
