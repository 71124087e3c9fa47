import { Type, type Static } from 'typebox';
import { After, Const, CursorList, Deleted, IdParam, Limit, named, NullableInteger, StringEnum } from '../../../../platform/schemas.js';
import { ProjectIdParams } from '../schemas.js';

export const ProjectApiKeyOwnerUser = named('ProjectApiKeyOwnerUser', Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  created_at: Type.Integer(),
  role: Type.String(),
}));

export const ProjectApiKeyOwnerServiceAccount = named('ProjectApiKeyOwnerServiceAccount', Type.Object({
  id: Type.String(),
  name: Type.String(),
  created_at: Type.Integer(),
  role: Type.String(),
}));

const ProjectApiKeyFields = {
  object: Const('organization.project.api_key'),
  redacted_value: Type.String(),
  name: Type.String(),
  created_at: Type.Integer(),
  last_used_at: NullableInteger(),
  id: Type.String(),
  owner_project_access: StringEnum(['active', 'inactive'] as const),
  owner: Type.Object({
    type: StringEnum(['user', 'service_account'] as const),
    user: Type.Optional(ProjectApiKeyOwnerUser),
    service_account: Type.Optional(ProjectApiKeyOwnerServiceAccount),
  }),
};

export const ProjectApiKey = named('ProjectApiKey', Type.Object(ProjectApiKeyFields));
export type ProjectApiKey = Static<typeof ProjectApiKey>;

/** A newly created key: the key object plus its secret, shown only in this response. */
export const ProjectApiKeyCreated = named('ProjectApiKeyCreateResponse', Type.Object({ ...ProjectApiKeyFields, value: Type.String() }));
export const ProjectApiKeyList = named('ProjectApiKeyListResponse', CursorList(ProjectApiKey));
export const ProjectApiKeyDeleted = named('ProjectApiKeyDeleteResponse', Deleted('organization.project.api_key.deleted'));

export const ProjectApiKeyParams = Type.Object({ ...ProjectIdParams.properties, api_key_id: IdParam('The ID of the API key.') });

export const ListProjectApiKeysQuery = Type.Object({
  limit: Limit(),
  after: Type.Optional(After()),
  owner_project_access: Type.Optional(StringEnum(['active', 'inactive', 'any'] as const, {
    description: 'Keys whose owner has access to the project (`active`, the default), has none (`inactive`), or both (`any`).',
  })),
});
export type ListProjectApiKeysQuery = Static<typeof ListProjectApiKeysQuery>;

export const CreateProjectApiKeyBody = named('ProjectApiKeyCreateRequest', Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256, description: 'The name of the API key.' }),
    user_id: Type.String({ minLength: 1, maxLength: 256, description: 'The project member who owns the key.' }),
  },
  { additionalProperties: false },
));
export type CreateProjectApiKeyBody = Static<typeof CreateProjectApiKeyBody>;
