import { Type, type Static } from 'typebox';
import { After, Const, CursorList, Deleted, IdParam, Limit, named, NullableBoolean, StringEnum } from '../../../../platform/schemas.js';
import { ProjectIdParams } from '../schemas.js';

const ProjectServiceAccountFields = {
  object: Const('organization.project.service_account'),
  id: Type.String(),
  name: Type.String(),
  role: StringEnum(['owner', 'member', 'none'] as const),
  created_at: Type.Integer(),
};

export const ProjectServiceAccount = named('ProjectServiceAccount', Type.Object(ProjectServiceAccountFields));
export type ProjectServiceAccount = Static<typeof ProjectServiceAccount>;

/** A service account's new key with its secret, shown only in the response that creates it. */
export const ServiceAccountApiKey = named('ProjectServiceAccountApiKey', Type.Object({
  object: Const('organization.project.service_account.api_key'),
  value: Type.String(),
  name: Type.String(),
  created_at: Type.Integer(),
  id: Type.String(),
}));
export type ServiceAccountApiKey = Static<typeof ServiceAccountApiKey>;

export const ProjectServiceAccountCreated = named('ProjectServiceAccountCreateResponse', Type.Object({
  ...ProjectServiceAccountFields,
  api_key: Type.Union([ServiceAccountApiKey, Type.Null()]),
}));

export const ProjectServiceAccountList = named('ProjectServiceAccountListResponse', CursorList(ProjectServiceAccount));
export const ProjectServiceAccountDeleted = named('ProjectServiceAccountDeleteResponse', Deleted('organization.project.service_account.deleted'));

export const ServiceAccountParams = Type.Object({ ...ProjectIdParams.properties, service_account_id: IdParam('The ID of the service account.') });

export const ListServiceAccountsQuery = Type.Object({ limit: Limit(), after: Type.Optional(After()) });

const Name = Type.String({ minLength: 1, maxLength: 256, description: 'The name of the service account.' });

export const CreateServiceAccountBody = named('ProjectServiceAccountCreateRequest', Type.Object(
  {
    name: Name,
    create_service_account_only: Type.Optional(NullableBoolean({ description: 'Create the service account without a project role (`none`) or an API key.' })),
  },
  { additionalProperties: false },
));
export type CreateServiceAccountBody = Static<typeof CreateServiceAccountBody>;

export const UpdateServiceAccountBody = named('UpdateProjectServiceAccountBody', Type.Object(
  { name: Type.Optional(Name), role: Type.Optional(StringEnum(['member', 'owner'] as const)) },
  { additionalProperties: false },
));
export type UpdateServiceAccountBody = Static<typeof UpdateServiceAccountBody>;

const ServiceAccountKeyFields = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'API key name.' })),
    scopes: Type.Optional(Type.Array(
      Type.String({ minLength: 1, maxLength: 128, pattern: '^[a-z][a-z0-9_]*(\\.[a-z0-9_]+)+$' }),
      { maxItems: 64, uniqueItems: true, description: 'API key scopes, e.g. `api.responses.write`.' },
    )),
  },
  { additionalProperties: false },
);
export type CreateServiceAccountKeyBody = Static<typeof ServiceAccountKeyFields>;

/** The body is optional: a request without one validates as `null`. */
export const CreateServiceAccountKeyBody = named('CreateProjectServiceAccountApiKeyBody', Type.Unsafe<CreateServiceAccountKeyBody | null>({ ...ServiceAccountKeyFields, type: ['object', 'null'] }));
