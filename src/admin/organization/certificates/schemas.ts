import { Type, type Static, type TSchema } from 'typebox';
import { After, Const, CursorList, IdParam, Limit, named, NullableString, StringEnum } from '../../../platform/schemas.js';

const Validity = {
  valid_at: Type.Integer(),
  expires_at: Type.Integer(),
};

/** A certificate on its own (upload, get, modify): no `active`; `content` only when asked for. */
export const Certificate = named('Certificate', Type.Object({
  object: Const('certificate'),
  id: Type.String(),
  name: NullableString(),
  created_at: Type.Integer(),
  certificate_details: Type.Object({ ...Validity, content: Type.Optional(Type.String()) }),
}));
export type Certificate = Static<typeof Certificate>;

/** A certificate as listed or toggled at a scope, with whether it is active there. */
export const ScopedCertificate = <const T extends string>(object: T) =>
  Type.Object({
    object: Const(object),
    id: Type.String(),
    name: NullableString(),
    created_at: Type.Integer(),
    certificate_details: Type.Object(Validity),
    active: Type.Boolean(),
  });

export const OrganizationCertificate = named('OrganizationCertificate', ScopedCertificate('organization.certificate'));
export type OrganizationCertificate = Static<typeof OrganizationCertificate>;
export const OrganizationCertificateList = named('ListCertificatesResponse', CursorList(OrganizationCertificate));

/** The result of activating or deactivating certificates: `{object, data}`. */
export const ToggleResult = <const T extends string, S extends TSchema>(object: T, item: S) =>
  Type.Object({ object: Const(object), data: Type.Array(item) });

export const OrganizationCertificateActivation = named('OrganizationCertificateActivationResponse', ToggleResult('organization.certificate.activation', OrganizationCertificate));
export const OrganizationCertificateDeactivation = named('OrganizationCertificateDeactivationResponse', ToggleResult('organization.certificate.deactivation', OrganizationCertificate));

export const CertificateDeleted = named('DeleteCertificateResponse', Type.Object({ object: Const('certificate.deleted'), id: Type.String() }));

export const CertificateIdParams = Type.Object({ certificate_id: IdParam('The ID of the certificate.') });

export const GetCertificateQuery = Type.Object({
  include: Type.Optional(Type.Array(StringEnum(['content'] as const), { description: 'Additional fields to include: `content` (the PEM).' })),
});

export const ListCertificatesQuery = Type.Object({
  limit: Limit(),
  after: Type.Optional(After()),
  order: StringEnum(['asc', 'desc'] as const, { default: 'desc' }),
});

const Name = Type.String({ minLength: 1, maxLength: 256, description: 'The name of the certificate.' });

export const UploadCertificateBody = named('UploadCertificateRequest', Type.Object(
  {
    name: Type.Optional(Name),
    certificate: Type.String({ minLength: 1, maxLength: 65536, description: 'One X.509 certificate in PEM format.' }),
  },
  { additionalProperties: false },
));
export type UploadCertificateBody = Static<typeof UploadCertificateBody>;

export const ModifyCertificateBody = named('ModifyCertificateRequest', Type.Object({ name: Type.Optional(Name) }, { additionalProperties: false }));
export type ModifyCertificateBody = Static<typeof ModifyCertificateBody>;

export const ToggleCertificatesBody = named('ToggleCertificatesRequest', Type.Object(
  { certificate_ids: Type.Array(IdParam('A certificate ID.'), { minItems: 1, maxItems: 10 }) },
  { additionalProperties: false },
));
export type ToggleCertificatesBody = Static<typeof ToggleCertificatesBody>;
